"""The two test tiers: the fast one (`make test`) and the slow one (`make test-all` adds it).

A test is slow, and must be marked `@pytest.mark.slow`, if it trains a Rasa model or starts a
whole `helpdesk run`: each takes minutes on two cores. tests/conftest.py tells this module which
test is running; training in process (through Rasa's `GraphTrainer`, however it is reached) and
starting `helpdesk run` (tests/support/running.py, live_kb.py) then fail in a test not marked
slow, rather than quietly making the fast tier slow. Outside pytest (benchmarks) nothing is
checked.
"""

from __future__ import annotations

import functools
import importlib.abc
import importlib.machinery
import sys
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

SLOW = "slow"
# Whether the running test is marked slow; None outside a test (or outside pytest).
current_is_slow: bool | None = None


class SlowOutsideSlowTier(AssertionError):
    """Something that takes minutes ran in a test of the fast tier."""


def require_slow(what: str) -> None:
    """Fail if the running test is not marked slow."""
    if current_is_slow is False:
        raise SlowOutsideSlowTier(
            f"{what} takes minutes: mark this test @pytest.mark.slow (the slow tier)"
        )


def _guard_trainer(module: ModuleType) -> None:
    trainer = module.GraphTrainer
    if getattr(trainer.train, "_tier_guard", False):
        return
    original = trainer.train

    @functools.wraps(original)
    def train(*args: Any, **kwargs: Any) -> Any:
        require_slow("training a Rasa model")
        return original(*args, **kwargs)

    train._tier_guard = True  # type: ignore[attr-defined]
    trainer.train = train


_GUARDS: dict[str, Callable[[ModuleType], None]] = {
    "rasa.engine.training.graph_trainer": _guard_trainer,
}


class _GuardOnImport(importlib.abc.MetaPathFinder):
    """Puts the guards in modules as they are imported (importing Rasa's early costs seconds)."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        guard = _GUARDS.get(fullname)
        if guard is None:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        load = spec.loader.exec_module

        def exec_module(module: ModuleType) -> None:
            load(module)
            guard(module)

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def install_guards() -> None:
    """Guard the slow things, in modules already imported and in those imported later."""
    for name, guard in _GUARDS.items():
        if name in sys.modules:
            guard(sys.modules[name])
    if not any(isinstance(finder, _GuardOnImport) for finder in sys.meta_path):
        sys.meta_path.insert(0, _GuardOnImport())
