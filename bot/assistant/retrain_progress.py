"""How far the background retraining is, in `<state>/kb/training.json`, for whoever asks.

One writer (the retraining that holds the lock) replaces the file whole on every change, so a
reader (`helpdesk retrain status`, a trainer's chat) never sees half of it. The percentage is
an estimate: the time spent so far against how long the previous successful retraining took.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

PREPARING = "preparing"
TRAINING = "training"
LOADING = "loading"
DONE = "done"
FAILED = "failed"
ACTIVE = (PREPARING, TRAINING, LOADING)

# What can go wrong, as keys of the texts trainers read (texts.yml).
INVALID_KNOWLEDGE_BASE = "invalid_knowledge_base"
TRAINING_FAILED = "training_failed"
LOAD_FAILED = "load_failed"
UNEXPECTED = "unexpected"

# Never say 100% before it is done: the estimate is only the previous run's duration.
_MAX_ESTIMATE = 99


@dataclass(frozen=True)
class Progress:
    """One retraining's state as written to `training.json`."""

    phase: str
    started: str  # ISO 8601, UTC
    elapsed: float  # seconds since it started
    version: int | None  # the knowledge base version trained (None: the repository's)
    percent: int | None = None  # None when there is nothing to estimate from
    previous_seconds: float | None = None  # how long the last successful retraining took
    error: str | None = None
    model: str | None = None
    loaded: bool = False  # whether the running assistant now serves the new model
    log: str | None = None

    @property
    def is_active(self) -> bool:
        """Whether it was still under way when written."""
        return self.phase in ACTIVE


def read(path: Path) -> Progress | None:
    """The last progress written, or None if there is none (or it cannot be read)."""
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return Progress(**data)
    except (OSError, ValueError, TypeError):
        return None


def write(path: Path, progress: Progress) -> None:
    """Replace the progress file in one step."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_text(json.dumps(asdict(progress), ensure_ascii=False), encoding="utf-8")
    os.replace(partial, path)


class Tracker:
    """Writes one retraining's progress as it goes, and tells a listener."""

    def __init__(
        self,
        path: Path,
        version: int | None,
        log: Path,
        listener: Callable[[Progress], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Start tracking a retraining of `version` whose output goes to `log`."""
        before = read(path)
        previous = before.previous_seconds if before else None
        if before and before.phase == DONE:
            previous = before.elapsed
        self._path = path
        self._listener = listener
        self._clock = clock
        self._start = clock()
        self._progress = Progress(
            phase=PREPARING,
            started=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            elapsed=0.0,
            version=version,
            previous_seconds=previous,
            log=str(log),
        )
        self._save()

    @property
    def progress(self) -> Progress:
        """The progress last written."""
        return self._progress

    def phase(self, phase: str, **changes: Any) -> None:
        """Move on to `phase`."""
        self._update(phase=phase, **changes)

    def tick(self) -> None:
        """Write the time spent and the estimate again."""
        self._update()

    def done(self, loaded: bool) -> None:
        """The model is trained (and loaded into the running assistant if `loaded`)."""
        self._update(phase=DONE, loaded=loaded, percent=100)

    def fail(self, error: str) -> None:
        """The retraining stopped with `error`."""
        self._update(phase=FAILED, error=error, percent=None)

    def _update(self, **changes: Any) -> None:
        elapsed = round(self._clock() - self._start, 1)
        progress = replace(self._progress, elapsed=elapsed, **changes)
        if progress.phase in ACTIVE:
            progress = replace(progress, percent=_estimate(elapsed, progress.previous_seconds))
        self._progress = progress
        self._save()

    def _save(self) -> None:
        write(self._path, self._progress)
        if self._listener is not None:
            self._listener(self._progress)


def _estimate(elapsed: float, previous: float | None) -> int | None:
    if not previous:
        return None
    return min(_MAX_ESTIMATE, int(100 * elapsed / previous))
