"""The import rules of `docs/architecture.md`, read from its layer table and checked on the code.

Why it looks like this:
- The table in the document is the only list of layers, so the rule and its description
  cannot drift apart: a package missing from the table fails the check.
- Every `import` counts, also those inside functions and under `TYPE_CHECKING`: a deferred
  import still ties the lower package to the higher one.
- Within a layer, packages may use each other, but never in a circle, which is what makes a
  package impossible to change or test alone.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

# A row of the table: | 1 | base | `bot` (its own modules) | ...
_ROW = re.compile(r"^\|\s*(\d+)\s*\|\s*(\w+)\s*\|(.*?)\|")
_NAME = re.compile(r"`([\w.]+)`")
# The product's own top-level packages; anything else imported is a library.
OWN = ("bot", "actions")
TOOLING = ("tests", "benchmarks")


@dataclass(frozen=True)
class Layers:
    """Layer rank by package; `base` owns the modules directly inside it."""

    rank: Mapping[str, int]
    names: Mapping[int, str]
    base: str

    def unit_of(self, module: str) -> str | None:
        """The package of the table that `module` belongs to (its longest match), or None."""
        owners = [
            package
            for package in self.rank
            if package != self.base and (module == package or module.startswith(package + "."))
        ]
        if owners:
            return max(owners, key=len)
        if module == self.base or (module.count(".") == 1 and module.startswith(self.base + ".")):
            return module  # a base module is a unit of its own
        return None

    def layer_of(self, unit: str) -> int:
        """The rank of `unit`'s layer (0 is the lowest)."""
        return self.rank.get(unit, self.rank[self.base])


def read_layers(document: Path) -> Layers:
    """The layer table of `document`, lowest layer first."""
    rank: dict[str, int] = {}
    names: dict[int, str] = {}
    base = None
    for line in document.read_text(encoding="utf-8").splitlines():
        row = _ROW.match(line)
        if row is None:
            continue
        number, name, packages = int(row.group(1)), row.group(2), _NAME.findall(row.group(3))
        names[number] = name
        for package in packages:
            rank[package] = number
            if number == 1 and base is None:
                base = package
    if base is None:
        raise ValueError(f"{document} has no layer table")
    return Layers(rank, names, base)


@dataclass(frozen=True)
class Import:
    """`importer` (a file) imports `imported` (a module name) at `line`."""

    importer: str
    imported: str
    line: int


def module_name(root: Path, path: Path) -> str:
    """`bot/kb/loader.py` -> `bot.kb.loader`; a package's `__init__.py` -> the package."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(root: Path, path: Path) -> Iterator[Import]:
    """Every import of `path` naming one of our packages or the tooling, however deep."""
    importer = module_name(root, path)
    package = importer if path.name == "__init__.py" else importer.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            source = node.module or ""
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join([*base, source] if source else base)
            # `from bot import redact` imports the module bot.redact.
            targets = [f"{source}.{alias.name}" for alias in node.names] or [source]
        else:
            continue
        for target in targets:
            if target.split(".")[0] in OWN + TOOLING:
                yield Import(importer, target, node.lineno)


def product_files(root: Path) -> Iterator[Path]:
    """The product's Python files: `bot/` and `actions/`, migrations left out (Alembic's)."""
    for top in OWN:
        for path in sorted((root / top).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def wrong_way(root: Path, layers: Layers) -> list[str]:
    """Each import that goes up a layer, into tooling, or from a package the table lacks."""
    problems = []
    for path in product_files(root):
        for found in imports_of(root, path):
            where = f"{path.relative_to(root)}:{found.line}"
            if found.imported.split(".")[0] in TOOLING:
                problems.append(f"{where} imports tooling: {found.imported}")
                continue
            source, target = layers.unit_of(found.importer), _unit(layers, found.imported)
            if source is None:
                problems.append(f"{where}: {found.importer} is in no layer of the table")
            elif target is not None and layers.layer_of(target) > layers.layer_of(source):
                up = layers.names[layers.layer_of(target)]
                problems.append(f"{where} imports {found.imported} from a higher layer ({up})")
    return problems


def cycles(root: Path, layers: Layers) -> list[list[str]]:
    """Circles of imports between packages (each circle once, as the packages in it)."""
    graph: dict[str, set[str]] = {}
    for path in product_files(root):
        for found in imports_of(root, path):
            source, target = layers.unit_of(found.importer), _unit(layers, found.imported)
            if source and target and source != target:
                graph.setdefault(source, set()).add(target)
    return [sorted(group) for group in _strongly_connected(graph) if len(group) > 1]


def _unit(layers: Layers, imported: str) -> str | None:
    # `from bot.kb import loader` names bot.kb.loader; `import bot` names no unit at all.
    unit = layers.unit_of(imported)
    while unit is None and "." in imported:
        imported = imported.rpartition(".")[0]
        unit = layers.unit_of(imported)
    return unit


def _strongly_connected(graph: Mapping[str, Iterable[str]]) -> list[set[str]]:
    """Tarjan's components of `graph`."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                group.add(member)
                if member == node:
                    break
            found.append(group)

    for node in list(graph):
        if node not in index:
            visit(node)
    return found
