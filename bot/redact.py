"""Keep the bot token and the webhook secret out of every log line.

Why it looks like this:
- The Bot API puts the token in every URL, and python-telegram-bot and httpx log URLs (httpx at
  INFO; python-telegram-bot at DEBUG, message texts too, already when a bot is built). Their
  loggers are held at WARNING, and whatever still gets logged is masked.
- Masking happens where records are made (a log record factory), not in handlers or loggers:
  a logger's filter never sees its children's records, and handlers come and go (uvicorn's, a
  test's), while every record of every logger passes through the one factory.
- Secrets are registered and released by count, so several apps in one process (tests, two
  gateways) can each protect theirs; the factory is put in place once and stays.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

MASK = "***"
# Loggers that would write URLs (with the token) or message texts below WARNING.
QUIET_LOGGERS = ("httpx", "httpcore", "telegram", "hpack")

_lock = threading.Lock()
_secrets: Counter[str] = Counter()
_previous: Callable[..., logging.LogRecord] | None = None


@dataclass(frozen=True)
class Protection:
    """The secrets one `install` registered, to give back to `uninstall`."""

    secrets: tuple[str, ...]


def mask(text: str, secrets: Iterable[str] | None = None) -> str:
    """`text` with every registered secret (or each of `secrets`) replaced by `***`."""
    for secret in sorted(set(_secrets) if secrets is None else set(secrets), key=len, reverse=True):
        if secret:
            text = text.replace(secret, MASK)
    return text


def quiet_noisy_loggers() -> None:
    """Hold the loggers that write URLs or message texts at WARNING or above."""
    for name in QUIET_LOGGERS:
        logger = logging.getLogger(name)
        if logger.getEffectiveLevel() < logging.WARNING:
            logger.setLevel(logging.WARNING)


def install(secrets: Iterable[str]) -> Protection:
    """Quiet the noisy loggers and mask `secrets` in every record made from now on."""
    global _previous
    quiet_noisy_loggers()
    protection = Protection(tuple(s for s in secrets if s))
    with _lock:
        _secrets.update(protection.secrets)
        if _previous is None:
            _previous = logging.getLogRecordFactory()
            logging.setLogRecordFactory(_masked_record)
    return protection


def uninstall(protection: Protection) -> None:
    """Stop masking the secrets of `protection` (others stay masked)."""
    with _lock:
        _secrets.subtract(protection.secrets)
        for secret in [s for s, n in _secrets.items() if n <= 0]:
            del _secrets[secret]


def _masked_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
    assert _previous is not None
    record = _previous(*args, **kwargs)
    secrets = tuple(_secrets)
    if not secrets:
        return record
    try:
        message = record.getMessage()
    except Exception:  # a broken format string: logging reports it when the record is handled
        return record
    masked = mask(message, secrets)
    if masked != message:
        record.msg, record.args = masked, None
    if record.exc_info and record.exc_info[1] is not None:
        trace = logging.Formatter().formatException(record.exc_info)
        if mask(trace, secrets) != trace:
            record.exc_text = mask(trace, secrets)
    if record.stack_info:
        record.stack_info = mask(record.stack_info, secrets)
    return record
