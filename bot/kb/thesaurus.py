"""Officials' own words for the knowledge base's terms ("mã đăng nhập" for mật khẩu), as data.

Why it looks like this:
- Trainers keep `thesaurus.yml` beside the articles, in the shape of `abbreviations.yml`:
  `canonical term: [what officials type for it, ...]`. Unlike an abbreviation, a synonym is not
  replaced: the canonical term is added after it, so the featurizers see both the official's
  words and the knowledge base's, and nothing the official typed is lost.
- Matching is on bare syllables (no diacritics, lower case), so "ma dang nhap" and
  "mã đăng nhập" are the same synonym; the longest synonym starting at a syllable wins.
- The tokenizer and the live overlay's bare syllables both go through `additions`, so a
  question published later is compared with messages in exactly the form the model sees.
- Trainers also edit it through the spreadsheet (`importing.py`): the file and the sheet are
  checked entry by entry by one `Checker`, so both name the entry at fault the same way, and
  `dump` writes it back under the file's opening comments.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.texts import texts
from bot.vietnamese import fold, has_diacritics, normalize_word

FILE = "thesaurus.yml"

# The thesaurus as trainers write it: each term with its synonyms, in NFC with spaces collapsed.
Entries = dict[str, tuple[str, ...]]


class ThesaurusError(ValueError):
    """The thesaurus file is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class Addition:
    """Canonical syllables to add after the synonym that ends before syllable `end`."""

    end: int
    syllables: tuple[str, ...]


