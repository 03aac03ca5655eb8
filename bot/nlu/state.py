"""What a trained component saves in the Rasa model: one JSON file in its resource."""

from __future__ import annotations

import json
from typing import Any

from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage

_FILE = "state.json"


def save(model_storage: ModelStorage, resource: Resource, state: dict[str, Any]) -> None:
    """Write `state` into the component's resource."""
    with model_storage.write_to(resource) as directory:
        (directory / _FILE).write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")


def read(model_storage: ModelStorage, resource: Resource) -> dict[str, Any] | None:
    """The saved state, or None when the model holds none (an untrained component)."""
    try:
        with model_storage.read_from(resource) as directory:
            return dict(json.loads((directory / _FILE).read_text(encoding="utf-8")))
    except (ValueError, FileNotFoundError):
        return None
