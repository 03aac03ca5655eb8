"""The background retraining's progress told in Vietnamese, from `texts.yml`."""

from __future__ import annotations

from datetime import datetime

from bot.assistant import retrain_progress as progress
from bot.assistant.retrain_progress import Progress
from bot.texts import texts

_BAR_CELLS = 10


def describe(found: Progress | None, running: bool) -> str:
    """One paragraph on the latest retraining; `running`: whether a process still works on it."""
    said = texts("bot.assistant")
    if found is None:
        return said.say("none")
    what = (
        said.say("what.version", version=found.version)
        if found.version is not None
        else said.say("what.repository")
    )
    values = {"what": what, "elapsed": duration(found.elapsed), "log": found.log or ""}
    if found.is_active and not running:
        return said.say("phases.interrupted", **values)
    if found.phase == progress.PREPARING:
        return said.say("phases.preparing", started=_local_time(found.started), **values)
    if found.phase == progress.TRAINING:
        return said.say("phases.training", estimate=estimate(found.percent), **values)
    if found.phase == progress.LOADING:
        return said.say("phases.loading", **values)
    if found.phase == progress.DONE:
        loaded = "phases.done_loaded" if found.loaded else "phases.done_not_loaded"
        return said.say(loaded, **values)
    known = found.error in said.section("errors")
    reason = said.say(f"errors.{found.error}" if known else "errors.unexpected")
    return said.say("phases.failed", reason=reason, **values)


def estimate(percent: int | None) -> str:
    """A bar and a percentage, or why there is none."""
    if percent is None:
        return texts("bot.assistant").say("estimate.unknown")
    filled = round(_BAR_CELLS * percent / 100)
    bar = "[" + "█" * filled + "░" * (_BAR_CELLS - filled) + "]"
    return texts("bot.assistant").say("estimate.known", bar=bar, percent=percent)


def duration(seconds: float) -> str:
    """`95` -> `1 phút 35 giây`."""
    whole = round(seconds)
    if whole < 60:
        return texts("bot.assistant").say("duration.seconds", seconds=whole)
    return texts("bot.assistant").say("duration.minutes", minutes=whole // 60, seconds=whole % 60)


def _local_time(started: str) -> str:
    try:
        return datetime.fromisoformat(started).astimezone().strftime("%H:%M:%S")
    except ValueError:
        return started
