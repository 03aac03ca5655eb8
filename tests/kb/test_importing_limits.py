"""`bot.kb.importing.read` refuses a hostile file in a child; the caller neither waits nor grows.

These go through `read` as the CLI and the trainers' Telegram bot call it: a real child process,
the real limits unless a test needs a smaller one to reach a limit quickly.
"""

from __future__ import annotations

import resource
import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.kb import import_child, importing, report
from bot.kb.import_limits import MEGABYTE, Limits
from bot.kb.loader import KnowledgeBase
from tests.kb.hostile import billion_laughs, children, wide_row, workbook, zip_bomb
from tests.kb.workbooks import exported


def said(imported: importing.Imported) -> str:
    [problem] = [report.problem(p) for p in imported.problems]
    return problem


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 1 MB workbook whose sheet unpacks to 200 MB."""
    return zip_bomb(tmp_path_factory.mktemp("bomb") / "kb.xlsx")


def measured(read: Callable[[], importing.Imported]) -> tuple[importing.Imported, int, int]:
    """What `read` gave, what the test process allocated meanwhile (tracemalloc's peak) and how
    much its peak RSS grew."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    try:
        imported = read()
        allocated = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # ru_maxrss is in kilobytes on Linux.
    return imported, allocated, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss) * 1024


def test_a_zip_bomb_is_refused_with_the_limit_and_the_caller_does_not_grow(
    bomb: Path, knowledge_base: KnowledgeBase
) -> None:
    before = children()
    imported, allocated, rss = measured(lambda: importing.read(bomb, knowledge_base.software))
    assert said(imported).startswith("Tệp kb.xlsx quá lớn khi giải nén: tối đa 30 MB.")
    assert imported.articles == {}
    assert allocated < MEGABYTE
    assert rss < 20 * MEGABYTE
    assert children() == before


def test_yaml_aliases_are_refused_before_they_multiply(
    knowledge_base: KnowledgeBase, tmp_path: Path
) -> None:
    path = billion_laughs(tmp_path / "kb.yaml")
    imported, allocated, _ = measured(lambda: importing.read(path, knowledge_base.software))
    assert said(imported) == (
        "Tệp kb.yaml dùng tham chiếu YAML (&/*), không được hỗ trợ. "
        "Anh/chị vui lòng viết đầy đủ từng mục."
    )
    assert allocated < MEGABYTE


