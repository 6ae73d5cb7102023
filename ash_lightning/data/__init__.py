"""Datasets: synthetic ophthalmic generators, pair sampling and the retrieval DataModules."""
