"""DIET's intent ranking of one message, computed with NumPy from the trained weights.

Why it exists: for each message Rasa builds a batch of one (`RasaModelData`, its sequence and
sentence tensors) and calls the TensorFlow graph, about a fifth of a turn's CPU (the profile in
docs/benchmarks.md, "A lighter turn"). Our DIET has no transformer layers and no hidden
layers (config.yml), so each position of the message is embedded on its own, and the intent
is read off the sentence position alone: the message's combined sparse sentence features
times the sparse-to-dense kernel (plus its bias), times the text embedding's kernel (plus its
bias), against every intent's embedding (inner or cosine similarity), made confidences by a
softmax. That is a sparse row times two small matrices.

Only for that shape: a model with a transformer, hidden or dimension-unifying layers, dense
features, entities or diagnostic data keeps Rasa's graph, as does any message whose features
do not fit. The first message a model reads is computed both ways; if the rankings differ by
more than float32 rounding, this model keeps Rasa's graph for good.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from typing import Any

import numpy as np

logger = logging.getLogger(__name__)

# The largest difference in a confidence that is float32 rounding, not another computation.
TOLERANCE = 1e-4
_PLAN = "_helpdesk_numpy_plan"


@dataclass
class Plan:
    """The trained weights the sentence position goes through, and whether they were checked."""

    sparse_kernel: Any
    sparse_bias: Any
    embed_kernel: Any
    embed_bias: Any
    labels: Any
    cosine: bool
    softmax: bool
    checked: bool = False

    def scores(self, parts: list[Any]) -> Any:
        """Each intent's confidence for the sparse sentence rows (1 x features each) that,
        side by side, are the message's combined sentence features."""
        columns, values, offset = [], [], 0
        for part in parts:
            # Each featurizer's columns follow the one before's, as in the stacked row.
            row = part.tocoo()
            columns.append(row.col + offset)
            values.append(row.data)
            offset += part.shape[1]
        picked = self.sparse_kernel[np.concatenate(columns)]
        weights = np.concatenate(values).astype(np.float32)
        # Multiplied and summed by NumPy itself: a BLAS call of this size costs more in
        # waking and waiting for its threads than it computes.
        hidden = (picked * weights[:, None]).sum(axis=0, keepdims=True)
        if self.sparse_bias is not None:
            hidden = hidden + self.sparse_bias
        embedded = hidden @ self.embed_kernel
        if self.embed_bias is not None:
            embedded = embedded + self.embed_bias
        labels = self.labels
        if self.cosine:
            embedded = embedded / max(float(np.linalg.norm(embedded)), 1e-12)
            labels = labels / np.maximum(np.linalg.norm(labels, axis=-1, keepdims=True), 1e-12)
        similarities = (embedded @ labels.T).astype(np.float32)
        if not self.softmax:
            return similarities.reshape(1, 1, -1)
        shifted = np.exp(similarities - similarities.max())
        return (shifted / shifted.sum()).reshape(1, 1, -1)


def install() -> None:
    """Route DIET's prediction of one message through `Plan` where the model allows (once)."""
    from rasa.nlu.classifiers.diet_classifier import DIETClassifier

    if getattr(DIETClassifier, "_helpdesk_numpy", False):
        return
    original = DIETClassifier._predict

    @functools.wraps(original)
    def predict(self: DIETClassifier, message: Any) -> Any:
        plan = _plan(self)
        parts = _sentence_parts(self, message, plan) if plan is not None else None
        if plan is None or parts is None:
            return original(self, message)
        found = {"i_scores": plan.scores(parts)}
        if not plan.checked:
            expected = original(self, message)
            gap = float(np.max(np.abs(np.asarray(expected["i_scores"]) - found["i_scores"])))
            if gap > TOLERANCE:
                logger.warning("DIET's NumPy ranking differs from TensorFlow's by %.2g", gap)
                self.__dict__[_PLAN] = None
                return expected
            plan.checked = True
        return found

    DIETClassifier._predict = predict
    DIETClassifier._helpdesk_numpy = True


def _plan(diet: Any) -> Plan | None:
    if _PLAN not in diet.__dict__:
        try:
            diet.__dict__[_PLAN] = _build(diet)
        except (AttributeError, KeyError, TypeError, ValueError):
            diet.__dict__[_PLAN] = None
    plan: Plan | None = diet.__dict__[_PLAN]
    return plan


def _build(diet: Any) -> Plan | None:
    """The plan for `diet`'s trained model, or None where its shape is not the one above."""
    from rasa.utils.tensorflow.constants import COSINE, SOFTMAX

    model, config = diet.model, diet.component_config
    if model is None or config["entity_recognition"] or not config["intent_classification"]:
        return None
    if diet._execution_context.should_add_diagnostic_data or model.all_labels_embed is None:
        return None
    sequence = model._tf_layers["sequence_layer.text"]
    combining = sequence._tf_layers["feature_combining"]
    if sequence._has_transformer or sequence._tf_layers["ffnn"]._ffn_layers:
        return None
    if any(name.startswith("unify_dims") for name in combining._tf_layers):
        return None
    sentence = combining._tf_layers.get("sparse_dense.sentence")
    if sentence is None or set(sentence._tf_layers) - {"sparse_dropout", "dense_dropout"} != {
        "sparse_to_dense"
    }:
        return None
    dense = sentence._tf_layers["sparse_to_dense"]
    embed = model._tf_layers["embed.text"]._dense
    loss = model._tf_layers["loss.label"]
    if not (_linear(dense.activation) and _linear(embed.activation)):
        return None
    return Plan(
        sparse_kernel=dense.kernel.numpy(),
        sparse_bias=dense.bias.numpy() if dense.use_bias else None,
        embed_kernel=embed.kernel.numpy(),
        embed_bias=embed.bias.numpy() if embed.use_bias else None,
        labels=np.asarray(model.all_labels_embed, dtype=np.float32).reshape(
            -1, embed.kernel.shape[-1]
        ),
        cosine=loss.similarity_type == COSINE,
        softmax=loss.model_confidence == SOFTMAX,
    )


def _linear(activation: Any) -> bool:
    """Whether a Keras layer's activation leaves its output as it is (Keras's "linear")."""
    return activation is None or getattr(activation, "__name__", "") == "linear"


def _sentence_parts(diet: Any, message: Any, plan: Plan) -> list[Any] | None:
    """The message's sparse sentence features in the order DIET's batch stacks them
    (`Message.get_sparse_features`), or None where they do not fit the plan."""
    featurizers = diet.component_config.get("featurizers") or []
    parts = []
    for feature in message.features:
        if feature.attribute != "text" or (featurizers and feature.origin not in featurizers):
            continue
        if feature.is_dense():
            return None
        if feature.type == "sentence":
            parts.append(feature.features)
    if not parts or any(p.shape[0] != 1 for p in parts):
        return None
    if sum(p.shape[1] for p in parts) != plan.sparse_kernel.shape[0]:
        return None
    return parts
