"""The live knowledge base folder, which publishing switches to a new version at any moment.

`<state>/kb/current` is a symlink that publishing replaces in one step once a version is
complete (`publishing.py`). Readers resolve it and read the version it points to, never
through the link, so a switch in the middle of a read cannot mix two versions. Resolving costs
one `readlink`, so a reader can check for a new version on every message.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.kb import loader
from bot.kb.abbreviations import AbbreviationError, load_abbreviations
from bot.kb.loader import KnowledgeBase
from bot.kb.thesaurus import FILE as THESAURUS_FILE
from bot.kb.thesaurus import Thesaurus, ThesaurusError, load_thesaurus
from bot.kb.training_data import Phrasing

logger = logging.getLogger(__name__)


class LiveFolder:
    """A knowledge base folder, or a symlink to the published version that is live."""

    def __init__(
        self,
        path: Path,
        interval: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Watch `path`, resolving it again at most every `interval` seconds."""
        self._path = path
        self._interval = interval
        self._clock = clock
        self._checked = -float("inf")
        self._target: Path | None = None

    @property
    def is_published(self) -> bool:
        """Whether the folder is a published version, which never changes once written."""
        return self._path.is_symlink()

    def target(self) -> Path:
        """The folder the path stands for now."""
        now = self._clock()
        if self._target is None or now - self._checked >= self._interval:
            self._target = Path(os.path.realpath(self._path))
            self._checked = now
        return self._target


@dataclass(frozen=True)
class LiveVersion:
    """One version of the knowledge base, with what its questions are read with."""

    path: Path
    kb: KnowledgeBase
    abbreviations: dict[str, list[str]] = field(default_factory=dict)
    phrasing: Phrasing = field(default_factory=Phrasing)
    thesaurus: Thesaurus = field(default_factory=Thesaurus)

    @classmethod
    def read(cls, path: Path) -> LiveVersion:
        """Read the version at `path` (a resolved folder, not the `current` link)."""
        return cls(path, loader.load(path), _abbreviations(path), _phrasing(path), _thesaurus(path))


def _abbreviations(path: Path) -> dict[str, list[str]]:
    source = path / "abbreviations.yml"
    if not source.is_file():
        return {}
    try:
        return load_abbreviations(source)
    except (AbbreviationError, OSError, ValueError) as error:
        # Publishing validates the folder; a broken file here only costs the expansions.
        logger.warning("Abbreviations of %s not read: %s", path, error)
        return {}


def _thesaurus(path: Path) -> Thesaurus:
    try:
        return load_thesaurus(path / THESAURUS_FILE)
    except (ThesaurusError, OSError) as error:
        # As with abbreviations: publishing validates it; here a broken file costs the terms.
        logger.warning("Thesaurus of %s not read: %s", path, error)
        return Thesaurus()


def _phrasing(path: Path) -> Phrasing:
    try:
        return Phrasing.load(path / "phrasing.yml")
    except (yaml.YAMLError, OSError, ValueError, TypeError, AttributeError) as error:
        logger.warning("Phrasing of %s not read: %s", path, error)
        return Phrasing()
