"""One background retraining at a time, and requests for another made while it runs.

The retraining that holds `<state>/kb/retrain.lock` (fcntl.flock, let go by the system if the
process dies) trains; a request (`retrain.request`) made meanwhile is found by it once it ends.
"""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from pathlib import Path

_LOCK = "retrain.lock"
_REQUEST = "retrain.request"


def _home(state: Path) -> Path:
    return state / "kb"


def request(state: Path) -> None:
    """Ask for a retraining of whatever version is live when it starts."""
    _home(state).mkdir(parents=True, exist_ok=True)
    (_home(state) / _REQUEST).touch()


def is_requested(state: Path) -> bool:
    """Whether a retraining was asked for and no retraining has started on it yet."""
    return (_home(state) / _REQUEST).exists()


def take_request(state: Path) -> None:
    """Start on the request: one made from now on asks for another round."""
    (_home(state) / _REQUEST).unlink(missing_ok=True)


def is_running(state: Path) -> bool:
    """Whether a retraining holds the lock now."""
    with exclusive(state) as held:
        return not held


@contextlib.contextmanager
def exclusive(state: Path) -> Iterator[bool]:
    """Hold the retraining lock if nobody else does; yields whether it is held."""
    _home(state).mkdir(parents=True, exist_ok=True)
    with open(_home(state) / _LOCK, "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
