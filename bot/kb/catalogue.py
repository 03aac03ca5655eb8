"""Check the knowledge base against the province's topic catalogue."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.kb.loader import KnowledgeBase
from bot.texts import texts


def check(kb: KnowledgeBase, catalogue: Path) -> list[str]:
    """Problems: catalogue topics with no article, and facts not stated as given."""
    topics = (yaml.safe_load(catalogue.read_text(encoding="utf-8")) or {}).get("topics") or {}
    said = texts("bot.kb")
    problems = []
    for topic_id, topic in topics.items():
        article = kb.articles.get(topic_id)
        if article is None:
            problems.append(f"{catalogue}: {said.say('problems.no_article', topic=topic_id)}")
            continue
        fact = (topic or {}).get("fact")
        if fact and fact not in article.answer.render():
            problems.append(
                f"{article.source}: answer: {said.say('problems.fact_missing', fact=fact)}"
            )
    return problems
