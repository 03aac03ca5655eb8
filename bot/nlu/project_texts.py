"""The accented text the project writes itself, beside its training data and articles.

Why it looks like this:
- The restorer knows a written form only from text that shows it. Officials' messages echo
  what the assistant says to them ("xem phiếu", "gửi lại giúp em", "vui lòng đợi"), and
  those replies are written with full diacritics in the packages' `texts.yml`, the actions'
  word lists, the domain's responses and the knowledge base's software names. Learning from
  them costs nothing at run time and adds the replies' words and phrases to what it knows.
- Texts are read through `bot.texts`, as the code that says them does; `{placeholders}` are cut
  out, so no sentence joins the words on either side of a value it never holds.
- Files are read in a fixed order, so the same files always train the same restorer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from importlib import resources
from importlib.util import find_spec
from pathlib import Path

from bot.texts import texts, yaml_strings

# The project's YAML texts and word lists, by package and file name pattern. A change to one of
# them changes the restorer: the model's fingerprint (`bot/assistant/training.py`) counts them.
PATTERNS = (("bot", "**/texts.yml"), ("actions", "*.yml"))

_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def reply_texts() -> list[str]:
    """Every text of the packages' `texts.yml` and the actions' word lists, in a fixed order."""
    found: list[str] = []
    for package, name in files():
        found += pieces(texts(package, name).strings())
    return found


def files() -> list[tuple[str, str]]:
    """(package, file name) of each YAML text file `PATTERNS` finds, sorted."""
    found: list[tuple[str, str]] = []
    for package, pattern in PATTERNS:
        if find_spec(package) is None:
            continue
        folder = Path(str(resources.files(package)))
        for path in sorted(folder.glob(pattern)):
            inner = path.parent.relative_to(folder).parts
            found.append((".".join((package, *inner)), path.name))
    return found


def software_texts(software: dict[str, dict[str, str]]) -> list[str]:
    """The names and labels of the software the knowledge base's articles belong to."""
    return pieces(yaml_strings(software))


def domain_responses(domain: Path) -> list[str]:
    """The texts of the domain's responses (`responses:` of a Rasa domain file), read as
    Rasa reads the file; none if there is no such file."""
    from rasa.shared.utils.io import read_yaml_file

    data = read_yaml_file(domain) if domain.is_file() else None
    return pieces(yaml_strings(data.get("responses") if isinstance(data, dict) else None))


def pieces(strings: Iterable[str]) -> list[str]:
    """Each text without its placeholders and bold marks, cut where a placeholder was."""
    found: list[str] = []
    for text in strings:
        for part in _PLACEHOLDER.split(text.replace("**", " ")):
            if part.strip():
                found.append(part.strip())
    return found
