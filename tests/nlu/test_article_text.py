from pathlib import Path

from bot.kb.abbreviations import load_abbreviations
from bot.kb.loader import KnowledgeBase
from bot.kb.thesaurus import load_thesaurus
from bot.nlu.article_text import article_text, learn_articles
from bot.nlu.centroids import blend_documents
from bot.nlu.syllables import bare_syllables


def test_an_articles_text_is_its_title_and_answer_without_bold_marks(
    knowledge_base: KnowledgeBase,
) -> None:
    article = knowledge_base.articles["qlvb.chuyen_xu_ly"]

    text = article_text(article)

    assert article.title in text and "**" not in text
    assert all(step.replace("**", "") in text for step in article.answer.steps)


def test_a_message_naming_a_button_of_the_steps_is_most_like_that_article(
    root: Path, knowledge_base: KnowledgeBase
) -> None:
    folder = root / "knowledge_base"
    abbreviations = load_abbreviations(folder / "abbreviations.yml")
    thesaurus = load_thesaurus(folder / "thesaurus.yml")
    articles = learn_articles(knowledge_base.articles.values(), abbreviations, thesaurus)
    article = knowledge_base.articles["qlvb.quen_mat_khau"]
    # Words of a step ("Gửi yêu cầu" on the reset form), none of them a question's.
    message = bare_syllables("nhap ten dang nhap va email roi bam gui yeu cau", abbreviations)

    similar = articles.similarities(message)

    assert max(similar, key=lambda intent: similar[intent]) == article.intent


def test_a_message_like_no_article_leaves_the_ranking_as_it_was() -> None:
    ranking = [{"name": "greet", "confidence": 0.9}, {"name": "kb_a", "confidence": 0.1}]

    mixed = blend_documents(ranking, {"kb_a": 0.0, "kb_b": 0.0}, 0.2, 0.03, 0.2)

    assert mixed[0]["name"] == "greet"
    assert abs(mixed[0]["confidence"] - 0.9) < 0.01
    assert abs(sum(entry["confidence"] for entry in mixed) - 1.0) < 1e-9
