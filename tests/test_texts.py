"""`bot.texts`: the one reader of the YAML files of texts, and every such file of the package."""

from __future__ import annotations

import re
from pathlib import Path
from string import Formatter
from typing import Any

import pytest
import yaml

import bot
from bot.texts import Texts, texts

BOT = Path(bot.__file__).resolve().parent
# The files of words people read: every texts.yml, and these; the package's other YAML is data.
OTHER_TEXT_FILES = [BOT / "desk" / "pages.yml", BOT / "settings.yml"]
# The custom actions' texts (button titles and the pieces of responses) are checked alike.
ACTIONS_TEXTS = BOT.parent / "actions" / "texts.yml"
TEXT_FILES = sorted(
    [*BOT.rglob("texts.yml"), ACTIONS_TEXTS, *(p for p in OTHER_TEXT_FILES if p.exists())]
)


def _package(path: Path) -> str:
    return ".".join(path.parent.relative_to(BOT.parent).parts)


def _leaves(node: Any, key: str = "") -> list[tuple[str, Any]]:
    if isinstance(node, dict):
        return [leaf for k, v in node.items() for leaf in _leaves(v, f"{key}.{k}".strip("."))]
    if isinstance(node, list):
        return [leaf for i, v in enumerate(node) for leaf in _leaves(v, f"{key}[{i}]")]
    return [(key, node)]


SAMPLE = Texts(
    {"problems": {"missing": "chưa có {what}"}, "words": ["/thoat", "/quit"], "limit": 60},
    "bot/sample/texts.yml",
)


def test_a_dotted_key_reaches_a_text_and_fills_it_in() -> None:
    assert SAMPLE.say("problems.missing", what="tiêu đề") == "chưa có tiêu đề"
    assert SAMPLE.labels("problems") == {"missing": "chưa có {what}"}
    assert SAMPLE.words("words") == ["/thoat", "/quit"]
    assert SAMPLE.get("limit") == 60


def test_a_text_said_without_values_is_left_as_written() -> None:
    assert SAMPLE.say("problems.missing") == "chưa có {what}"


@pytest.mark.parametrize("key", ["problems.absent", "absent", "problems.missing.deeper", "limit.x"])
def test_a_missing_key_is_a_key_error_naming_the_file_and_the_key(key: str) -> None:
    with pytest.raises(KeyError, match=re.escape(f"bot/sample/texts.yml has no text {key!r}")):
        SAMPLE.say(key)


def test_a_text_asked_for_as_a_section_or_a_list_is_a_key_error() -> None:
    with pytest.raises(KeyError, match="is not a section"):
        SAMPLE.section("problems.missing")
    with pytest.raises(KeyError, match="is not a list"):
        SAMPLE.words("problems")


def test_a_missing_value_for_a_placeholder_fails_loudly() -> None:
    with pytest.raises(KeyError, match="what"):
        SAMPLE.say("problems.missing", other="x")


def test_a_file_is_read_once_and_named_by_its_package() -> None:
    assert texts("bot.kb") is texts("bot.kb")
    assert texts("bot.desk", "pages.yml").source == "bot/desk/pages.yml"


def test_there_are_text_files_to_check() -> None:
    assert len(TEXT_FILES) >= 12
    assert BOT / "chat" / "texts.yml" in TEXT_FILES
    assert BOT / "cli" / "texts.yml" in TEXT_FILES


@pytest.mark.parametrize("path", TEXT_FILES, ids=lambda p: str(p.relative_to(BOT.parent)))
def test_every_text_file_loads_and_ships_with_its_package(path: Path) -> None:
    loaded = texts(_package(path), path.name)
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(raw, dict) and raw, path
    assert all(loaded.get(str(key)) == value for key, value in raw.items())
    leaves = _leaves(raw)
    # A package folder: pyproject's package-data ("*" = ["*.yml"]) ships the file with it.
    assert (path.parent / "__init__.py").is_file(), path
    for key, value in leaves:
        assert isinstance(value, (str, int, float)), f"{path}: {key}"
        if isinstance(value, str):
            assert value, f"{path}: {key} is empty"
            # Every placeholder is a plain named field, as `say` fills them.
            fields = [field for _, field, _, _ in Formatter().parse(value) if field is not None]
            assert all(re.fullmatch(r"[a-z_]+", field) for field in fields), f"{path}: {key}"


def test_no_other_module_reads_a_text_file() -> None:
    readers = [
        str(path.relative_to(BOT.parent))
        for top in (BOT, BOT.parent / "actions")
        for path in sorted(top.rglob("*.py"))
        if path != BOT / "texts.py"
        and re.search(r"^import yaml", source := path.read_text(encoding="utf-8"), re.MULTILINE)
        and re.search(r"texts\.yml|pages\.yml|ui_text", source)
    ]
    assert readers == []
