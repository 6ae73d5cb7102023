"""A persistent case index over a trained run's hash codes (Fang et al., BIBM 2020, §III, §IV-C).

A trained hashing network encodes a collection of images once; their sign codes, packed as
the evaluation packs them, are stored in a Faiss binary index beside the cases (image path,
labels, split) and a header that ties them to the network. A query image is encoded by the
same network and its cases are ranked by Hamming distance, ties by position as in the
evaluation, with its attention map and a retrieval grid on request. ``ash-index build | add |
query | efficiency`` (:mod:`ash_lightning.index.__main__`) is the command line.

The modules, from the bottom up:

* :mod:`~ash_lightning.index.records`: cases, the header (``index.json``), the errors;
* :mod:`~ash_lightning.index.kinds`: the Faiss index kinds and the tie-ordered top-k search;
* :mod:`~ash_lightning.index.store`: a loaded index, its folder layout and crash safety;
* :mod:`~ash_lightning.index.encode`: the index's network, checked, encoding files and queries;
* :mod:`~ash_lightning.index.build`, :mod:`~ash_lightning.index.add`,
  :mod:`~ash_lightning.index.query`, :mod:`~ash_lightning.index.explain`: the operations;
* :mod:`~ash_lightning.index.efficiency`, :mod:`~ash_lightning.index.scale`: the §IV-C
  measurements (imported on their own, not from here).
"""

from ash_lightning.index.add import add_images
from ash_lightning.index.build import (
    BuildSettings,
    CaseSource,
    SplitRule,
    assign_splits,
    build_index,
    resolve_case_source,
)
from ash_lightning.index.encode import (
    EncodedQuery,
    differences,
    encode_files,
    encode_images,
    encode_query,
    load_index_run,
)
from ash_lightning.index.explain import NO_ATTENTION, Explanation
from ash_lightning.index.kinds import (
    INDEX_TYPES,
    IndexOptions,
    create_index,
    index_parameters,
    search_codes,
    stored_codes,
)
from ash_lightning.index.query import QueryResult, query_index, result_json, result_table
from ash_lightning.index.records import (
    SPLIT_ADDED,
    Case,
    CaseIndexError,
    IndexHeader,
    IndexMismatchError,
)
from ash_lightning.index.store import CaseIndex, Hit, index_lock, load_case_index

__all__ = [
    "INDEX_TYPES",
    "NO_ATTENTION",
    "SPLIT_ADDED",
    "BuildSettings",
    "Case",
    "CaseIndex",
    "CaseIndexError",
    "CaseSource",
    "EncodedQuery",
    "Explanation",
    "Hit",
    "IndexHeader",
    "IndexMismatchError",
    "IndexOptions",
    "QueryResult",
    "SplitRule",
    "add_images",
    "assign_splits",
    "build_index",
    "create_index",
    "differences",
    "encode_files",
    "encode_images",
    "encode_query",
    "index_lock",
    "index_parameters",
    "load_case_index",
    "load_index_run",
    "query_index",
    "resolve_case_source",
    "result_json",
    "result_table",
    "search_codes",
    "stored_codes",
]
