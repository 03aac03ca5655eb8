"""What changes between two knowledge bases, and which changes need the NLU model retrained.

Only data here: the CLI and the Telegram trainer flow each render a `Diff` their own way.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from bot.kb import folder
from bot.kb.article import Article
from bot.kb.loader import KnowledgeBase, load
from bot.kb.thesaurus import FILE as THESAURUS_FILE
from bot.kb.thesaurus import Entries

# The fields of an article a change can touch, in the order of the spreadsheet's columns.
FIELDS = ("title", "questions", "intro", "steps", "note", "follow_ups")

# Files beside the articles that the model is trained from (the tokenizer expands abbreviations
# and adds the thesaurus's terms, training data wraps questions in phrasings); software.yml only
# names software on buttons.
TRAINING_FILES = frozenset({"abbreviations.yml", "phrasing.yml", THESAURUS_FILE})


@dataclass(frozen=True)
class ArticleChange:
    """An article in both knowledge bases whose content differs."""

    id: str
    title: str  # the new title
    fields: tuple[str, ...]  # keys of FIELDS that differ
    questions_added: tuple[str, ...]
    questions_removed: tuple[str, ...]


Kind = Literal["added", "removed", "changed"]


@dataclass(frozen=True)
class TermChange:
    """A term of the thesaurus added, removed, or given other synonyms."""

    term: str
    kind: Kind
    synonyms_added: tuple[str, ...] = ()  # of an added term: all of its synonyms
    synonyms_removed: tuple[str, ...] = ()  # of a removed term: all of its synonyms


@dataclass(frozen=True)
class Diff:
    """The changes from an old knowledge base to a new one, each list ordered by article id.

    Changes to existing articles (answer, title, paraphrases) are live as soon as the new version
    is: answers are read from the live folder. A new or removed article changes the intents the
    model knows, and a thesaurus change the words the tokenizer gives it, so they only take
    effect once the model is retrained.
    """

    added: tuple[Article, ...] = ()
    removed: tuple[Article, ...] = ()
    changed: tuple[ArticleChange, ...] = ()
    # Other knowledge base files that differ, such as software.yml; thesaurus.yml only when its
    # bytes differ but no term does (a comment), else its terms are in `thesaurus`.
    files: tuple[str, ...] = ()
    thesaurus: tuple[TermChange, ...] = ()  # ordered by term

    @property
    def is_empty(self) -> bool:
        """Whether the two knowledge bases are the same."""
        return not (self.added or self.removed or self.changed or self.files or self.thesaurus)

    @property
    def live_at_once(self) -> tuple[ArticleChange, ...]:
        """The changes that are live as soon as the version is published."""
        return self.changed

    @property
    def training_files(self) -> tuple[str, ...]:
        """The changed files that the model is trained from."""
        return tuple(name for name in self.files if name in TRAINING_FILES)

    @property
    def needs_training(self) -> bool:
        """Whether some change only takes effect after the NLU model is retrained."""
        return bool(self.added or self.removed or self.training_files or self.thesaurus)

    def counts(self) -> dict[str, int]:
        """How many articles were added, changed, removed and questions added and removed."""
        return {
            "added": len(self.added),
            "changed": len(self.changed),
            "removed": len(self.removed),
            "questions_added": sum(len(c.questions_added) for c in self.changed)
            + sum(len(a.questions) for a in self.added),
            "questions_removed": sum(len(c.questions_removed) for c in self.changed)
            + sum(len(a.questions) for a in self.removed),
        }

    def thesaurus_counts(self) -> dict[str, int]:
        """How many terms of the thesaurus were added, changed and removed."""
        kinds = [change.kind for change in self.thesaurus]
        return {kind: kinds.count(kind) for kind in ("added", "changed", "removed")}


def compare(old: dict[str, Article], new: dict[str, Article]) -> Diff:
    """The changes from the articles `old` to the articles `new`, both by id."""
    added = tuple(new[i] for i in sorted(new.keys() - old.keys()))
    removed = tuple(old[i] for i in sorted(old.keys() - new.keys()))
    changed = tuple(
        change
        for i in sorted(old.keys() & new.keys())
        if (change := _change(old[i], new[i])) is not None
    )
    return Diff(added, removed, changed)


def compare_thesaurus(old: Entries, new: Entries) -> tuple[TermChange, ...]:
    """The terms whose synonyms differ from `old` to `new`; the order of synonyms is no change."""
    changes = []
    for term in sorted(old.keys() | new.keys()):
        before, after = old.get(term, ()), new.get(term, ())
        added = tuple(s for s in after if s not in before)
        removed = tuple(s for s in before if s not in after)
        if added or removed:
            kind: Kind = "added" if not before else "removed" if not after else "changed"
            changes.append(TermChange(term, kind, added, removed))
    return tuple(changes)


def _value(article: Article, name: str) -> object:
    return getattr(article.answer if name in ("intro", "steps", "note") else article, name)


def _change(old: Article, new: Article) -> ArticleChange | None:
    fields = tuple(name for name in FIELDS if _value(old, name) != _value(new, name))
    if not fields:
        return None
    before = set(old.questions)
    after = set(new.questions)
    return ArticleChange(
        new.id,
        new.title,
        fields,
        tuple(q for q in new.questions if q not in before),
        tuple(q for q in old.questions if q not in after),
    )


def compare_folders(old: Path | None, new: Path, new_kb: KnowledgeBase | None = None) -> Diff:
    """The changes from the knowledge base folder `old` (None: an empty one) to `new`.

    `new_kb` is `new` already loaded, if the caller has it.
    """
    old_kb = load(old) if old is not None else KnowledgeBase({}, {})
    new_kb = new_kb or load(new)
    terms = compare_thesaurus(old_kb.thesaurus, new_kb.thesaurus)
    diff = compare(old_kb.articles, new_kb.articles)
    if old is None:
        return Diff(diff.added, diff.removed, diff.changed, thesaurus=terms)
    old_files = {p for p in folder.files(old) if p.parts[0] != "articles"}
    new_files = {p for p in folder.files(new) if p.parts[0] != "articles"}
    changed = sorted(
        p.as_posix()
        for p in old_files | new_files
        if p not in old_files
        or p not in new_files
        or (old / p).read_bytes() != (new / p).read_bytes()
    )
    if terms:
        changed.remove(THESAURUS_FILE)
    return Diff(diff.added, diff.removed, diff.changed, tuple(changed), terms)
