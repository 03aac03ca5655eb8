"""Rasa's LexicalSyntacticFeaturizer with features that fingerprint fast (`hashed_features.py`)."""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.featurizers.sparse_featurizer.lexical_syntactic_featurizer import (
    LexicalSyntacticFeaturizer,
)
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.hashed_features import FeatureMatrix, add_hashed_features


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class HashedLexicalSyntacticFeaturizer(LexicalSyntacticFeaturizer):
    """Word shapes and neighbours, as Rasa's featurizer computes them."""

    def add_features_to_message(
        self,
        sequence: FeatureMatrix,
        sentence: FeatureMatrix | None,
        attribute: str,
        message: Message,
    ) -> None:
        """Attach the features as `HashedFeatures`."""
        add_hashed_features(self._identifier, sequence, sentence, attribute, message)
