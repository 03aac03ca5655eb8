"""A Rasa tokenizer for Vietnamese as officials type it, built on underthesea's word segmentation.

Each word of the message is normalised (NFC, one tone placement), chat abbreviations are
expanded from a dictionary, diacritics are restored where they were left out (and a syllable
never seen is read as the known one a typo away, where the context says so), the knowledge
base's term is added after an official's own word for it (the thesaurus), and underthesea
segments the result into words ("mật khẩu", "văn bản"). Every token keeps the offsets of the
original words it came from, so offsets always match the text Rasa holds, whatever was changed.

A token carries two forms for the featurizers: `text` is the restored, segmented word
("mật_khẩu"), and `lemma` is its syllables without diacritics ("mat khau"), so a featurizer
reading lemmas sees the same thing whether or not the official typed diacritics.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.kb import loader
from bot.kb.abbreviations import load_abbreviations
from bot.kb.thesaurus import FILE as THESAURUS_FILE
from bot.kb.thesaurus import Thesaurus, load_thesaurus
from bot.nlu import project_texts
from bot.nlu import state as saved
from bot.nlu.diacritics import DiacriticsRestorer
from bot.nlu.fine_clauses import fine_clauses
from bot.nlu.wordlist import vietnamese_words
from bot.vietnamese import fold, normalize_word, words_with_offsets

logger = logging.getLogger(__name__)


@dataclass
class _Unit:
    """One syllable to segment, and the span of the original word it stands for."""

    syllable: str
    start: int
    end: int


class _Token(Token):
    """Rasa's token, fingerprinted with one hash instead of one per field and a JSON of them.

    Why: `rasa train` fingerprints the training data after every component, each token of each
    example again: hundreds of thousands of tokens a training, seconds of it.
    """

    def fingerprint(self) -> str:
        """A stable hash of the token's text, offsets, lemma and data (Rasa's when it has data)."""
        if self.data:
            return str(super().fingerprint())
        key = f"{self.text}\x1f{self.start}\x1f{self.end}\x1f{self.lemma}"
        return hashlib.md5(key.encode("utf-8"), usedforsecurity=False).hexdigest()


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True)
class VietnameseTokenizer(Tokenizer):
    """Tokenizes Vietnamese with or without diacritics, abbreviations expanded."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The component's default config (see parent class for full docstring)."""
        return {
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
            # The knowledge base folder: its abbreviations, thesaurus and articles (whose titles
            # and answers teach the restorer), read at training time.
            "knowledge_base": None,
            # A YAML file of `expansion: [abbreviation, ...]`; default: the knowledge base's.
            "abbreviations": None,
            # The Rasa domain file, whose responses also teach the restorer (none if unset).
            "domain": None,
            "restore_diacritics": True,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        abbreviations: dict[str, list[str]] | None = None,
        restorer: DiacriticsRestorer | None = None,
        thesaurus: Thesaurus | None = None,
    ) -> None:
        """Create the tokenizer with what training learned (nothing yet, before training)."""
        super().__init__(config)
        self._model_storage = model_storage
        self._resource = resource
        self._abbreviations = abbreviations or {}
        self._restorer = restorer
        self._thesaurus = thesaurus or Thesaurus()

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        """Create an untrained tokenizer that already knows the abbreviations and thesaurus."""
        folder = config.get("knowledge_base")
        path = config.get("abbreviations") or (
            Path(folder) / "abbreviations.yml" if folder else None
        )
        abbreviations = load_abbreviations(Path(path)) if path else {}
        thesaurus = load_thesaurus(Path(folder) / THESAURUS_FILE) if folder else Thesaurus()
        return cls(config, model_storage, resource, abbreviations, thesaurus=thesaurus)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> GraphComponent:
        """Load the abbreviations and the diacritics model saved with the trained model."""
        state = saved.read(model_storage, resource)
        if state is None:
            logger.warning("No trained state for %s; using its configuration only", cls.__name__)
            return cls.create(config, model_storage, resource, execution_context)
        restorer = DiacriticsRestorer.from_dict(state["restorer"]) if state["restorer"] else None
        thesaurus = Thesaurus.from_dict(state.get("thesaurus") or {})
        # A model loaded is about to answer: underthesea's import and its segmentation model
        # (about a second of CPU) are taken now rather than by the first official's message.
        _segment([_Unit("xin", 0, 3), _Unit("chào", 4, 8)])
        return cls(config, model_storage, resource, state["abbreviations"], restorer, thesaurus)

    def train(self, training_data: TrainingData) -> Resource:
        """Learn to restore diacritics from every text written with them that training holds."""
        if self._config["restore_diacritics"]:
            texts = [example.get(TEXT) for example in training_data.training_examples]
            texts += self._knowledge_base_texts() + self._project_texts()
            sentences = (
                [u.syllable for u in self._units(text, restore=False, terms=False)]
                for text in texts
                if text
            )
            self._restorer = DiacriticsRestorer.learn(sentences, lexicon=vietnamese_words())
        state = {
            "abbreviations": self._abbreviations,
            "restorer": self._restorer.to_dict() if self._restorer else None,
            "thesaurus": self._thesaurus.to_dict(),
        }
        saved.save(self._model_storage, self._resource, state)
        return self._resource

    @property
    def restorer(self) -> DiacriticsRestorer | None:
        """What training learned of the written syllables (None before training)."""
        return self._restorer

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        """Split the attribute's text into Vietnamese words with offsets into that text."""
        text = message.get(attribute)
        units = self._units(text, restore=True)
        if attribute == TEXT and (working := fine_clauses().spans(text)):
            units = [u for u in units if not any(a <= u.start < b for a, b in working)]
        if not units:
            # Nothing but emoji or punctuation: keep it whole, as Rasa's tokenizers do.
            stripped = text.strip()
            start = text.find(stripped) if stripped else 0
            return [Token(stripped, start, start + len(stripped), lemma=stripped)]
        return [self._token(group) for group in _segment(units)]

    def _knowledge_base_texts(self) -> list[str]:
        """Titles, answers, thesaurus terms and software names: text the questions may never use."""
        folder = self._config.get("knowledge_base")
        if not folder:
            return []
        kb = loader.load(Path(folder))
        found: list[str] = []
        for article in kb.articles.values():
            answer = article.answer
            found += [article.title, answer.intro or "", *answer.steps, answer.note or ""]
        # Sorted: the same knowledge base always trains the same restorer, whatever the hashing.
        found += sorted(" ".join(term) for term in set(self._thesaurus.terms.values()))
        found += project_texts.software_texts(kb.software)
        return [text.replace("**", " ") for text in found if text]

    def _project_texts(self) -> list[str]:
        """What the assistant itself says, written with diacritics (`project_texts.py`)."""
        found = project_texts.reply_texts()
        domain = self._config.get("domain")
        if domain:
            found += project_texts.domain_responses(Path(domain))
        return found

    def _units(self, text: str, restore: bool, terms: bool = True) -> list[_Unit]:
        units: list[_Unit] = []
        for span in words_with_offsets(text):
            word = normalize_word(span.text)
            expansion = self._abbreviations.get(word.lower())
            for syllable in expansion or [word]:
                units.append(_Unit(syllable, span.start, span.end))
        typed = [u.syllable.lower() for u in units]
        if restore and self._restorer and units:
            restored = self._restorer.restore([u.syllable for u in units])
            for unit, syllable in zip(units, restored, strict=True):
                unit.syllable = syllable
        if terms and self._thesaurus.terms:
            additions = self._thesaurus.additions([fold(u.syllable) for u in units], typed)
            for addition in reversed(additions):
                at = units[addition.end - 1]
                units[addition.end : addition.end] = [
                    _Unit(syllable, at.start, at.end) for syllable in addition.syllables
                ]
        return units

    @staticmethod
    def _token(group: list[_Unit]) -> Token:
        text = "_".join(u.syllable for u in group)
        lemma = " ".join(fold(u.syllable) for u in group)
        return _Token(text, group[0].start, max(u.end for u in group), lemma=lemma)


def _segment(units: list[_Unit]) -> list[list[_Unit]]:
    """Group syllables into the words underthesea finds, without trusting its characters.

    underthesea may change characters and may split a unit (a code such as "HT-000123"),
    so words are matched to units by length with spaces removed, and units a word only
    partly covers are merged with it rather than cut.
    """
    from underthesea import word_tokenize  # heavy: load it only when tokenizing

    joined = " ".join(u.syllable for u in units)
    words = word_tokenize(joined)
    lengths = [len(w.replace(" ", "").replace("_", "")) for w in words]
    if sum(lengths) != len(joined.replace(" ", "")):
        return [[u] for u in units]

    unit_ends: list[int] = []
    position = 0
    for unit in units:
        position += len(unit.syllable.replace("_", ""))
        unit_ends.append(position)

    groups: list[list[_Unit]] = []
    current: list[_Unit] = []
    index = 0
    covered = 0
    for length in lengths:
        covered += length
        while index < len(units) and unit_ends[index] <= covered:
            current.append(units[index])
            index += 1
        if current and unit_ends[index - 1] == covered:
            groups.append(current)
            current = []
    if current or index < len(units):
        groups.append(current + units[index:])
    return groups
