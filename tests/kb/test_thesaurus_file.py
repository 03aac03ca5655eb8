"""thesaurus.yml as trainers keep it: checked entry by entry, written back as it was read."""

from pathlib import Path

import pytest

from bot.cli.main import main
from bot.kb import publishing
from bot.kb.loader import load
from bot.kb.thesaurus import (
    FILE,
    Thesaurus,
    ThesaurusError,
    check,
    dump,
    leading_comments,
    load_thesaurus,
    read_entries,
)
from bot.texts import texts

MALFORMED = [
    ({"mật khẩu": "mã đăng nhập"}, "thuật ngữ «mật khẩu» cần một danh sách từ đồng nghĩa"),
    ({"mật khẩu": []}, "thuật ngữ «mật khẩu» chưa có từ đồng nghĩa nào"),
    ({"mật khẩu": ["mã pin", None]}, "thuật ngữ «mật khẩu» có một từ đồng nghĩa để trống"),
    ({"mật khẩu": ["Mat Khau"]}, "thuật ngữ «mật khẩu» có từ đồng nghĩa trùng với chính nó"),
    ({12: ["mười hai"]}, "«12» không phải một thuật ngữ"),
    ({None: ["mã pin"]}, "chưa ghi thuật ngữ cho các từ đồng nghĩa này"),
    (
        {"mật khẩu": ["mã pin"], "mã số": ["ma pin"]},
        "«ma pin» được ghi là từ đồng nghĩa của hai thuật ngữ: «mật khẩu» và «mã số»",
    ),
]


@pytest.mark.parametrize(("raw", "expected"), MALFORMED)
def test_a_malformed_entry_is_named_with_the_file(raw: dict[object, object], expected: str) -> None:
    entries, problems = check(raw, "knowledge_base/thesaurus.yml")
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"knowledge_base/thesaurus.yml: {expected}"), problems
    assert "mật khẩu" not in entries or entries["mật khẩu"] == ("mã pin",)


def test_every_malformed_entry_is_found_not_only_the_first() -> None:
    entries, problems = check({"a": [], "b": "x", "mật khẩu": ["mã pin"]}, "f.yml")
    assert len(problems) == 2
    assert entries == {"mật khẩu": ("mã pin",)}


def test_a_file_that_is_not_a_mapping_is_named(tmp_path: Path) -> None:
    path = tmp_path / FILE
    path.write_text("- mật khẩu\n- mã pin\n", encoding="utf-8")
    assert read_entries(path, "kb/thesaurus.yml") == (
        {},
        [texts("bot.kb").say("thesaurus.not_mapping", path="kb/thesaurus.yml")],
    )
    with pytest.raises(ThesaurusError) as raised:
        load_thesaurus(path)
    assert str(raised.value).startswith(f"{path}: ")


def test_validate_names_the_file_and_the_bad_entry(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    thesaurus = project / "knowledge_base" / FILE
    with thesaurus.open("a", encoding="utf-8") as file:
        file.write("biểu mẫu: []\n")
    assert main(["--root", str(project), "kb", "validate"]) == 1
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        "knowledge_base/thesaurus.yml: thuật ngữ «biểu mẫu» chưa có từ đồng nghĩa nào",
        texts("bot.cli").say("kb.invalid", count=1),
    ]


def test_a_knowledge_base_with_a_malformed_thesaurus_is_not_published(
    state: Path, repository_kb: Path
) -> None:
    (repository_kb / FILE).write_text("mật khẩu: [mã pin]\nmã số: [ma pin]\n", encoding="utf-8")
    with pytest.raises(publishing.InvalidKnowledgeBase) as raised:
        publishing.ensure_seeded(state, repository_kb)
    assert [p for p in raised.value.problems if "«ma pin»" in p]
    assert publishing.current_version(state) is None


def test_the_file_written_back_from_its_entries_is_the_file_read(root: Path) -> None:
    text = (root / "knowledge_base" / FILE).read_text(encoding="utf-8")
    entries, problems = read_entries(root / "knowledge_base" / FILE)
    assert problems == []
    assert dump(entries, leading_comments(text)) == text


def test_every_written_form_of_a_synonym_is_kept_and_matched(tmp_path: Path) -> None:
    path = tmp_path / FILE
    path.write_text("trình duyệt: [cốc cốc, coc  coc, cốc cốc]\n", encoding="utf-8")
    entries, _ = read_entries(path)
    assert entries == {"trình duyệt": ("cốc cốc", "coc coc")}
    assert Thesaurus.of(entries) == load_thesaurus(path)
    assert load_thesaurus(path).terms == {("coc", "coc"): ("trình", "duyệt")}


def test_a_knowledge_base_without_a_thesaurus_has_an_empty_one(repository_kb: Path) -> None:
    (repository_kb / FILE).unlink()
    kb = load(repository_kb)
    assert (kb.thesaurus, kb.problems) == ({}, [])
