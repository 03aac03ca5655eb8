"""The Vietnamese word list that ships with underthesea (Viet74K): the language beyond this domain.

Why it looks like this:
- The restorer learns written forms from the project's own text, which leaves out every word
  officials use that no question or answer does. underthesea carries a list of 74,000 words
  (11,000 syllables) with its package, offline; it tells the restorer how those are written
  and which syllables are real, so that only a syllable that exists nowhere is taken for a typo.
- The file is found without importing underthesea, whose import loads its models.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

WORDS = ("corpus", "data", "Viet74K.txt")


@cache
def vietnamese_words() -> tuple[tuple[str, ...], ...]:
    """Every word of the list as lower-case syllables; empty if underthesea lacks the file."""
    spec = importlib.util.find_spec("underthesea")
    if spec is None or not spec.submodule_search_locations:
        return ()
    path = Path(next(iter(spec.submodule_search_locations))).joinpath(*WORDS)
    if not path.is_file():
        return ()
    words = {
        tuple(line.lower().replace("-", " ").split())
        for line in path.read_text(encoding="utf-8").splitlines()
    }
    return tuple(sorted(word for word in words if word))
