"""What a trainer's pending request keeps, as JSON, so that any gateway replica can act on it.

Why it looks like this:
- A pending request waits in the shared state (Redis or the store), so it is kept as plain
  JSON, never as a pickled object another process would have to trust.
- A publish keeps the file itself (at most the importer's 5 MB, in base64) and the live
  version it was compared with; on "Xuất bản" the file is checked again against the live
  version, and refused as a conflict if another version was published meanwhile. A rollback
  keeps the version to restore and the live one it was planned on, and is planned again the
  same way. An announcement keeps its text and how many it was said to reach.
- A review queue decision keeps the group's key, the phrasings the trainer saw, the article to
  attach them to and the live version then, never the plan itself: on the press the group is
  found and planned again, and refused if it changed or another version went live meanwhile.
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


@dataclass(frozen=True)
class ReviewRequest:
    """A group of the review queue (`group_key`, its `phrasings` as shown) to attach to
    `article_id`, or to dismiss when None, planned while `base` was live."""

    group_key: str
    phrasings: tuple[str, ...]
    article_id: str | None
    base: int | None


Request = PublishRequest | RollbackRequest | AnnouncementRequest | ReviewRequest


def kept(request: Request) -> dict[str, Any]:
    """`request` as the JSON object the pending confirmations keep."""
    if isinstance(request, PublishRequest):
        content = base64.b64encode(request.content).decode("ascii")
        return {"kind": "publish", "name": request.name, "file": content, "base": request.base}
    if isinstance(request, RollbackRequest):
        return {"kind": "rollback", "number": request.number, "base": request.base}
    if isinstance(request, ReviewRequest):
        return {
            "kind": "review",
            "group": request.group_key,
            "phrasings": list(request.phrasings),
            "article": request.article_id,
            "base": request.base,
        }
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
    if kind == "review":
        return _review(item, base)
    return None


def _review(item: dict[str, Any], base: int | None) -> ReviewRequest | None:
    group, phrasings, article = item.get("group"), item.get("phrasings"), item.get("article")
    if (
        isinstance(group, str)
        and isinstance(phrasings, list)
        and all(isinstance(p, str) for p in phrasings)
        and (article is None or isinstance(article, str))
    ):
        return ReviewRequest(group, tuple(phrasings), article, base)
    return None


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
