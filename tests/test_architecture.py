"""The code keeps the shape `docs/architecture.md` describes: layers, no circles, short files."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.layers import Layers, cycles, read_layers, wrong_way

MAX_LINES = 300


@pytest.fixture(scope="module")
def layers(root: Path) -> Layers:
    """The layer table of the architecture document."""
    return read_layers(root / "docs" / "architecture.md")


def test_the_document_names_five_layers_from_base_to_apps(layers: Layers) -> None:
    assert [layers.names[rank] for rank in sorted(layers.names)] == [
        "base",
        "domain",
        "services",
        "adapters",
        "apps",
    ]


def test_no_module_imports_from_a_higher_layer_or_from_tooling(root: Path, layers: Layers) -> None:
    assert wrong_way(root, layers) == []


def test_no_packages_import_each_other_in_a_circle(root: Path, layers: Layers) -> None:
    assert cycles(root, layers) == []


def test_no_product_file_is_longer_than_300_lines(root: Path) -> None:
    long = [
        f"{path.relative_to(root)}: {lines}"
        for top in ("bot", "actions")
        for path in sorted((root / top).rglob("*.py"))
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    ]
    assert long == []


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    return root


@pytest.fixture
def small_project(tmp_path: Path, root: Path) -> Path:
    """A project with the real layer table and one well-behaved module per layer."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "architecture.md").write_bytes(
        (root / "docs" / "architecture.md").read_bytes()
    )
    return _tree(
        tmp_path,
        {
            "bot/__init__.py": "",
            "bot/settings.py": "import os\n",
            "bot/kb/__init__.py": "",
            "bot/kb/loader.py": "from bot import settings\n",
            "bot/nlu/__init__.py": "",
            "bot/nlu/tokenizer.py": "from bot.kb.loader import load\n",
            "bot/gateway/__init__.py": "",
            "bot/gateway/app.py": "from bot.kb import loader\n",
            "actions/__init__.py": "",
        },
    )


def test_the_check_passes_a_project_that_imports_downwards(small_project: Path) -> None:
    layers = read_layers(small_project / "docs" / "architecture.md")

    assert wrong_way(small_project, layers) == []
    assert cycles(small_project, layers) == []


@pytest.mark.parametrize(
    ("name", "source", "expected"),
    [
        ("bot/settings.py", "from bot.gateway import app\n", "higher layer (apps)"),
        ("bot/kb/loader.py", "def late():\n    import bot.gateway.app\n", "higher layer (apps)"),
        ("bot/kb/loader.py", "from tests.support import layers\n", "imports tooling"),
        ("bot/unlisted/thing.py", "from bot import settings\n", "in no layer of the table"),
    ],
)
def test_the_check_fails_on_a_deliberate_wrong_way_import(
    small_project: Path, name: str, source: str, expected: str
) -> None:
    _tree(small_project, {name: source})
    layers = read_layers(small_project / "docs" / "architecture.md")

    problems = wrong_way(small_project, layers)

    assert len(problems) == 1
    assert name in problems[0] and expected in problems[0]


def test_the_check_finds_two_packages_of_one_layer_importing_each_other(
    small_project: Path,
) -> None:
    _tree(small_project, {"bot/kb/index.py": "from bot.nlu import tokenizer\n"})
    layers = read_layers(small_project / "docs" / "architecture.md")

    assert cycles(small_project, layers) == [["bot.kb", "bot.nlu"]]
