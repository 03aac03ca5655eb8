from pathlib import Path

from bot.kb.abbreviations import load_abbreviations
from bot.kb.loader import KnowledgeBase
from bot.kb.thesaurus import Thesaurus, load_thesaurus, parse_thesaurus
from bot.nlu.centroids import IntentCentroids
from bot.nlu.syllables import bare_syllables
from bot.vietnamese import fold

TERMS = {
    "mật khẩu": ["mã đăng nhập", "mã bí mật"],
    "cài đặt": ["cài"],
    "chia sẻ màn hình": ["màn hình chiếu", "share màn hình"],
}


def bare(text: str) -> list[str]:
    return [fold(word) for word in text.split()]


def test_the_term_is_added_after_the_officials_word_with_or_without_diacritics() -> None:
    thesaurus = parse_thesaurus(TERMS, "test")

    assert thesaurus.expand_bare(bare("quên mã đăng nhập rồi")) == bare(
        "quên mã đăng nhập mật khẩu rồi"
    )
    assert thesaurus.expand_bare(bare("quen ma dang nhap roi")) == bare(
        "quen ma dang nhap mat khau roi"
    )


def test_the_longest_synonym_wins_and_each_is_matched_once() -> None:
    thesaurus = parse_thesaurus({"màn hình": ["màn"], **TERMS}, "test")

    additions = thesaurus.additions(bare("bật màn hình chiếu"))

    assert [(a.end, a.syllables) for a in additions] == [(4, ("chia", "sẻ", "màn", "hình"))]


def test_nothing_is_added_where_the_term_already_stands() -> None:
    thesaurus = parse_thesaurus(TERMS, "test")

    assert thesaurus.additions(bare("cài đặt driver")) == []
    assert thesaurus.additions(bare("mật khẩu mã đăng nhập")) == []


def test_a_word_typed_with_other_marks_is_another_word_but_a_bare_one_may_be_it() -> None:
    thesaurus = parse_thesaurus({"vắng mặt": ["vắng"], "mật khẩu": ["mã"]}, "test")
    gold, absent = "giá vàng hôm nay", "hôm nay vắng"

    assert thesaurus.additions(bare(gold), gold.split()) == []
    assert [a.syllables for a in thesaurus.additions(bare(absent), absent.split())] == [
        ("vắng", "mặt")
    ]
    typed_bare = "gia vang hom nay"
    assert thesaurus.additions(bare(typed_bare), typed_bare.split()) != []
    # A typo the restorer mended ("vắngg" read as "vắng") still counts as the word written.
    assert thesaurus.additions(bare("vắng"), ["vắngg"]) != []


def test_it_survives_a_round_trip_through_the_models_storage() -> None:
    thesaurus = parse_thesaurus(TERMS, "test")

    assert Thesaurus.from_dict(thesaurus.to_dict()) == thesaurus


def test_the_projects_thesaurus_loads_and_an_absent_one_is_empty(
    root: Path, tmp_path: Path
) -> None:
    assert len(load_thesaurus(root / "knowledge_base" / "thesaurus.yml").terms) > 100
    assert load_thesaurus(tmp_path / "thesaurus.yml") == Thesaurus()


def test_an_officials_word_for_a_term_moves_the_question_to_the_right_article(
    root: Path, knowledge_base: KnowledgeBase
) -> None:
    folder = root / "knowledge_base"
    abbreviations = load_abbreviations(folder / "abbreviations.yml")
    real = load_thesaurus(folder / "thesaurus.yml")

    def likeliest(thesaurus: Thesaurus, message: str) -> str:
        """The article whose questions are likest, read with `thesaurus` (as the model does)."""
        centroids = IntentCentroids.learn(
            (bare_syllables(question, abbreviations, None, thesaurus), article.id)
            for article in knowledge_base.articles.values()
            for question in (*article.questions, article.title)
        )
        similar = centroids.similarities(bare_syllables(message, abbreviations, None, thesaurus))
        return max(similar, key=lambda article_id: similar[article_id])

    message = "đổi mã truy cập tài khoản quản lý văn bản ở đâu?"
    assert likeliest(Thesaurus(), message) != "qlvb.doi_mat_khau"
    assert likeliest(real, message) == "qlvb.doi_mat_khau"
