"""The Faiss binary index kinds of the case index, their parameters, and the top-k search.

The retrieval stage of Fang et al., BIBM 2020 (§III) ranks the database codes by Hamming
distance to the query's code. The codes are the sign bits packed by
:func:`~ash_lightning.retrieval.codes.pack_bits` (least significant bit first, zero-padded to
64-bit words), exactly as the evaluation packs them.

``flat`` (the default) is :class:`faiss.IndexBinaryFlat`: exact, exhaustive Hamming search.
For large case bases two approximate kinds trade recall for speed:

* ``multihash``: :class:`faiss.IndexBinaryMultiHash`, multi-index hashing. The ``K`` code bits
  are cut into ``nhash`` sub-strings of ``b = K // nhash`` bits, each the key of a hash table;
  a search probes, in every table, the buckets within ``nflip`` bits of the query's key and
  ranks the candidates by their full Hamming distance. By default ``nhash = max(2,
  ceil(K / 16))`` (so ``b <= 16`` bits and tables of at most 65,536 buckets: ``nhash`` is 2 for
  K = 12, 24, 32; 3 for 36, 48; 4 for 64) and ``nflip = 1``. A case within Hamming distance
  ``nhash * (nflip + 1) - 1`` of the query shares a key within ``nflip`` bits in some table
  (pigeonhole), so it is always a candidate; farther cases may be missed.
* ``ivf``: :class:`faiss.IndexBinaryIVF`, an inverted file over ``nlist`` binary k-means
  centroids, of which a search scans the ``nprobe`` nearest. By default ``nlist = min(round
  (sqrt(n)), n // 39)`` for ``n`` codes (Faiss's k-means wants 39 training points per
  centroid) and ``nprobe = ceil(nlist / 16)``: on clustered 48-bit codes this scanned
  sixteenth keeps recall@10 at 0.997 for a search 30x faster than the exact one at 1M codes
  (1.000 and 28x at 10M; ``benchmarks/approximate_search.py`` prints the whole curve).
  Training needs at least ``39 * nlist`` codes: fewer are refused (use ``flat``). Codes
  added later go to the lists of the build's centroids; rebuild when the case base has
  changed much.

The parameters are recorded in the index's header and restored when it is loaded.

A flat index is searched in place by
:func:`~ash_lightning.retrieval.hamming_ranking.exact_search`, so its results follow the
evaluation's tie rule exactly:
Hamming distance ascending, ties by database position (the order in which cases were
indexed), including at the cut-off k. An approximate index returns its candidates sorted by
the same rule; which cases tied at the k-th distance it found depends on the index, and a
query may get fewer than k results when few candidates fall in the probed buckets or lists.
"""

import math
from dataclasses import dataclass

import faiss
import numpy as np

from ash_lightning.index.records import CaseIndexError
from ash_lightning.retrieval.hamming_ranking import exact_search

INDEX_TYPES = ("flat", "multihash", "ivf")
TRAINING_POINTS_PER_LIST = 39
"""Faiss's k-means asks for at least this many training points per centroid."""
MAX_HASH_BITS = 16
IVF_SCANNED_SHARE = 16
"""By default an ``ivf`` search scans one list in this many."""


@dataclass(frozen=True)
class IndexOptions:
    """Requested parameters of an approximate index; None leaves the default.

    Attributes:
        nhash: Hash tables of ``multihash``.
        nflip: Bits flipped when probing a ``multihash`` table.
        nlist: Inverted lists of ``ivf``.
        nprobe: Lists scanned per ``ivf`` search.
    """

    nhash: int | None = None
    nflip: int | None = None
    nlist: int | None = None
    nprobe: int | None = None


