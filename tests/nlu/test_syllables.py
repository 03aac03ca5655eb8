"""The bare syllables computed without underthesea are the trained tokenizer's lemmas."""

from pathlib import Path

import pytest
import yaml
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.kb.abbreviations import load_abbreviations
from bot.kb.loader import KnowledgeBase
from bot.nlu.syllables import bare_syllables, match_key
from bot.nlu.vi_tokenizer import VietnameseTokenizer


def test_every_question_and_held_out_message_gives_the_tokenizers_lemmas(
    root: Path, tmp_path: Path, knowledge_base: KnowledgeBase
) -> None:
    abbreviations_file = root / "knowledge_base" / "abbreviations.yml"
    questions = [q for a in knowledge_base.articles.values() for q in (*a.questions, a.title)]
    held_out = yaml.safe_load((root / "tests" / "data" / "eval_questions.yml").read_text())
    texts = questions + [q["text"] for q in held_out["questions"]]
    config = {
        **VietnameseTokenizer.get_default_config(),
        "abbreviations": str(abbreviations_file),
    }
    storage, resource = LocalModelStorage(tmp_path), Resource("tokenizer")
    tokenizer = VietnameseTokenizer.create(config, storage, resource, None)
    assert isinstance(tokenizer, VietnameseTokenizer)
    # Trained as `rasa train` trains it, so that diacritics are restored as in the model.
    tokenizer.train(TrainingData([Message({"text": t}) for t in questions]))
    abbreviations = load_abbreviations(abbreviations_file)
    known_words: dict[str, list[str]] = {}

    differing = []
    for text in texts:
        lemmas = [
            s
            for token in tokenizer.tokenize(Message({"text": text}), "text")
            for s in token.lemma.split()
        ]
        if bare_syllables(text, abbreviations, known_words) != lemmas:
            differing.append((text, lemmas))
    assert len(texts) > 1500
    assert differing == []


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("quen mk qlvb", "Quên mật khẩu QLVB"),
        ("Quên  mật khẩu, QLVB?!", "quên mật khẩu qlvb"),
        ("ko vào đc vpđt", "không vào được văn phòng điện tử"),
        ("Hoà mạng", "hòa mạng"),
    ],
)
def test_questions_typed_differently_have_the_same_key(
    root: Path, typed: str, written: str
) -> None:
    abbreviations = load_abbreviations(root / "knowledge_base" / "abbreviations.yml")
    assert match_key(bare_syllables(typed, abbreviations)) == match_key(
        bare_syllables(written, abbreviations)
    )
