"""Fetching a trainer's knowledge base file from Telegram into a folder, within a size limit.

Why it looks like this:
- The kind of file is judged by its name before anything is downloaded: only what
  `helpdesk kb import` reads (.xlsx, .csv, .yaml) is worth fetching.
- The size Telegram announces is checked first, and the downloaded bytes again, since a
  document may come without its size.
- The name is kept (it is recorded as the version's source) but reduced to a plain file name,
  so nothing a sender chooses can point outside the temporary folder.
- Files are fetched from the same server as the Bot API: a local Bot API server serves both.
"""

from __future__ import annotations

import io
from pathlib import Path

from telegram import Bot, Document

from bot.kb.import_limits import LIMITS
from bot.plain_text import clean

# The largest file the importer reads: a larger one is refused before it is downloaded.
MAX_BYTES = LIMITS.file_bytes
ACCEPTED = frozenset({".xlsx", ".csv", ".yaml", ".yml"})
MAX_NAME = 100
_API_SUFFIX = "/bot"
_DEFAULT_FILE_URL = "https://api.telegram.org/file/bot"


class TooLarge(Exception):
    """The file is larger than MAX_BYTES."""


def file_base_url(base_url: str) -> str:
    """Where files are downloaded from, for the Bot API at `base_url` (`…/bot` → `…/file/bot`)."""
    if base_url.endswith(_API_SUFFIX):
        return base_url.removesuffix(_API_SUFFIX) + "/file" + _API_SUFFIX
    return _DEFAULT_FILE_URL


def plain_name(name: str | None) -> str:
    """The file name without folders or control characters, at most MAX_NAME characters."""
    bare = clean(name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    if len(bare) > MAX_NAME:
        suffix = Path(bare).suffix[:10]
        bare = bare[: MAX_NAME - len(suffix)] + suffix
    return bare


def accepted(name: str) -> bool:
    """Whether a file called `name` is one the knowledge base can be imported from."""
    return Path(name).suffix.lower() in ACCEPTED and Path(name).stem not in ("", ".", "..")


def too_large(document: Document) -> bool:
    """Whether Telegram already says the document is over the limit."""
    return document.file_size is not None and document.file_size > MAX_BYTES


async def download(bot: Bot, document: Document, folder: Path, name: str) -> Path:
    """Save `document` as `folder/name`; TooLarge past MAX_BYTES, TelegramError if it fails."""
    found = await bot.get_file(document.file_id)
    if found.file_size is not None and found.file_size > MAX_BYTES:
        raise TooLarge
    buffer = io.BytesIO()
    await found.download_to_memory(buffer)
    data = buffer.getvalue()
    if len(data) > MAX_BYTES:
        raise TooLarge
    target = folder / name
    target.write_bytes(data)
    return target