@dataclass
class Thesaurus:
    """Synonyms by their bare syllables, each with the canonical term's syllables.

    `written` holds each synonym's syllables as written (lower case, with their marks): a word
    the official typed with marks matches only a synonym written so ("vàng" is not "vắng"),
    while a word typed bare matches on its bare form, whatever its marks would have been.
    """

    terms: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)
    written: dict[tuple[str, ...], set[tuple[str, ...]]] = field(default_factory=dict)

    @classmethod
    def of(cls, entries: Entries) -> Thesaurus:
        """The matcher of well-formed `entries` (as `check` gives them)."""
        terms: dict[tuple[str, ...], tuple[str, ...]] = {}
        written: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
        for term, synonyms in entries.items():
            canonical = tuple(normalize_word(s) for s in term.split())
            for synonym in synonyms:
                key = match_key(synonym)
                terms[key] = canonical
                form = tuple(normalize_word(s).lower() for s in synonym.split())
                written.setdefault(key, set()).add(form)
        return cls(terms, written)

    @property
    def longest(self) -> int:
        """How many syllables the longest synonym has."""
        return max((len(key) for key in self.terms), default=0)

    def additions(self, bare: Sequence[str], typed: Sequence[str] | None = None) -> list[Addition]:
        """Where a synonym ends in `bare` (syllables without diacritics), and what to add.

        `typed`, beside `bare`, is each syllable as the official typed it (lower case): one
        typed with marks must carry the synonym's own.
        """
        found: list[Addition] = []
        index, longest = 0, self.longest
        while index < len(bare):
            for size in range(min(longest, len(bare) - index), 0, -1):
                key = tuple(bare[index : index + size])
                canonical = self.terms.get(key)
                if (
                    canonical is not None
                    and (typed is None or self._as_written(key, typed[index : index + size]))
                    and not _present(bare, index, size, canonical)
                ):
                    found.append(Addition(index + size, canonical))
                    index += size
                    break
            else:
                index += 1
        return found

    def _as_written(self, key: tuple[str, ...], typed: Sequence[str]) -> bool:
        forms = self.written.get(key)
        if not forms:  # a model saved before forms were kept: bare matching, as then
            return True
        return any(all(map(_same_marks, typed, form)) for form in forms)

    def expand_bare(self, bare: Sequence[str], typed: Sequence[str] | None = None) -> list[str]:
        """`bare` with the bare canonical syllables added after each synonym (`additions`)."""
        expanded = list(bare)
        for addition in reversed(self.additions(bare, typed)):
            expanded[addition.end : addition.end] = [fold(s) for s in addition.syllables]
        return expanded

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly form for the model's storage."""
        return {
            "terms": [[list(k), list(v)] for k, v in self.terms.items()],
            "written": [[list(k), sorted(map(list, v))] for k, v in self.written.items()],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Thesaurus:
        """Rebuild what `to_dict` saved."""
        written = {tuple(k): {tuple(f) for f in forms} for k, forms in data.get("written", [])}
        return cls({tuple(k): tuple(v) for k, v in data.get("terms", [])}, written)


def _same_marks(typed: str, written: str) -> bool:
    # A syllable typed or written bare says nothing of its marks: only two marked ones differ,
    # and only when their letters agree (a typo the restorer mended was not typed as written).
    if typed == written or fold(typed) != fold(written):
        return True
    return not (has_diacritics(typed) and has_diacritics(written))


def _present(bare: Sequence[str], start: int, size: int, canonical: tuple[str, ...]) -> bool:
    """Whether the canonical term already stands at, around or right next to the synonym.

    "cài" is a synonym of "cài đặt": in "cài đặt driver" the term is there already.
    """
    term = [fold(s) for s in canonical]
    window = bare[max(0, start - len(term)) : start + size + len(term)]
    return any(
        list(window[offset : offset + len(term)]) == term
        for offset in range(len(window) - len(term) + 1)
    )


def load_thesaurus(path: Path) -> Thesaurus:
    """Read `canonical: [synonym, ...]` from `path`; an absent file is an empty thesaurus."""
    entries, problems = read_entries(path)
    if problems:
        raise ThesaurusError(problems[0])
    return Thesaurus.of(entries)


def parse_thesaurus(raw: object, source: str) -> Thesaurus:
    """The thesaurus of a mapping `canonical: [synonym, ...]` read from `source`."""
    entries, problems = check(raw, source)
    if problems:
        raise ThesaurusError(problems[0])
    return Thesaurus.of(entries)


def read_entries(path: Path, source: str | None = None) -> tuple[Entries, list[str]]:
    """The entries of the file `path` and every problem in it, each naming `source` (the file).

    An absent file is an empty thesaurus: a knowledge base published before there was one.
    """
    where = source or str(path)
    if not path.exists():
        return {}, []
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        return {}, [_say("not_yaml", path=where, reason=type(error).__name__)]
    return check(raw, where)


def check(raw: object, source: str) -> tuple[Entries, list[str]]:
    """The well-formed entries of `raw` and a problem for each other one, naming `source`."""
    if not isinstance(raw, dict):
        return {}, [_say("not_mapping", path=source)]
    checker = Checker()
    problems = [
        _say("in_file", path=source, message=problem.message)
        for term, synonyms in raw.items()
        if (problem := checker.add(term, synonyms)) is not None
    ]
    return checker.entries, problems


@dataclass(frozen=True)
class EntryProblem:
    """What is wrong with one entry, and whether it is in the term or in its synonyms."""

    field: str  # "term" or "synonyms"
    message: str


class Checker:
    """Takes entries one at a time, as a file or a spreadsheet gives them, and checks each.

    One checker sees the whole thesaurus, so a synonym given to two terms is found wherever
    the second one is; a malformed entry is left out whole.
    """

    def __init__(self) -> None:
        """Start with no entries."""
        self.entries: Entries = {}
        self._owners: dict[tuple[str, ...], str] = {}  # a synonym's key -> its term
        self._terms: set[tuple[str, ...]] = set()

    def add(self, term: object, synonyms: object) -> EntryProblem | None:
        """Add the entry `term: synonyms`; what is wrong with it, if something is."""
        if term is None or (isinstance(term, str) and not term.split()):
            return EntryProblem("term", _say("missing_term"))
        if not isinstance(term, str):
            return EntryProblem("term", _say("bad_term", term=term))
        written = tidy(term)
        if not isinstance(synonyms, list):
            return EntryProblem("synonyms", _say("not_a_list", term=written))
        if not synonyms:
            return EntryProblem("synonyms", _say("no_synonyms", term=written))
        term_key = match_key(written)
        if term_key in self._terms:
            return EntryProblem("term", _say("repeated_term", term=written))
        # Every form as written is kept ("cốc cốc" and "coc coc" alike), so the file written back
        # from the spreadsheet is the trainer's; only an exact repeat is dropped.
        kept: list[str] = []
        for synonym in synonyms:
            text = "" if synonym is None else tidy(str(synonym))
            if not text:
                return EntryProblem("synonyms", _say("bad_synonym", term=written))
            if match_key(text) == term_key:
                return EntryProblem("synonyms", _say("same_as_term", term=written))
            owner = self._owners.get(match_key(text))
            if owner is not None:
                first = {"first": owner, "second": written}
                return EntryProblem("synonyms", _say("two_terms", synonym=text, **first))
            if text not in kept:
                kept.append(text)
        self._terms.add(term_key)
        self._owners.update(dict.fromkeys(map(match_key, kept), written))
        self.entries[written] = tuple(kept)
        return None


def tidy(text: str) -> str:
    """`text` in NFC with its spaces collapsed: the form an entry is kept and compared in."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def match_key(text: str) -> tuple[str, ...]:
    """The bare syllables a term or synonym is matched by."""
    return tuple(fold(normalize_word(s)) for s in text.split())


def dump(entries: Entries, comments: str = "") -> str:
    """The text of a thesaurus file holding `entries`, one `term: [synonym, ...]` a line.

    `comments` (those that opened the old file) stay above them: they say what the file is for
    to whoever opens it next.
    """
    data = {term: list(synonyms) for term, synonyms in entries.items()}
    body = yaml.safe_dump(
        data, allow_unicode=True, sort_keys=False, default_flow_style=None, width=100_000
    )
    return comments + (body if data else "")


def leading_comments(text: str) -> str:
    """The comment lines that open the file `text`, with their line ends."""
    lines = text.splitlines(keepends=True)
    count = next((n for n, line in enumerate(lines) if not line.startswith("#")), len(lines))
    return "".join(lines[:count])


def _say(key: str, **values: object) -> str:
    return texts("bot.kb").say(f"thesaurus.{key}", **values)
