"""The restorer trained and measured in seconds, without training the rest of the model.

`helpdesk eval` measures the restorer through a fully trained model (minutes of DIET). Tuning the
restorer needs the same tokenizer faster: this trains only the tokenizer component, on the same
training data Rasa would hand it (the hand-written examples and the data generated from the
knowledge base, read by Rasa's own loader), with the pipeline's own config for it, saves it into
a model storage and loads it back as a trained model does. Its tokens are then what a model
trained from the same inputs would give.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from bot.assistant.training import Project, generate, pipeline_config
from bot.evaluation.restoration import Tokenize
from bot.nlu.vi_tokenizer import VietnameseTokenizer

# The pipeline's entry for the tokenizer is found by this name.
_TOKENIZER = "VietnameseTokenizer"


def tokenizer_config(project: Project, config: Path) -> dict[str, Any]:
    """The tokenizer's config as the pipeline sets it, reading the project's knowledge base."""
    pipeline = pipeline_config(config, project.knowledge_base).get("pipeline") or []
    entry = next(c for c in pipeline if str(c.get("name", "")).endswith(_TOKENIZER))
    settings = {key: value for key, value in entry.items() if key != "name"}
    return {**VietnameseTokenizer.get_default_config(), **settings}


def train_tokenizer(project: Project, config: Path) -> VietnameseTokenizer:
    """The tokenizer trained on the project's training data, saved and loaded back."""
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.importers.importer import TrainingDataImporter

    generate(project)
    importer = TrainingDataImporter.load_from_dict(
        domain_path=str(project.generated / "domain.yml"),
        training_data_paths=[str(project.root / "nlu_data"), str(project.generated / "data")],
    )
    training_data = importer.get_nlu_data()
    settings = tokenizer_config(project, config)
    context = ExecutionContext(GraphSchema({}), "quick-restoration")
    resource = Resource("tokenizer")
    with tempfile.TemporaryDirectory() as folder:
        storage = LocalModelStorage(Path(folder))
        created = VietnameseTokenizer.create(settings, storage, resource, context)
        assert isinstance(created, VietnameseTokenizer)
        created.train(training_data)
        loaded = VietnameseTokenizer.load(settings, storage, resource, context)
    assert isinstance(loaded, VietnameseTokenizer)
    return loaded


def tokens(tokenizer: VietnameseTokenizer) -> Tokenize:
    """How `tokenizer` reads a text, as the model's graph runs it for a message."""
    from rasa.nlu.constants import TOKENS_NAMES
    from rasa.shared.nlu.constants import TEXT
    from rasa.shared.nlu.training_data.message import Message

    def read(text: str) -> list[tuple[str, int, int]]:
        message = Message({TEXT: text})
        tokenizer.process([message])
        return [(t.text, t.start, t.end) for t in message.get(TOKENS_NAMES[TEXT]) or []]

    return read