def test_a_file_over_the_size_limit_is_refused_before_anything_reads_it(
    knowledge_base: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "kb.xlsx"
    with path.open("wb") as file:
        file.truncate(5 * MEGABYTE + 1)  # sparse: nothing written

    def never(*arguments: Any, **keywords: Any) -> Any:
        raise AssertionError("the file was read")

    # The only ways to the file's contents: the child, and reading in this process.
    monkeypatch.setattr(import_child, "run", never)
    monkeypatch.setattr(importing, "read_in_process", never)
    assert said(importing.read(path, knowledge_base.software)).startswith(
        "Tệp kb.xlsx quá lớn: tối đa 5 MB."
    )


def test_a_file_at_the_size_limit_is_read(knowledge_base: KnowledgeBase, tmp_path: Path) -> None:
    path = tmp_path / "kb.csv"
    path.write_bytes(b"id\n" + b"x" * 97)
    limits = Limits(file_bytes=100)
    imported = importing.read_in_process(path, knowledge_base.software, limits)
    assert not any("quá lớn" in p.message for p in imported.problems)
    path.write_bytes(path.read_bytes() + b"x")
    assert "quá lớn" in said(importing.read_in_process(path, knowledge_base.software, limits))


def test_too_many_rows_are_refused_through_the_child_with_the_limit(
    knowledge_base: KnowledgeBase, tmp_path: Path
) -> None:
    path = tmp_path / "kb.csv"
    path.write_text("id,title\n" + "qlvb.x,Tiêu đề\n" * 5_000, encoding="utf-8")
    assert said(importing.read(path, knowledge_base.software)) == (
        "Tệp kb.csv có quá nhiều dòng: tối đa 5.000 dòng có nội dung trong mỗi trang."
    )


def test_a_read_past_the_time_limit_is_stopped_and_leaves_no_process(
    knowledge_base: KnowledgeBase, repository_kb: Path, tmp_path: Path
) -> None:
    path = exported(repository_kb, tmp_path / "kb.xlsx")
    before = children()
    imported = importing.read(path, knowledge_base.software, Limits(seconds=0.05))
    assert said(imported).startswith("Đọc tệp kb.xlsx quá lâu (quá 0,05 giây) nên đã dừng.")
    assert children() == before


def test_a_parser_that_loops_is_killed_and_reported(
    knowledge_base: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "kb.yaml"
    path.write_text("[]", encoding="utf-8")
    monkeypatch.setattr(import_child, "COMMAND", (sys.executable, "-c", "while True: pass"))
    before = children()
    imported = importing.read(path, knowledge_base.software, Limits(seconds=0.3))
    assert said(imported).startswith("Đọc tệp kb.yaml quá lâu (quá 0,3 giây)")
    assert children() == before


def test_a_sheet_that_needs_too_much_memory_is_stopped_in_the_child(
    knowledge_base: KnowledgeBase, tmp_path: Path
) -> None:
    # 2 KB: one row of 300,000 empty cells, which openpyxl builds whole before handing it on.
    path = workbook(tmp_path / "kb.xlsx", wide_row(300_000))
    limits = Limits(memory_bytes=96 * MEGABYTE)
    imported, allocated, _ = measured(lambda: importing.read(path, knowledge_base.software, limits))
    assert said(imported).startswith("Đọc tệp kb.xlsx cần quá nhiều bộ nhớ (quá 96 MB)")
    assert allocated < MEGABYTE


def test_a_result_past_its_limit_is_refused_rather_than_read(
    knowledge_base: KnowledgeBase, repository_kb: Path, tmp_path: Path
) -> None:
    path = exported(repository_kb, tmp_path / "kb.xlsx")
    imported = importing.read(path, knowledge_base.software, Limits(result_bytes=10_000))
    assert said(imported).startswith("Tệp kb.xlsx có quá nhiều lỗi để liệt kê")


YAML_LIMITS = Limits(rows=2, columns=8, cell_characters=50, yaml_depth=6)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[{id: a}, {id: b}, {id: c}]", "Tệp kb.yaml có quá nhiều mục: tối đa 2 bài viết và 2"),
        ("[{id: a}, {a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8, i: 9}]", "Bài thứ 2: bài"),
        ("[{id: a, questions: [" + "x" * 60 + "]}]", "Tệp kb.yaml, Bài thứ 1: có mục quá dài"),
        ("articles: [{id: a}]\nthesaurus: {a: [" + "y" * 60 + "]}", "thuật ngữ thứ 1: có mục"),
        ("[{id: a, questions: [[[[[x]]]]]}]", "lồng nhau quá sâu: tối đa 6 tầng"),
        ("[{id: a, <<: {b: 1}}]", "dùng khóa gộp YAML («<<»), không được hỗ trợ"),
    ],
    ids=["articles", "fields", "field", "term", "depth", "merge"],
)
def test_a_yaml_file_past_a_limit_is_refused_naming_it(
    knowledge_base: KnowledgeBase, tmp_path: Path, text: str, expected: str
) -> None:
    path = tmp_path / "kb.yaml"
    path.write_text(text, encoding="utf-8")
    assert expected in said(importing.read_in_process(path, knowledge_base.software, YAML_LIMITS))


def test_an_integer_too_long_for_python_is_said_to_be_bad_yaml(
    knowledge_base: KnowledgeBase, tmp_path: Path
) -> None:
    path = tmp_path / "kb.yaml"
    path.write_text("[" + "9" * 5_000 + "]", encoding="utf-8")
    assert "không phải YAML hợp lệ" in said(
        importing.read_in_process(path, knowledge_base.software)
    )
