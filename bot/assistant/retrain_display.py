"""The background retraining's progress told in Vietnamese, from `retrain_texts.yml`."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.assistant import retrain_progress as progress
from bot.assistant.retrain_progress import Progress

_PATH = Path(__file__).resolve().parent / "retrain_texts.yml"
_BAR_CELLS = 10


@lru_cache(maxsize=1)
def _texts() -> dict[str, Any]:
    return dict(yaml.safe_load(_PATH.read_text(encoding="utf-8")))


def say(key: str, **values: object) -> str:
    """The text at the dotted `key` with its placeholders filled in."""
    node: Any = _texts()
    for part in key.split("."):
        node = node[part]
    return str(node).format(**values)


def describe(found: Progress | None, running: bool) -> str:
    """One paragraph on the latest retraining; `running`: whether a process still works on it."""
    if found is None:
        return say("none")
    what = (
        say("what.version", version=found.version)
        if found.version is not None
        else say("what.repository")
    )
    values = {"what": what, "elapsed": duration(found.elapsed), "log": found.log or ""}
    if found.is_active and not running:
        return say("phases.interrupted", **values)
    if found.phase == progress.PREPARING:
        return say("phases.preparing", started=_local_time(found.started), **values)
    if found.phase == progress.TRAINING:
        return say("phases.training", estimate=estimate(found.percent), **values)
    if found.phase == progress.LOADING:
        return say("phases.loading", **values)
    if found.phase == progress.DONE:
        return say("phases.done_loaded" if found.loaded else "phases.done_not_loaded", **values)
    reason = say(f"errors.{found.error}") if found.error in _texts()["errors"] else ""
    return say("phases.failed", reason=reason or say("errors.unexpected"), **values)


def estimate(percent: int | None) -> str:
    """A bar and a percentage, or why there is none."""
    if percent is None:
        return say("estimate.unknown")
    filled = round(_BAR_CELLS * percent / 100)
    bar = "[" + "█" * filled + "░" * (_BAR_CELLS - filled) + "]"
    return say("estimate.known", bar=bar, percent=percent)


def duration(seconds: float) -> str:
    """`95` -> `1 phút 35 giây`."""
    whole = round(seconds)
    if whole < 60:
        return say("duration.seconds", seconds=whole)
    return say("duration.minutes", minutes=whole // 60, seconds=whole % 60)


def _local_time(started: str) -> str:
    try:
        return datetime.fromisoformat(started).astimezone().strftime("%H:%M:%S")
    except ValueError:
        return started
