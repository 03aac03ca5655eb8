"""Generate the Rasa training data and domain of the articles, so questions live in one place."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.kb.loader import KnowledgeBase

_HEADER = "# Generated from knowledge_base/ by `helpdesk kb build`: edit the articles, not this.\n"


def nlu_yaml(kb: KnowledgeBase) -> str:
    """One intent per article, its questions as examples."""
    lines = [_HEADER + 'version: "3.1"', "nlu:"]
    for article in kb.articles.values():
        lines.append(f"  - intent: {article.intent}")
        lines.append("    examples: |")
        lines.extend(f"      - {' '.join(q.split())}" for q in article.questions)
    return "\n".join(lines) + "\n"


def rules_yaml(kb: KnowledgeBase) -> str:
    """One rule per article: its intent is answered by the answering action."""
    rules = [
        {
            "rule": f"answer {article.id}",
            "steps": [{"intent": article.intent}, {"action": "action_answer_article"}],
        }
        for article in kb.articles.values()
    ]
    return _HEADER + yaml.safe_dump({"version": "3.1", "rules": rules}, allow_unicode=True)


def domain_yaml(kb: KnowledgeBase, base_domain: Path) -> str:
    """The hand-written domain with the articles' intents added."""
    domain: dict[str, Any] = yaml.safe_load(base_domain.read_text(encoding="utf-8"))
    domain["intents"] = list(domain.get("intents", [])) + [a.intent for a in kb.articles.values()]
    return _HEADER + yaml.safe_dump(domain, allow_unicode=True, sort_keys=False, width=1000)


def write(kb: KnowledgeBase, base_domain: Path, out: Path) -> list[Path]:
    """Write the generated files under `out` and return their paths."""
    (out / "data").mkdir(parents=True, exist_ok=True)
    files = {
        out / "data" / "kb_nlu.yml": nlu_yaml(kb),
        out / "data" / "kb_rules.yml": rules_yaml(kb),
        out / "domain.yml": domain_yaml(kb, base_domain),
    }
    for path, content in files.items():
        path.write_text(content, encoding="utf-8")
    return list(files)
