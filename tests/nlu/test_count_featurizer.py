"""The count featurizer gives Rasa's own features, as features that fingerprint fast."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)

from bot.nlu.count_featurizer import HashedCountVectorsFeaturizer
from bot.nlu.hashed_features import HashedFeatures
from tests.nlu.featurizing import assert_same_features, features_of

# The three ways config.yml counts: words, bare syllables and pairs, characters.
CONFIGS = [
    {},
    {"use_lemma": True, "min_ngram": 1, "max_ngram": 2},
    {"analyzer": "char_wb", "min_ngram": 2, "max_ngram": 5},
]


@pytest.mark.parametrize("config", CONFIGS, ids=["words", "bare-pairs", "characters"])
def test_features_are_those_of_rasas_featurizer(config: dict[str, Any], tmp_path: Path) -> None:
    stock = features_of(CountVectorsFeaturizer, config, tmp_path / "stock")
    hashed = features_of(HashedCountVectorsFeaturizer, config, tmp_path / "hashed")

    assert_same_features(hashed, stock)
    assert {f[2] for message in hashed for f in message} == {HashedFeatures}
