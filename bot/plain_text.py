"""Text from outside made safe to keep, send on and show: one rule for every channel.

Why it looks like this:
- Control characters (NUL among them) break PostgreSQL's text columns, Rasa's tracker store
  included, and invisible ones (zero-width space, line and paragraph separators, the BOM) make
  two equal-looking texts differ; none of them is something an official means to type.
- A lone surrogate (a JSON escape such as "\\ud83d" without its pair) is no character at all:
  UTF-8 cannot encode it, so anything that writes the text on (httpx, a database) would fail.
- Line breaks are kept, as `\\n`: a long question may come in paragraphs.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u2028\u2029\ufeff\ufff9-\ufffb]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def clean(text: str) -> str:
    """`text` without control characters or lone surrogates, with `\\n` line breaks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", _SURROGATE.sub("", text))
