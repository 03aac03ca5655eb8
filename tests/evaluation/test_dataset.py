from pathlib import Path

import pytest

from bot.evaluation.dataset import (
    STYLES,
    DatasetError,
    check_held_out,
    load_cases,
    training_texts,
)
from bot.kb.loader import KnowledgeBase


def test_project_evaluation_set_is_held_out_and_covers_every_topic_in_every_style(
    root: Path, knowledge_base: KnowledgeBase
) -> None:
    cases = load_cases(root / "tests" / "data" / "eval_questions.yml", knowledge_base)
    check_held_out(cases, training_texts(root / "nlu_data", knowledge_base))

    for article_id in knowledge_base.articles:
        mine = [c for c in cases if c.article == article_id]
        assert len(mine) >= 5, article_id
        assert {c.style for c in mine} == set(STYLES), article_id
    kinds = {c.kind for c in cases}
    assert {"fallback", "handoff", "ticket_status", "smalltalk"} <= kinds


def test_a_training_question_in_the_evaluation_set_is_refused(
    knowledge_base: KnowledgeBase, root: Path, tmp_path: Path
) -> None:
    leaked = next(iter(knowledge_base.articles.values()))
    path = tmp_path / "eval.yml"
    path.write_text(
        f'questions:\n  - text: "{leaked.questions[0].upper()}!!"\n'
        f"    style: diacritics\n    kind: answer\n    article: {leaked.id}\n",
        encoding="utf-8",
    )
    cases = load_cases(path, knowledge_base)
    with pytest.raises(DatasetError, match="trùng với dữ liệu huấn luyện"):
        check_held_out(cases, training_texts(root / "nlu_data", knowledge_base))


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            "text: x\n    style: shouting\n    kind: answer\n    article: qlvb.dang_nhap",
            "kiểu «shouting»",
        ),
        (
            "text: x\n    style: long\n    kind: answer\n    article: qlvb.khong_co",
            "không có trong kho tri thức",
        ),
        (
            "text: x\n    style: long\n    kind: fallback\n    article: qlvb.dang_nhap",
            "chỉ câu hỏi loại «answer» mới ghi bài",
        ),
    ],
)
def test_malformed_cases_are_rejected(
    knowledge_base: KnowledgeBase, tmp_path: Path, entry: str, message: str
) -> None:
    path = tmp_path / "eval.yml"
    path.write_text(f"questions:\n  - {entry}\n", encoding="utf-8")
    with pytest.raises(DatasetError, match=message):
        load_cases(path, knowledge_base)
