from pathlib import Path

import yaml

from bot.kb import training_data
from bot.kb.article import article_for, intent_for
from bot.kb.loader import KnowledgeBase
from bot.kb.training_data import Phrasing


def test_intent_names_map_back_to_article_ids() -> None:
    assert intent_for("qlvb.dang_nhap") == "kb_qlvb__dang_nhap"
    assert article_for("kb_qlvb__dang_nhap") == "qlvb.dang_nhap"
    assert article_for("greet") is None


def examples_of(path: Path) -> dict[str, list[str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {
        block["intent"]: [line[2:] for line in block["examples"].splitlines()]
        for block in data["nlu"]
    }


def test_generated_files_hold_every_question_wrapped_copies_and_a_rule_per_article(
    knowledge_base: KnowledgeBase, root: Path, tmp_path: Path
) -> None:
    training_data.write(knowledge_base, root, tmp_path)
    nlu = examples_of(tmp_path / "data" / "kb_nlu.yml")
    rules = yaml.safe_load((tmp_path / "data" / "kb_rules.yml").read_text(encoding="utf-8"))
    domain = yaml.safe_load((tmp_path / "domain.yml").read_text(encoding="utf-8"))
    phrasing = Phrasing.load(root / "knowledge_base" / "phrasing.yml")

    for article in knowledge_base.articles.values():
        mine = nlu[article.intent]
        assert {" ".join(q.split()) for q in article.questions} <= set(mine)
        assert article.title in mine
        wrapped = [e for e in mine if e.startswith(phrasing.openings)]
        assert len(wrapped) >= len(article.questions) * phrasing.copies * 0.9
        assert article.intent in domain["intents"]
    assert len(rules["rules"]) == len(knowledge_base.articles)
    assert "greet" in domain["intents"]
    out_of_scope = examples_of(tmp_path / "data" / "wrapped_nlu.yml")["out_of_scope"]
    assert out_of_scope and all(e.startswith(phrasing.openings) for e in out_of_scope)


def test_wrapping_is_the_same_on_every_build() -> None:
    phrasing = Phrasing(copies=2, openings=("a,", "b,", "c,"), endings=("", " ạ"))
    assert phrasing.wrap("Câu hỏi", "seed") == phrasing.wrap("Câu hỏi", "seed")
    assert all(w.endswith(("câu hỏi", "câu hỏi ạ")) for w in phrasing.wrap("Câu hỏi", "seed"))


def test_no_phrasing_file_means_no_wrapping(tmp_path: Path) -> None:
    assert Phrasing.load(tmp_path / "none.yml").wrap("Câu hỏi", "seed") == []
