"""Running an experiment: compose and check the config, fit, evaluate, write and reload results."""
