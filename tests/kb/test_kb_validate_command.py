"""`helpdesk kb validate`: the problems, then a summary in Vietnamese from bot/cli/texts.yml."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.cli.main import main
from bot.kb.loader import KnowledgeBase
from bot.texts import texts


def test_a_valid_knowledge_base_is_summed_up(
    knowledge_base: KnowledgeBase, root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--root", str(root), "kb", "validate"]) == 0
    questions = sum(len(a.questions) for a in knowledge_base.articles.values())
    expected = texts("bot.cli").say(
        "kb.valid", articles=len(knowledge_base.articles), questions=questions
    )
    assert capsys.readouterr().out == expected + "\n"


def test_each_problem_is_printed_then_counted(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = project / "knowledge_base" / "articles" / "qlvb" / "dang_nhap.yml"
    data = yaml.safe_load(article.read_text(encoding="utf-8"))
    article.write_text(yaml.safe_dump({**data, "title": ""}, allow_unicode=True), "utf-8")
    assert main(["--root", str(project), "kb", "validate"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    missing = texts("bot.kb").say("problems.missing")
    assert captured.err.splitlines() == [
        f"knowledge_base/articles/qlvb/dang_nhap.yml: title: {missing}",
        texts("bot.cli").say("kb.invalid", count=1),
    ]


def test_the_catalogue_s_problems_are_counted_too(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    catalogue = tmp_path / "topics.yml"
    catalogue.write_text("topics:\n  hoc.khong_co: {}\n", encoding="utf-8")
    argv = ["--root", str(project), "kb", "validate", "--catalogue", str(catalogue)]
    assert main(argv) == 1
    problem = texts("bot.kb").say("problems.no_article", topic="hoc.khong_co")
    assert capsys.readouterr().err.splitlines() == [
        f"{catalogue}: {problem}",
        texts("bot.cli").say("kb.invalid", count=1),
    ]
