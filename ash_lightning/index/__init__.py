"""A persistent case index over a trained run's hash codes (Fang et al., BIBM 2020, §III, §IV-C).

``ash-index build | add | query`` (:mod:`ash_lightning.index.__main__`) encodes a collection
once with a trained run, appends cases, and ranks them for a query image by Hamming distance,
with the query's attention map and a retrieval grid on request. The folder layout and its
crash safety are described in :mod:`ash_lightning.index.index_store`, the index kinds in
:mod:`ash_lightning.index.index_kinds`, the result order in
:mod:`ash_lightning.index.binary_search`.
"""
