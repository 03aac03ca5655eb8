"""The batched featurizer gives every message exactly the features the stock one gives."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.batched_count_vectors import BatchedCountVectorsFeaturizer

EXAMPLES = [
    ("quên mật khẩu phần mềm quản lý văn bản", "qlvb_quen_mat_khau"),
    ("đổi mật khẩu 2 lần vẫn không được", "qlvb_doi_mat_khau"),
    ("máy tính không nhận usb token", "kyso_khong_nhan_token"),
    ("ký số văn bản đi thế nào", "kyso_ky_van_ban"),
    ("HT-000123 xong chưa", "ticket_status"),
]
CONFIGS = [
    {},
    {"use_lemma": True, "min_ngram": 1, "max_ngram": 2},
    {"analyzer": "char_wb", "min_ngram": 2, "max_ngram": 5},
]


def _tokenized(texts: Sequence[tuple[str, str | None]]) -> TrainingData:
    data = TrainingData(
        [
            Message(data={"text": text, **({"intent": intent} if intent else {})})
            for text, intent in texts
        ]
    )
    config = WhitespaceTokenizer.get_default_config()
    WhitespaceTokenizer(config).process_training_data(data)
    return data


def _features(
    featurizer_class: type[CountVectorsFeaturizer], config: dict[str, Any], path: Path
) -> list[list[tuple[str, str, Any]]]:
    path.mkdir()
    full = {**featurizer_class.get_default_config(), **config}
    context = ExecutionContext(GraphSchema({}), "test")
    featurizer = featurizer_class.create(full, LocalModelStorage(path), Resource("cvf"), context)
    assert isinstance(featurizer, CountVectorsFeaturizer)
    featurizer.train(_tokenized(EXAMPLES))
    # Unseen messages too, one of them empty: trained and untrained words alike.
    data = _tokenized([*EXAMPLES, ("văn bản đến chưa thấy", None), ("", None)])
    featurizer.process_training_data(data)
    return [
        [(f.type, f.attribute, f.features.toarray()) for f in message.features]
        for message in data.training_examples
    ]


@pytest.mark.parametrize("config", CONFIGS, ids=["words", "bare-pairs", "characters"])
def test_features_are_those_of_the_stock_featurizer(config: dict[str, Any], tmp_path: Path) -> None:
    stock = _features(CountVectorsFeaturizer, config, tmp_path / "stock")
    batched = _features(BatchedCountVectorsFeaturizer, config, tmp_path / "batched")

    assert any(stock), "the stock featurizer gave no features at all"
    assert len(batched) == len(stock)
    for ours, theirs in zip(batched, stock, strict=True):
        assert [(kind, attribute) for kind, attribute, _ in ours] == [
            (kind, attribute) for kind, attribute, _ in theirs
        ]
        for (_, _, a), (_, _, b) in zip(ours, theirs, strict=True):
            np.testing.assert_array_equal(a, b)
