from pathlib import Path

import pytest

from bot.evaluation.dataset import (
    DEV_DOMAIN_TEXT,
    DOMAIN_TEXT,
    HELD_OUT,
    STYLES,
    DatasetError,
    check_held_out,
    load_cases,
    load_held_out,
    training_texts,
)
from bot.kb.loader import KnowledgeBase
from bot.kb.training_data import Phrasing


def test_no_held_out_file_shares_a_text_with_the_training_data_the_command_builds(
    root: Path, knowledge_base: KnowledgeBase
) -> None:
    held = load_held_out(root, knowledge_base)  # raises on any overlap

    assert set(held.sets) == set(HELD_OUT)
    assert held.sentences


def test_the_evaluation_sets_cover_every_topic_in_every_style(
    root: Path, knowledge_base: KnowledgeBase
) -> None:
    for name in ("current", "blind"):
        cases = load_cases(root / HELD_OUT[name], knowledge_base)
        for article_id in knowledge_base.articles:
            mine = [c for c in cases if c.article == article_id]
            assert len(mine) >= 5, (name, article_id)
            assert {c.style for c in mine} == set(STYLES), (name, article_id)
        kinds = {c.kind for c in cases}
        assert {"fallback", "handoff", "ticket_status", "smalltalk"} <= kinds, name


@pytest.mark.parametrize("leaky", [*HELD_OUT.values(), DOMAIN_TEXT, DEV_DOMAIN_TEXT], ids=str)
def test_a_training_text_in_any_held_out_file_stops_the_evaluation_naming_the_file(
    root: Path, knowledge_base: KnowledgeBase, tmp_path: Path, leaky: Path
) -> None:
    for name in ("nlu_data", "knowledge_base"):
        (tmp_path / name).symlink_to(root / name)
    (tmp_path / DOMAIN_TEXT).parent.mkdir(parents=True)
    for number, path in enumerate(HELD_OUT.values()):
        (tmp_path / path).write_text(
            f'questions:\n  - text: "câu kiểm tra thứ {number} chưa ai viết"\n'
            "    style: diacritics\n    kind: fallback\n",
            encoding="utf-8",
        )
    for path in (DOMAIN_TEXT, DEV_DOMAIN_TEXT):
        (tmp_path / path).write_text(
            f'sentences:\n  - "Một câu chưa ai viết ở {path.stem}, có dấu đủ cả."\n',
            encoding="utf-8",
        )
    load_held_out(tmp_path, knowledge_base)  # clean before the leak
    article = next(iter(knowledge_base.articles.values()))
    question = article.questions[0]
    with (tmp_path / leaky).open("a", encoding="utf-8") as file:
        if leaky in (DOMAIN_TEXT, DEV_DOMAIN_TEXT):
            file.write(f'  - "{article.answer.steps[0]}"\n')
        else:
            file.write(
                f'  - text: "{question.upper()}!!"\n'
                f"    style: diacritics\n    kind: answer\n    article: {article.id}\n"
            )

    with pytest.raises(DatasetError, match="trùng với dữ liệu huấn luyện") as refused:
        load_held_out(tmp_path, knowledge_base)
    assert str(leaky) in str(refused.value)


def test_a_wrapped_copy_of_a_training_question_counts_as_training_data(
    knowledge_base: KnowledgeBase, root: Path
) -> None:
    article = next(iter(knowledge_base.articles.values()))
    phrasing = Phrasing(copies=1, openings=("Chào ad, cho em hỏi",))
    wrapped = phrasing.wrap(article.questions[0], f"{article.id}:0")[0]

    training = training_texts(root / "nlu_data", knowledge_base, phrasing)
    with pytest.raises(DatasetError):
        check_held_out({Path("eval.yml"): [wrapped]}, training)
    check_held_out({Path("eval.yml"): [wrapped]}, training_texts(root / "nlu_data", knowledge_base))


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
        check_held_out(
            {path: [c.text for c in cases]}, training_texts(root / "nlu_data", knowledge_base)
        )


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
