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
from bot.kb.thesaurus import load_thesaurus
from bot.nlu.syllables import bare_syllables, match_key
from bot.nlu.vi_tokenizer import VietnameseTokenizer
from bot.vietnamese import normalize_word, words_with_offsets


def test_every_question_and_held_out_message_gives_the_tokenizers_lemmas(
    root: Path, tmp_path: Path, knowledge_base: KnowledgeBase
) -> None:
    folder = root / "knowledge_base"
    questions = [q for a in knowledge_base.articles.values() for q in (*a.questions, a.title)]
    held_out = yaml.safe_load((root / "tests" / "data" / "eval_questions.yml").read_text())
    texts = questions + [q["text"] for q in held_out["questions"]]
    config = {**VietnameseTokenizer.get_default_config(), "knowledge_base": str(folder)}
    storage, resource = LocalModelStorage(tmp_path), Resource("tokenizer")
    tokenizer = VietnameseTokenizer.create(config, storage, resource, None)
    assert isinstance(tokenizer, VietnameseTokenizer)
    # Trained as `rasa train` trains it, so that diacritics are restored as in the model.
    tokenizer.train(TrainingData([Message({"text": t}) for t in questions]))
    restorer = tokenizer.restorer
    assert restorer is not None
    abbreviations = load_abbreviations(folder / "abbreviations.yml")
    thesaurus = load_thesaurus(folder / "thesaurus.yml")
    known_words: dict[str, list[str]] = {}

    differing, typed_with_typos = [], 0
    for text in texts:
        bare = bare_syllables(text, abbreviations, known_words, thesaurus)
        # A syllable that exists nowhere is read as a typo of a known one: only the tokenizer can.
        if not all(restorer.knows(s) for s in _typed(text, abbreviations)):
            typed_with_typos += 1
            continue
        lemmas = [
            s
            for token in tokenizer.tokenize(Message({"text": text}), "text")
            for s in token.lemma.split()
        ]
        if bare != lemmas:
            differing.append((text, lemmas))
    assert len(texts) - typed_with_typos > 1400
    assert differing == []


def _typed(text: str, abbreviations: dict[str, list[str]]) -> list[str]:
    """The syllables as typed (marks kept), abbreviations expanded."""
    words = [normalize_word(span.text) for span in words_with_offsets(text)]
    return [s for word in words for s in abbreviations.get(word.lower()) or [word]]


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
