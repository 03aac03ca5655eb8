"""The live knowledge base and its index, read again when a version is published.

Shared by the action server (answers, topics to ask back with) and the desk (the articles it
suggests to staff for a ticket), so both read the same version the same way. Nothing here loads
Rasa or TensorFlow: the index is TF-IDF over the articles' questions (`live_index.py`).
"""

from __future__ import annotations

import threading
from pathlib import Path

from bot.kb.live_folder import LiveFolder, LiveVersion
from bot.kb.loader import KnowledgeBase
from bot.nlu.live_index import LiveIndex


class KnowledgeBaseSource:
    """The live knowledge base, loaded again when a version is published or a file changes.

    `root` is usually `<state>/kb/current`, a link publishing switches to a complete new version:
    resolving it tells a new version from the old in one system call, and the version is read
    where it lies, not through the link, so a switch during the read cannot mix two versions.
    A plain folder (knowledge_base/ while editing) is watched by its files' times instead.
    """

    def __init__(self, root: Path) -> None:
        """Watch the folder or link `root`."""
        self._folder = LiveFolder(root)
        self._lock = threading.Lock()
        self._stamp: tuple[Path, float, int] | None = None
        self._version: LiveVersion | None = None
        self._indexed: tuple[LiveVersion, LiveIndex] | None = None

    def get(self) -> KnowledgeBase:
        """The current knowledge base."""
        return self._current().kb

    def index(self) -> LiveIndex:
        """The current knowledge base's questions, to match a message with (built on first use)."""
        version = self._current()
        with self._lock:
            if self._indexed is None or self._indexed[0] is not version:
                self._indexed = (version, LiveIndex(version))
            return self._indexed[1]

    def _current(self) -> LiveVersion:
        target = self._folder.target()
        stamp = (target, 0.0, 0) if self._folder.is_published else _file_stamp(target)
        with self._lock:
            if self._version is None or stamp != self._stamp:
                self._version, self._stamp = LiveVersion.read(target), stamp
            return self._version


def _file_stamp(folder: Path) -> tuple[Path, float, int]:
    files = list(folder.rglob("*.yml"))
    return folder, max((f.stat().st_mtime for f in files), default=0.0), len(files)