def index_parameters(
    index_type: str, bits: int, count: int, options: IndexOptions
) -> dict[str, int]:
    """The parameters of an index kind for ``count`` codes of ``bits`` bits.

    The choices are documented in this module's docstring.

    Args:
        index_type: One of :data:`INDEX_TYPES`.
        bits: Code length K.
        count: Codes the index is built on.
        options: Requested values; None fields get the defaults.

    Returns:
        ``{}`` for ``flat``; ``nhash``, ``b``, ``nflip`` for ``multihash``; ``nlist``,
        ``nprobe`` for ``ivf``.

    Raises:
        CaseIndexError: An unknown kind, a value out of range, or too few codes for ``ivf``.
    """
    if index_type == "flat":
        return {}
    if index_type == "multihash":
        nhash = options.nhash or max(2, math.ceil(bits / MAX_HASH_BITS))
        if not 1 <= nhash <= bits or bits // nhash > MAX_HASH_BITS:
            raise CaseIndexError(
                f"--nhash must give sub-strings of 1 to {MAX_HASH_BITS} of the {bits} bits, "
                f"got {nhash}"
            )
        nflip = 1 if options.nflip is None else options.nflip
        if not 0 <= nflip <= bits // nhash:
            raise CaseIndexError(f"--nflip must be in [0, {bits // nhash}], got {nflip}")
        return {"nhash": nhash, "b": bits // nhash, "nflip": nflip}
    if index_type == "ivf":
        nlist = options.nlist or max(
            1, min(round(math.sqrt(count)), count // TRAINING_POINTS_PER_LIST)
        )
        if count < TRAINING_POINTS_PER_LIST * nlist:
            raise CaseIndexError(
                f"an ivf index with {nlist} lists needs at least "
                f"{TRAINING_POINTS_PER_LIST * nlist} codes to train, got {count}: "
                "use --index-type flat for a small case base"
            )
        nprobe = options.nprobe or math.ceil(nlist / IVF_SCANNED_SHARE)
        if not 1 <= nprobe <= nlist:
            raise CaseIndexError(f"--nprobe must be in [1, {nlist}], got {nprobe}")
        return {"nlist": nlist, "nprobe": nprobe}
    raise CaseIndexError(f"unknown index type {index_type!r}; use one of {', '.join(INDEX_TYPES)}")


def set_search_parameters(index: faiss.IndexBinary, params: dict[str, int]) -> None:
    """Apply the recorded search-time parameters (``nflip``, ``nprobe``) to an index.

    Args:
        index: A flat, multi-hash or IVF binary index.
        params: From :func:`index_parameters`.
    """
    if isinstance(index, faiss.IndexBinaryMultiHash) and "nflip" in params:
        index.nflip = params["nflip"]
    if isinstance(index, faiss.IndexBinaryIVF) and "nprobe" in params:
        index.nprobe = params["nprobe"]


def create_index(index_type: str, params: dict[str, int], codes: np.ndarray) -> faiss.IndexBinary:
    """An index of ``index_type`` holding ``codes`` (trained on them when it needs training).

    Args:
        index_type: One of :data:`INDEX_TYPES`.
        params: From :func:`index_parameters`.
        codes: ``N x B`` packed uint8 codes (:func:`~ash_lightning.retrieval.codes.pack_bits`).

    Returns:
        The filled index, with its search parameters set.
    """
    dimension = 8 * codes.shape[1]
    index: faiss.IndexBinary
    if index_type == "multihash":
        index = faiss.IndexBinaryMultiHash(dimension, params["nhash"], params["b"])
    elif index_type == "ivf":
        # Faiss's Python wrapper keeps the quantizer alive as long as the IVF index.
        index = faiss.IndexBinaryIVF(faiss.IndexBinaryFlat(dimension), dimension, params["nlist"])
        index.train(codes)
    else:
        index = faiss.IndexBinaryFlat(dimension)
    set_search_parameters(index, params)
    index.add(codes)
    return index


def stored_codes(index: faiss.IndexBinaryFlat) -> np.ndarray:
    """The ``N x B`` packed codes held by a flat binary index, in database order.

    Args:
        index: A flat binary index.

    Returns:
        A copy of its codes, uint8.
    """
    # Faiss's type stubs lack ``xb``, the codes' storage: one copy of it is far faster than
    # ``reconstruct_n``, which copies code by code.
    storage = index.xb  # type: ignore[attr-defined]
    return faiss.vector_to_array(storage).reshape(index.ntotal, index.code_size)


def search_codes(
    index: faiss.IndexBinary, queries: np.ndarray, k: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Rank the cases of ``index`` for each query code by Hamming distance.

    Args:
        index: A flat, multi-hash or IVF binary index with at least one code.
        queries: ``Q x B`` packed uint8 codes, laid out as the index's.
        k: Results per query, at least 1; clipped to the index size.

    Returns:
        Per query, int64 Hamming distances and int64 database positions, best first.
    """
    if isinstance(index, faiss.IndexBinaryFlat):
        distances, positions = exact_search(index, queries, min(k, index.ntotal))
        return [(d.astype(np.int64), p) for d, p in zip(distances, positions, strict=True)]
    distances, positions = index.search(np.ascontiguousarray(queries), min(k, index.ntotal))
    results = []
    for row_distances, row_positions in zip(distances, positions, strict=True):
        found = row_positions >= 0
        order = np.lexsort((row_positions[found], row_distances[found]))
        results.append((row_distances[found][order].astype(np.int64), row_positions[found][order]))
    return results
