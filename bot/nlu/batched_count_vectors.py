"""Rasa's CountVectorsFeaturizer, featurizing many messages in one call to its vectorizer.

Why it exists: the stock featurizer calls scikit-learn twice per message and attribute, and a
call costs far more than the counting it does; over the training data (about 5,000 examples,
each with its text and intent) the three featurizers spent more time in those calls than DIET
spends learning. Here each attribute's tokens of all messages go through the vectorizer at
once and the rows are split back per message: the same features, the same model, sooner.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.shared.nlu.training_data.message import Message


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class BatchedCountVectorsFeaturizer(CountVectorsFeaturizer):
    """Token counts, as CountVectorsFeaturizer computes them, for many messages at a time."""

    def process(self, messages: list[Message]) -> list[Message]:
        """Compute and set the features of every message, one vectorizer call per attribute."""
        if self.vectorizers is None:
            super().process(messages)  # logs that the featurizer was never trained
            return messages
        for attribute in self._attributes:
            self._featurize(messages, attribute)
        return messages

    def _featurize(self, messages: list[Message], attribute: str) -> None:
        vectorizer = self.vectorizers.get(attribute)
        tokens = [self._get_processed_message_tokens_by_attribute(m, attribute) for m in messages]
        filled = [index for index, found in enumerate(tokens) if found and vectorizer]
        if not filled:
            return
        # Every token a row, as the stock featurizer asks for a message's sequence features.
        rows = vectorizer.transform([token for index in filled for token in tokens[index]])
        sentences = (
            vectorizer.transform([" ".join(tokens[index]) for index in filled])
            if attribute in DENSE_FEATURIZABLE_ATTRIBUTES
            else None
        )
        start = 0
        for position, index in enumerate(filled):
            end = start + len(tokens[index])
            sequence = rows[start:end]
            sequence.sort_indices()
            sentence = None
            if sentences is not None:
                sentence = sentences[position]
                sentence.sort_indices()
            self.add_features_to_message(
                sequence.tocoo(),
                None if sentence is None else sentence.tocoo(),
                attribute,
                messages[index],
            )
            start = end
