"""Hashed features name their content: equal matrices alike, any difference apart."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.hashed_features import HashedFeatures, add_hashed_features

MATRIX = scipy.sparse.coo_matrix(np.array([[0, 2, 0], [1, 0, 0]]))


def _hashed(
    matrix: scipy.sparse.spmatrix | np.ndarray = MATRIX,  # type: ignore[type-arg]
    kind: str = FEATURE_TYPE_SEQUENCE,
    attribute: str = "text",
    origin: str = "featurizer",
) -> str:
    return HashedFeatures(matrix, kind, attribute, origin).fingerprint()


def test_the_same_values_give_the_same_fingerprint_however_stored() -> None:
    assert _hashed(scipy.sparse.coo_matrix(MATRIX.toarray())) == _hashed()
    assert _hashed(MATRIX.tocsr()) == _hashed()


@pytest.mark.parametrize(
    "changed",
    [
        {"matrix": scipy.sparse.coo_matrix(np.array([[0, 3, 0], [1, 0, 0]]))},
        {"matrix": scipy.sparse.coo_matrix(np.array([[2, 0, 0], [1, 0, 0]]))},
        {"matrix": scipy.sparse.coo_matrix(np.array([[0, 2, 0, 0], [1, 0, 0, 0]]))},
        {"matrix": MATRIX.toarray()},
        {"kind": FEATURE_TYPE_SENTENCE},
        {"attribute": "intent"},
        {"origin": "another"},
    ],
    ids=["value", "position", "shape", "dense", "kind", "attribute", "origin"],
)
def test_any_difference_changes_the_fingerprint(changed: dict[str, object]) -> None:
    assert _hashed(**changed) != _hashed()  # type: ignore[arg-type]


def test_a_message_fingerprint_changes_when_features_are_added() -> None:
    message = Message({"text": "quên mật khẩu"})
    before = message.fingerprint()

    add_hashed_features("featurizer", MATRIX, None, "text", message)

    assert message.fingerprint() != before
    assert [(f.type, f.attribute, f.origin) for f in message.features] == [
        (FEATURE_TYPE_SEQUENCE, "text", "featurizer")
    ]
