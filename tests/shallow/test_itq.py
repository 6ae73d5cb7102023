import numpy as np
import pytest

from ash_lightning.retrieval import evaluate_retrieval, random_code_reference
from ash_lightning.shallow import ITQ


def clusters(n, seed, centers):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, centers.shape[0], n)
    return centers[labels] + rng.normal(scale=0.5, size=(n, centers.shape[1])), labels


def test_rotation_is_orthogonal_and_components_orthonormal(small_problem):
    hasher = ITQ(bits=12).fit(*small_problem)
    np.testing.assert_allclose(hasher.rotation_.T @ hasher.rotation_, np.eye(12), atol=1e-10)
    np.testing.assert_allclose(hasher.components_.T @ hasher.components_, np.eye(12), atol=1e-10)


def test_components_are_the_leading_principal_directions(small_problem):
    features = small_problem[0]
    hasher = ITQ(bits=4).fit(*small_problem)
    centred = features - features.mean(axis=0)
    captured = np.sum((centred @ hasher.components_) ** 2)
    eigenvalues = np.linalg.eigvalsh(centred.T @ centred)
    assert captured == pytest.approx(eigenvalues[-4:].sum(), rel=1e-9)


def test_quantisation_loss_is_non_increasing(small_problem):
    hasher = ITQ(bits=16, iterations=30, seed=2).fit(*small_problem)
    history = np.array(hasher.loss_history_)
    assert history.size == 30
    assert (np.diff(history) <= 1e-9 * history[0]).all()
    assert history[-1] < history[0]


def test_history_loss_matches_the_final_codes(small_problem):
    features, labels = small_problem
    hasher = ITQ(bits=8).fit(features, labels)
    relaxed = hasher.encode(features).astype(np.float64)
    codes = np.where(relaxed >= 0, 1.0, -1.0)
    loss = np.sum((codes - relaxed) ** 2)
    assert loss <= hasher.loss_history_[-1] * (1 + 1e-5)


def test_more_bits_than_feature_dimensions_is_an_error():
    with pytest.raises(ValueError, match="feature dimension"):
        ITQ(bits=9).fit(np.random.default_rng(0).normal(size=(20, 8)), np.zeros(20, dtype=int))


def test_iterations_must_be_positive():
    with pytest.raises(ValueError, match="iterations"):
        ITQ(bits=4, iterations=0)


def test_codes_retrieve_well_separated_clusters():
    centers = np.random.default_rng(7).normal(scale=4.0, size=(8, 32))
    database, database_labels = clusters(400, 1, centers)
    queries, query_labels = clusters(80, 2, centers)
    hasher = ITQ(bits=16).fit(database, database_labels)
    result = evaluate_retrieval(
        hasher.encode(queries), query_labels, hasher.encode(database), database_labels, [10]
    )
    chance = random_code_reference(query_labels, database_labels, 16, [10], seed=0)
    assert result.metrics["mAP@10"] > chance.metrics["mAP@10"] + 0.4
