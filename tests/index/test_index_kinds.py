import faiss
import numpy as np
import pytest

from ash_lightning.index import (
    CaseIndexError,
    IndexOptions,
    create_index,
    index_parameters,
    load_case_index,
    search_codes,
)
from ash_lightning.retrieval.codes import binarize, pack_bits

from .helpers import run_cli

K = 10


@pytest.fixture(autouse=True)
def one_faiss_thread():
    """Faiss's OpenMP threads spin against the other jobs of a shared 2-core machine."""
    previous = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    yield
    faiss.omp_set_num_threads(previous)


def _clustered_codes(bits, seed, count=2000, queries=200, clusters=25, flips=4):
    """Database and query codes around shared random centres, each within ``flips`` bits."""
    rng = np.random.default_rng(seed)
    centres = rng.choice([-1.0, 1.0], size=(clusters, bits))
    outputs = centres[rng.integers(0, clusters, count + queries)]
    for row in outputs:
        row[rng.choice(bits, rng.integers(0, flips + 1), replace=False)] *= -1
    codes = pack_bits(binarize(outputs))
    return codes[:count], codes[count:]


def _recall(index, database, queries):
    """Share of returned cases no farther than the exact k-th distance (ties count as hits)."""
    exact = search_codes(create_index("flat", {}, database), queries, K)
    found = search_codes(index, queries, K)
    hits = sum(
        int((distances <= exact_distances[-1]).sum())
        for (exact_distances, _), (distances, _) in zip(exact, found, strict=True)
    )
    return hits / (K * len(queries))


@pytest.mark.parametrize("bits", [12, 48])
@pytest.mark.parametrize("index_type", ["multihash", "ivf"])
def test_approximate_kinds_find_the_exact_top_k_on_clustered_codes(index_type, bits):
    database, queries = _clustered_codes(bits, seed=bits)
    params = index_parameters(index_type, bits, len(database), IndexOptions())
    index = create_index(index_type, params, database)
    assert _recall(index, database, queries) >= 0.9
    for distances, positions in search_codes(index, queries, K):
        assert len(positions) <= K
        pairs = list(zip(distances, positions, strict=True))
        assert pairs == sorted(pairs)


def test_default_parameters_follow_the_documented_rules():
    assert index_parameters("flat", 12, 10, IndexOptions()) == {}
    assert index_parameters("multihash", 12, 10, IndexOptions()) == {"nhash": 2, "b": 6, "nflip": 1}
    assert index_parameters("multihash", 48, 10, IndexOptions()) == {
        "nhash": 3,
        "b": 16,
        "nflip": 1,
    }
    assert index_parameters("multihash", 64, 10, IndexOptions(nflip=0))["nhash"] == 4
    assert index_parameters("ivf", 12, 10_000, IndexOptions()) == {"nlist": 100, "nprobe": 7}
    assert index_parameters("ivf", 12, 300, IndexOptions(nprobe=7)) == {"nlist": 7, "nprobe": 7}
    with pytest.raises(CaseIndexError, match="needs at least 39 codes to train, got 20"):
        index_parameters("ivf", 12, 20, IndexOptions())
    with pytest.raises(CaseIndexError, match="--nhash"):
        index_parameters("multihash", 12, 10, IndexOptions(nhash=13))
    with pytest.raises(CaseIndexError, match="--nprobe must be in"):
        index_parameters("ivf", 12, 300, IndexOptions(nprobe=8))


@pytest.mark.parametrize(
    ("index_type", "options", "faiss_type", "params"),
    [
        ("multihash", ["--nflip=2"], faiss.IndexBinaryMultiHash, {"nhash": 2, "b": 6, "nflip": 2}),
        ("ivf", ["--nprobe=3"], faiss.IndexBinaryIVF, {"nlist": 7, "nprobe": 3}),
    ],
)
def test_the_kind_and_its_parameters_are_persisted(
    indexed, tmp_path, capsys, index_type, options, faiss_type, params
):
    out = tmp_path / index_type
    argv = ["build", f"--checkpoint={indexed.run}", f"--data={indexed.data}", f"--out={out}"]
    code, text, err = run_cli(
        [*argv, f"--index-type={index_type}", *options, "--no-progress"], capsys
    )
    assert code == 0, err
    assert f"(12 bits, {index_type})" in text
    index = load_case_index(out)
    assert index.header.index_type == index_type and index.header.index_params == params
    assert isinstance(index.faiss_index, faiss_type)
    assert getattr(index.faiss_index, "nflip", None) in (None, params.get("nflip"))
    assert getattr(index.faiss_index, "nprobe", None) in (None, params.get("nprobe"))
    image = indexed.data / "images/test/test_00004.png"
    code, text, err = run_cli(["query", str(out), str(image), "-k=3"], capsys)
    assert code == 0, err
    assert len(text.splitlines()) >= 2
    new_image = tmp_path / "new.png"
    new_image.write_bytes(image.read_bytes())
    code, _, err = run_cli(["add", str(out), str(new_image), "--no-progress"], capsys)
    assert code == 0, err
    assert load_case_index(out).faiss_index.ntotal == 301
