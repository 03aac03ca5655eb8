"""Rasa's LexicalSyntacticFeaturizer with features that fingerprint fast (`hashed_features.py`)."""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.featurizers.sparse_featurizer.lexical_syntactic_featurizer import (
    LexicalSyntacticFeaturizer,
)

from bot.nlu.hashed_features import HashedFeaturesMixin


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class HashedLexicalSyntacticFeaturizer(HashedFeaturesMixin, LexicalSyntacticFeaturizer):
    """Word shapes and neighbours, as Rasa's featurizer computes them."""
