"""Every package the code imports is declared in pyproject.toml, and pinned in the locks."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
from collections.abc import Iterable
from pathlib import Path

import pytest
import tomli

OWN = {"bot", "actions", "benchmarks", "tests"}


def _imported(folders: Iterable[Path]) -> set[str]:
    """The top-level names of everything imported in `folders` that is neither ours nor stdlib."""
    names = set()
    for folder in folders:
        for path in folder.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names.add(node.module.split(".")[0])
    return names - OWN - set(sys.stdlib_module_names)


def _distributions_by_module() -> dict[str, set[str]]:
    """Which installed distributions provide each top-level module (from their file lists)."""
    found: dict[str, set[str]] = {}
    for dist in importlib.metadata.distributions():
        name = _canonical(dist.metadata["Name"])
        for file in dist.files or []:
            top = file.parts[0]
            if top.endswith((".dist-info", ".egg-info", ".data")) or top == "..":
                continue
            found.setdefault(top.removesuffix(".py"), set()).add(name)
    return found


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared(requirements: Iterable[str]) -> set[str]:
    return {_canonical(re.split(r"[\s=<>!~\[;]", line, maxsplit=1)[0]) for line in requirements}


@pytest.fixture(scope="module")
def project(root: Path) -> dict[str, object]:
    """The `[project]` table of pyproject.toml."""
    with (root / "pyproject.toml").open("rb") as file:
        table: dict[str, object] = tomli.load(file)["project"]
    return table


@pytest.mark.parametrize(
    ("folders", "extras"), [(("bot", "actions"), ()), (("tests", "benchmarks"), ("dev",))]
)
def test_every_imported_package_is_declared(
    root: Path, project: dict[str, object], folders: tuple[str, ...], extras: tuple[str, ...]
) -> None:
    requirements = list(project["dependencies"])  # type: ignore[call-overload]
    optional: dict[str, list[str]] = project["optional-dependencies"]  # type: ignore[assignment]
    for extra in extras:
        requirements += optional[extra]
    declared = _declared(requirements)
    providers = _distributions_by_module()

    undeclared = {
        module: sorted(providers.get(module, {"?"}))
        for module in _imported(root / folder for folder in folders)
        if not providers.get(module, set()) & declared
    }

    assert undeclared == {}
