from pathlib import Path

import yaml

from bot.kb import training_data
from bot.kb.article import article_for, intent_for
from bot.kb.loader import KnowledgeBase


def test_intent_names_map_back_to_article_ids() -> None:
    assert intent_for("qlvb.dang_nhap") == "kb_qlvb__dang_nhap"
    assert article_for("kb_qlvb__dang_nhap") == "qlvb.dang_nhap"
    assert article_for("greet") is None


def test_generated_files_hold_every_question_and_a_rule_per_article(
    knowledge_base: KnowledgeBase, root: Path, tmp_path: Path
) -> None:
    training_data.write(knowledge_base, root / "domain.yml", tmp_path)
    nlu = yaml.safe_load((tmp_path / "data" / "kb_nlu.yml").read_text(encoding="utf-8"))
    rules = yaml.safe_load((tmp_path / "data" / "kb_rules.yml").read_text(encoding="utf-8"))
    domain = yaml.safe_load((tmp_path / "domain.yml").read_text(encoding="utf-8"))

    examples = {block["intent"]: block["examples"].count("\n- ") + 1 for block in nlu["nlu"]}
    for article in knowledge_base.articles.values():
        assert examples[article.intent] == len(article.questions)
        assert article.intent in domain["intents"]
    assert len(rules["rules"]) == len(knowledge_base.articles)
    assert "greet" in domain["intents"]
