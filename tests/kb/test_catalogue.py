from pathlib import Path

import pytest

from bot.kb import catalogue
from bot.kb.loader import KnowledgeBase
from bot.texts import texts

CATALOGUE = Path(__file__).resolve().parents[3] / "shared" / "kb_topics.yml"


@pytest.mark.skipif(
    not CATALOGUE.exists(), reason="the province's catalogue is not beside the repo"
)
def test_every_catalogue_topic_has_an_article_stating_its_fact(
    knowledge_base: KnowledgeBase,
) -> None:
    assert catalogue.check(knowledge_base, CATALOGUE) == []


def test_a_missing_topic_and_a_changed_fact_are_reported(
    knowledge_base: KnowledgeBase, tmp_path: Path
) -> None:
    path = tmp_path / "topics.yml"
    path.write_text(
        'topics:\n  hoc.diem_dat:\n    fact: "đạt từ 9 điểm"\n  hoc.khong_co: {}\n',
        encoding="utf-8",
    )
    problems = catalogue.check(knowledge_base, path)
    said = texts("bot.kb")
    assert f"{path}: {said.say('problems.no_article', topic='hoc.khong_co')}" in problems
    fact = said.say("problems.fact_missing", fact="đạt từ 9 điểm")
    assert any(p.endswith(f"diem_dat.yml: answer: {fact}") for p in problems), problems
