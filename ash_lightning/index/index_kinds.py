"""The Faiss binary index kinds of the case index and the choice of their parameters.

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
  centroid) and ``nprobe = ceil(nlist / 4)``. Training needs at least ``39 * nlist`` codes:
  fewer are refused (use ``flat``). Codes added later go to the lists of the build's
  centroids; rebuild when the case base has changed much.

The parameters are recorded in the index's metadata and restored when it is loaded.
"""

import math
from dataclasses import dataclass

import faiss
import numpy as np

from ash_lightning.index.errors import CaseIndexError

INDEX_TYPES = ("flat", "multihash", "ivf")
TRAINING_POINTS_PER_LIST = 39
"""Faiss's k-means asks for at least this many training points per centroid."""
MAX_HASH_BITS = 16


@dataclass(frozen=True)
class IndexOptions:
    """Requested parameters of an approximate index; None leaves the default.

    Reference: Fang et al., BIBM 2020, §III (Hamming ranking at retrieval).

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

    Reference: Fang et al., BIBM 2020, §III (Hamming ranking at retrieval); the choices are
    documented in this module's docstring.

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
        nprobe = options.nprobe or math.ceil(nlist / 4)
        if not 1 <= nprobe <= nlist:
            raise CaseIndexError(f"--nprobe must be in [1, {nlist}], got {nprobe}")
        return {"nlist": nlist, "nprobe": nprobe}
    raise CaseIndexError(f"unknown index type {index_type!r}; use one of {', '.join(INDEX_TYPES)}")


def create_index(index_type: str, params: dict[str, int], codes: np.ndarray) -> faiss.IndexBinary:
    """An index of ``index_type`` holding ``codes`` (trained on them when it needs training).

    Reference: Fang et al., BIBM 2020, §III (the database codes searched at retrieval).

    Args:
        index_type: One of :data:`INDEX_TYPES`.
        params: From :func:`index_parameters`.
        codes: ``N x B`` packed uint8 codes (:func:`~ash_lightning.index.index_codes`).

    Returns:
        The filled index, with its search parameters set.
    """
    dimension = 8 * codes.shape[1]
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


def set_search_parameters(index: faiss.IndexBinary, params: dict[str, int]) -> None:
    """Apply the recorded search-time parameters (``nflip``, ``nprobe``) to a loaded index.

    Reference: Fang et al., BIBM 2020, §III (retrieval stage).

    Args:
        index: A flat, multi-hash or IVF binary index.
        params: From :func:`index_parameters`.
    """
    if "nflip" in params:
        index.nflip = params["nflip"]
    if "nprobe" in params:
        index.nprobe = params["nprobe"]
