"""How much of a trainer's file is read, and with how much memory and time, before it is refused.

Why it looks like this:
- The numbers are far above any real knowledge base, so only a damaged or hostile file meets
  them: `knowledge_base/` holds about 50 articles (its workbook is 50 KB, 190 KB unpacked, its
  longest cell 1,900 characters), and one twenty times larger (940 articles) is a 180 KB
  workbook (3.2 MB unpacked) or a 3 MB CSV or YAML file, read in 1 to 5 seconds.
- They are in one place, so the messages, the documentation and the tests name the same numbers;
  the tests pass smaller ones to reach each limit with a small file.
"""

from __future__ import annotations

from dataclasses import dataclass

MEGABYTE = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """The limits on reading one trainer's file."""

    # The file as sent; the same as the largest file the trainers' Telegram bot downloads.
    file_bytes: int = 5 * MEGABYTE
    # Rows with something in them, per sheet; in a YAML file, articles and thesaurus terms.
    rows: int = 5_000
    # Columns of a sheet up to its last filled cell; in a YAML file, the fields of an article.
    columns: int = 50
    # One cell; in a YAML file, one field (a list of questions counted as the cell would hold it).
    cell_characters: int = 20_000
    # A workbook is a zip: what its parts unpack to, and how many parts, as its directory says.
    unpacked_bytes: int = 30 * MEGABYTE
    members: int = 100
    # Levels of nesting in a YAML file; an article file needs 5.
    yaml_depth: int = 20
    # The child process that reads the file: its address space (the interpreter and its
    # readers take 35 MB of it, reading the 940 articles as YAML 75 MB), its time from start
    # to result, and the size of its result.
    memory_bytes: int = 256 * MEGABYTE
    seconds: float = 20.0
    result_bytes: int = 16 * MEGABYTE


LIMITS = Limits()


def thousands(value: int) -> str:
    """`value` as Vietnamese writes it: 5.000."""
    return f"{value:,}".replace(",", ".")


def megabytes(value: int) -> str:
    """`value` bytes in whole megabytes, as the messages say them: 5."""
    return thousands(max(1, round(value / MEGABYTE)))
