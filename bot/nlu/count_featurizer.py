"""Rasa's CountVectorsFeaturizer with features that fingerprint fast (`hashed_features.py`)."""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)

from bot.nlu.hashed_features import HashedFeaturesMixin


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class HashedCountVectorsFeaturizer(HashedFeaturesMixin, CountVectorsFeaturizer):
    """Token counts, as Rasa's featurizer computes them."""
