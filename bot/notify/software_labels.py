"""Software names as staff read them, from the knowledge base's `software.yml`."""

from __future__ import annotations

import logging
from pathlib import Path

import yaml

log = logging.getLogger(__name__)


def software_labels(knowledge_base_dir: Path) -> dict[str, str]:
    """Label by software key ("qlvb" -> "Quản lý văn bản"); empty if the file cannot be read.

    Without labels, tickets show the software's key: less friendly, but nothing is lost.
    """
    path = knowledge_base_dir / "software.yml"
    try:
        entries = yaml.safe_load(path.read_text(encoding="utf-8"))
        return {str(key): str(entry["label"]) for key, entry in entries.items()}
    except (OSError, yaml.YAMLError, AttributeError, KeyError, TypeError) as error:
        log.warning("software labels not read from %s (%s)", path, type(error).__name__)
        return {}
