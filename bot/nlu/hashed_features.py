"""Features whose fingerprint hashes the matrix's arrays instead of printing every value.

Why it exists: `rasa train` fingerprints the training data before and after every component
(its cache keys), and Rasa's sparse features print each value as "(row, col) value" text to
be hashed. With about 5,000 examples that printing took longer than DIET's learning. Hashing
the same row, column and value arrays as bytes names the same content, in a fraction of the
time; our featurizers attach these features (`HashedFeaturesMixin`).
"""

from __future__ import annotations

import hashlib
from typing import Any, TypeAlias

import numpy as np
import scipy.sparse
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message

FeatureMatrix: TypeAlias = "np.ndarray[Any, Any] | scipy.sparse.spmatrix"


class HashedFeatures(Features):
    """Rasa's features, fingerprinted from the bytes of their arrays."""

    _cached_fingerprint: str | None

    def fingerprint(self) -> str:
        """A stable fingerprint of the features' kind, origin, attribute, shape and values."""
        if self._cached_fingerprint is None:
            digest = hashlib.sha256()
            for part in (self.type, str(self.origin), self.attribute, str(self.features.shape)):
                digest.update(part.encode("utf-8") + b"\0")
            if self.is_sparse():
                matrix = self.features.tocoo()
                arrays = [matrix.row, matrix.col, matrix.data]
            else:
                arrays = [self.features]
            for array in arrays:
                digest.update(str(array.dtype).encode("ascii") + b"\0")
                digest.update(np.ascontiguousarray(array).tobytes())
            self._cached_fingerprint = digest.hexdigest()
        return str(self._cached_fingerprint)


def add_hashed_features(
    origin: str,
    sequence: FeatureMatrix | None,
    sentence: FeatureMatrix | None,
    attribute: str,
    message: Message,
) -> None:
    """Attach a featurizer's sequence and sentence features to `message`, as Rasa's own
    `add_features_to_message` does, as `HashedFeatures`."""
    for kind, features in ((FEATURE_TYPE_SEQUENCE, sequence), (FEATURE_TYPE_SENTENCE, sentence)):
        if features is not None:
            message.add_features(HashedFeatures(features, kind, attribute, origin))


class HashedFeaturesMixin:
    """Put before a Rasa featurizer class: its features are attached as `HashedFeatures`."""

    _identifier: str

    def add_features_to_message(
        self,
        sequence: FeatureMatrix,
        sentence: FeatureMatrix | None,
        attribute: str,
        message: Message,
    ) -> None:
        """Attach the features as `HashedFeatures`."""
        add_hashed_features(self._identifier, sequence, sentence, attribute, message)
