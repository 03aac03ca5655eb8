"""Vietnamese phone numbers as officials type them, brought to the one form the desk stores.

Accepted: mobile numbers of 10 digits (03x, 05x, 07x, 08x, 09x), written with spaces, dots,
dashes or brackets, and with the country code as +84, 84 or 0084 in place of the leading 0.
Landlines (02xx plus 7 digits, 11 in all) are refused for now: the document system's contract
stores 10 digits (`docs/desk-api.yaml`).
"""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s.\-()/]+")
_MOBILE = re.compile(r"0[35789][0-9]{8}")


def normalize_phone(text: str) -> str | None:
    """The number as 0xxxxxxxxx, or None when `text` is not a Vietnamese mobile number."""
    compact = _SEPARATORS.sub("", text.strip())
    if compact.startswith("+84"):
        compact = "0" + compact[3:]
    elif compact.startswith("0084"):
        compact = "0" + compact[4:]
    elif compact.startswith("84") and len(compact) == 11:
        compact = "0" + compact[2:]
    if compact.startswith("00"):  # +84 (0) 912..., written with the trunk 0 kept
        compact = compact[1:]
    return compact if _MOBILE.fullmatch(compact) else None
