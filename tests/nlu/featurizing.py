"""A featurizer trained and run on a few real messages, as `rasa train` runs it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

EXAMPLES = [
    ("quên mật khẩu phần mềm quản lý văn bản", "qlvb_quen_mat_khau"),
    ("đổi mật khẩu 2 lần vẫn không được", "qlvb_doi_mat_khau"),
    ("Máy tính không nhận USB token", "kyso_khong_nhan_token"),
    ("ký số văn bản đi thế nào", "kyso_ky_van_ban"),
    ("HT-000123 xong chưa", "ticket_status"),
]


def _tokenized(texts: Sequence[tuple[str, str | None]]) -> TrainingData:
    data = TrainingData(
        [
            Message(data={"text": text, **({"intent": intent} if intent else {})})
            for text, intent in texts
        ]
    )
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process_training_data(data)
    return data


def features_of(
    featurizer_class: type[Any], config: dict[str, Any], path: Path
) -> list[list[tuple[str, str, type[Any], np.ndarray[Any, Any]]]]:
    """Each message's features (kind, attribute, class, values) after training on EXAMPLES,
    for the examples and for unseen messages, one of them empty."""
    path.mkdir()
    full = {**featurizer_class.get_default_config(), **config}
    context = ExecutionContext(GraphSchema({}), "test")
    featurizer = featurizer_class.create(full, LocalModelStorage(path), Resource("f"), context)
    featurizer.train(_tokenized(EXAMPLES))
    data = _tokenized([*EXAMPLES, ("văn bản đến chưa thấy", None), ("", None)])
    featurizer.process_training_data(data)
    return [
        [(f.type, f.attribute, type(f), f.features.toarray()) for f in message.features]
        for message in data.training_examples
    ]


def assert_same_features(
    ours: list[list[tuple[str, str, type[Any], np.ndarray[Any, Any]]]],
    theirs: list[list[tuple[str, str, type[Any], np.ndarray[Any, Any]]]],
) -> None:
    """The same kinds of features on every message, with the same values."""
    assert any(theirs), "Rasa's featurizer gave no features at all"
    assert len(ours) == len(theirs)
    for mine, stock in zip(ours, theirs, strict=True):
        assert [f[:2] for f in mine] == [f[:2] for f in stock]
        for a, b in zip(mine, stock, strict=True):
            np.testing.assert_array_equal(a[3], b[3])
