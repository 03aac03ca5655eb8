from pathlib import Path

import pytest

from bot.kb import catalogue
from bot.kb.loader import KnowledgeBase

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
    assert any("diem_dat.yml: answer: does not state the fact" in p for p in problems)
    assert any("topic 'hoc.khong_co' has no article" in p for p in problems)
