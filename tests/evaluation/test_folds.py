from collections import Counter
from pathlib import Path

import pytest

from bot.evaluation.dataset import DatasetError
from bot.evaluation.folds import Fold, infer_style, split, without_held_out, write_knowledge_base
from bot.kb import loader
from bot.kb.abbreviations import load_abbreviations
from bot.kb.loader import KnowledgeBase
from bot.vietnamese import comparable

ABBREVIATIONS = {"mk", "ko", "k", "qlvb", "ad", "e", "vs"}


def test_every_question_is_held_out_exactly_once_and_every_fold_sees_every_article(
    knowledge_base: KnowledgeBase,
) -> None:
    folds = split(knowledge_base, 3, set(), ABBREVIATIONS)

    held = Counter((c.article, c.text) for fold in folds for c in fold.cases)
    titles = {comparable(a.title) for a in knowledge_base.articles.values()}
    expected = {
        (a.id, q)
        for a in knowledge_base.articles.values()
        for q in a.questions
        if comparable(q) not in titles
    }
    assert set(held) == expected
    assert set(held.values()) == {1}
    for fold in folds:
        assert {c.article for c in fold.cases} == set(knowledge_base.articles)


def test_the_split_is_every_kth_question_of_each_article_the_same_every_time(
    knowledge_base: KnowledgeBase,
) -> None:
    first = split(knowledge_base, 3, set(), ABBREVIATIONS)
    assert first == split(knowledge_base, 3, set(), ABBREVIATIONS)

    article = next(iter(knowledge_base.articles.values()))
    mine = [c.text for c in first[1].cases if c.article == article.id]
    assert mine[:2] == [article.questions[1], article.questions[4]]


@pytest.mark.parametrize("count", [2, 3, 5])
def test_every_article_keeps_training_questions_in_every_fold(
    knowledge_base: KnowledgeBase, count: int
) -> None:
    for fold in split(knowledge_base, count, set(), ABBREVIATIONS):
        for article in without_held_out(knowledge_base, fold):
            assert article.questions, (fold.number, article.id)
            assert not {comparable(q) for q in article.questions} & fold.held_out


def test_a_question_trained_on_another_way_is_never_held_out(
    knowledge_base: KnowledgeBase,
) -> None:
    article = next(iter(knowledge_base.articles.values()))
    also_trained = {comparable(article.questions[0])}
    folds = split(knowledge_base, 3, also_trained, ABBREVIATIONS)
    assert all(comparable(c.text) not in also_trained for fold in folds for c in fold.cases)


def test_fewer_than_two_folds_is_refused(knowledge_base: KnowledgeBase) -> None:
    with pytest.raises(DatasetError, match="ít nhất 2 phần"):
        split(knowledge_base, 1, set(), ABBREVIATIONS)


@pytest.mark.parametrize(
    ("text", "style"),
    [
        ("Tôi quên mật khẩu phần mềm QLVB thì làm sao?", "diacritics"),
        ("quen mat khau qlvb thi lam the nao", "no_diacritics"),
        ("e quên mk k vào đc pm qlvb", "abbreviations"),
        (
            "Chào anh chị, em là giáo viên kiêm văn thư ở trường THCS, lâu không dùng nên em quên"
            " mật khẩu phần mềm quản lý văn bản, em bấm quên mật khẩu mà không nhớ email nào ạ?",
            "long",
        ),
    ],
)
def test_the_style_of_a_paraphrase_is_guessed_from_its_marks_length_and_chat_words(
    text: str, style: str
) -> None:
    assert infer_style(text, ABBREVIATIONS) == style


def test_the_fold_knowledge_base_lacks_exactly_the_held_out_questions(
    root: Path, knowledge_base: KnowledgeBase, tmp_path: Path
) -> None:
    abbreviations = load_abbreviations(root / "knowledge_base" / "abbreviations.yml")
    fold: Fold = split(knowledge_base, 3, set(), abbreviations)[0]

    write_knowledge_base(root / "knowledge_base", knowledge_base, fold, tmp_path)

    copy = loader.load(tmp_path)
    assert not copy.problems
    assert set(copy.articles) == set(knowledge_base.articles)
    for article_id, article in knowledge_base.articles.items():
        kept = copy.articles[article_id].questions
        assert kept == tuple(q for q in article.questions if comparable(q) not in fold.held_out)
        assert copy.articles[article_id].answer == article.answer
