"""What a trainer's pending request keeps, as JSON, so that any gateway replica can act on it.

Why it looks like this:
- A pending request waits in the shared state (Redis or the store), so it is kept as plain
  JSON, never as a pickled object another process would have to trust.
- A publish keeps the file itself (at most the importer's 5 MB, in base64) and the live
  version it was compared with; on "Xuất bản" the file is checked again against the live
  version, and refused as a conflict if another version was published meanwhile. A rollback
  keeps the version to restore and the live one it was planned on, and is planned again the
  same way. An announcement keeps its text and how many it was said to reach.
- A kept request that cannot be read (another release's, or damaged) is treated as none: the
  trainer is told it expired and sends the file or command again.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PublishRequest:
    """A checked file waiting for "Xuất bản": its name, its bytes and the live version then."""

    name: str
    content: bytes
    base: int | None


@dataclass(frozen=True)
class RollbackRequest:
    """Restoring version `number`, planned while `base` was live, waiting for "Khôi phục"."""

    number: int
    base: int | None


@dataclass(frozen=True)
class AnnouncementRequest:
    """An announcement waiting for "Gửi thông báo", and how many it would reach."""

    text: str
    total: int


Request = PublishRequest | RollbackRequest | AnnouncementRequest


def kept(request: Request) -> dict[str, Any]:
    """`request` as the JSON object the pending confirmations keep."""
    if isinstance(request, PublishRequest):
        content = base64.b64encode(request.content).decode("ascii")
        return {"kind": "publish", "name": request.name, "file": content, "base": request.base}
    if isinstance(request, RollbackRequest):
        return {"kind": "rollback", "number": request.number, "base": request.base}
    return {"kind": "announce", "text": request.text, "total": request.total}


def request_of(item: dict[str, Any]) -> Request | None:
    """The request `kept` made `item` from, or None if it is not one."""
    kind, base = item.get("kind"), item.get("base")
    if base is not None and not _whole(base):
        return None
    if (
        kind == "publish"
        and isinstance(item.get("name"), str)
        and isinstance(item.get("file"), str)
    ):
        try:
            content = base64.b64decode(item["file"], validate=True)
        except (binascii.Error, ValueError):
            return None
        return PublishRequest(item["name"], content, base)
    if kind == "rollback" and _whole(item.get("number")):
        return RollbackRequest(item["number"], base)
    if kind == "announce" and isinstance(item.get("text"), str) and _whole(item.get("total")):
        return AnnouncementRequest(item["text"], item["total"])
    return None


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
