"""The lexical featurizer gives Rasa's own features, as features that fingerprint fast."""

from __future__ import annotations

from pathlib import Path

from rasa.nlu.featurizers.sparse_featurizer.lexical_syntactic_featurizer import (
    LexicalSyntacticFeaturizer,
)

from bot.nlu.hashed_features import HashedFeatures
from bot.nlu.lexical_featurizer import HashedLexicalSyntacticFeaturizer
from tests.nlu.featurizing import assert_same_features, features_of


def test_features_are_those_of_rasas_featurizer(tmp_path: Path) -> None:
    stock = features_of(LexicalSyntacticFeaturizer, {}, tmp_path / "stock")
    hashed = features_of(HashedLexicalSyntacticFeaturizer, {}, tmp_path / "hashed")

    assert_same_features(hashed, stock)
    assert {f[2] for message in hashed for f in message} == {HashedFeatures}
