"""Generate the Rasa training data and domain of the articles, so questions live in one place."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.kb.article import Article
from bot.kb.loader import KnowledgeBase

_HEADER = "# Generated from knowledge_base/ by `helpdesk kb build`: edit the articles, not this.\n"


@dataclass(frozen=True)
class Phrasing:
    """Openings and endings officials wrap questions in (knowledge_base/phrasing.yml)."""

    copies: int = 0
    openings: tuple[str, ...] = ()
    endings: tuple[str, ...] = ("",)
    wrap_intents: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def load(cls, path: Path) -> Phrasing:
        """Read the file; without one, questions are not wrapped."""
        if not path.is_file():
            return cls()
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return cls(
            copies=int(data.get("copies", 0)),
            openings=tuple(str(o) for o in data.get("openings") or []),
            endings=tuple(str(e) for e in data.get("endings") or [""]),
            wrap_intents=frozenset(data.get("wrap_intents") or []),
        )

    def wrap(self, text: str, seed: str) -> list[str]:
        """A few copies of `text` behind an opening and before an ending, the same every build."""
        generator = random.Random(seed)
        chosen = generator.sample(self.openings, min(self.copies, len(self.openings)))
        body = text[:1].lower() + text[1:]
        return [f"{opening} {body}{generator.choice(self.endings)}" for opening in chosen]


def _one_line(text: str) -> str:
    return " ".join(text.split())


def examples(article: Article, phrasing: Phrasing) -> list[str]:
    """The article's questions, its title, and each question wrapped in a few phrasings."""
    found = [_one_line(q) for q in article.questions] + [_one_line(article.title)]
    for number, question in enumerate(article.questions):
        found.extend(phrasing.wrap(_one_line(question), f"{article.id}:{number}"))
    return list(dict.fromkeys(found))


def _nlu(blocks: dict[str, list[str]]) -> str:
    lines = [_HEADER + 'version: "3.1"', "nlu:" if blocks else "nlu: []"]
    for intent, texts in blocks.items():
        lines.append(f"  - intent: {intent}")
        lines.append("    examples: |")
        lines.extend(f"      - {text}" for text in texts)
    return "\n".join(lines) + "\n"


def nlu_yaml(kb: KnowledgeBase, phrasing: Phrasing) -> str:
    """One intent per article, with its examples."""
    return _nlu({a.intent: examples(a, phrasing) for a in kb.articles.values()})


def hand_written_examples(nlu_dir: Path) -> Iterator[tuple[str, str]]:
    """(intent, example) of every NLU file under `nlu_dir`, in file order."""
    for path in sorted(nlu_dir.rglob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu") or []:
            for line in str(block.get("examples", "")).splitlines():
                text = _one_line(line.strip().removeprefix("- "))
                if text:
                    yield str(block.get("intent")), text


def wrapped_nlu_yaml(nlu_dir: Path, phrasing: Phrasing) -> str:
    """Wrapped copies of the hand-written examples of the intents phrasing.yml names."""
    blocks: dict[str, list[str]] = {}
    for intent, text in hand_written_examples(nlu_dir):
        if intent in phrasing.wrap_intents:
            blocks.setdefault(intent, []).extend(phrasing.wrap(text, f"{intent}:{text}"))
    return _nlu(blocks)


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


def write(kb: KnowledgeBase, root: Path, out: Path) -> list[Path]:
    """Write the generated files of the project at `root` under `out`; return their paths."""
    (out / "data").mkdir(parents=True, exist_ok=True)
    phrasing = Phrasing.load(root / "knowledge_base" / "phrasing.yml")
    files = {
        out / "data" / "kb_nlu.yml": nlu_yaml(kb, phrasing),
        out / "data" / "wrapped_nlu.yml": wrapped_nlu_yaml(root / "nlu_data", phrasing),
        out / "data" / "kb_rules.yml": rules_yaml(kb),
        out / "domain.yml": domain_yaml(kb, root / "domain.yml"),
    }
    for path, content in files.items():
        path.write_text(content, encoding="utf-8")
    return list(files)
