"""Versions of the live knowledge base under `<state>/kb`: publish, list, roll back, seed.

`versions/0001/`, `0002/`, ... are complete knowledge base folders (the layout of
knowledge_base/) with a `meta.yml`; they are never changed once written. `current` is a symlink
to the live one. A version is written under a temporary name and renamed when complete, then
`current` is replaced by a new symlink in one `os.replace`, so a reader that resolves `current`
always gets a whole knowledge base. Publishers take turns on `.lock` (fcntl.flock).
"""

from __future__ import annotations

import contextlib
import fcntl
import getpass
import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import yaml

from bot.kb import folder
from bot.kb.diff import Diff, compare_folders
from bot.kb.loader import load

_VERSIONS = "versions"
_CURRENT = "current"
_LOCK = ".lock"
_INCOMING = ".incoming-"


class UnknownVersion(LookupError):
    """No version has this number."""

    def __init__(self, number: int) -> None:
        super().__init__(f"no knowledge base version {number}")
        self.number = number


class Conflict(RuntimeError):
    """Another version was published since the change was prepared."""

    def __init__(self, expected: int | None, actual: int | None) -> None:
        super().__init__(f"the live version is {actual}, not {expected}")
        self.expected = expected
        self.actual = actual


class InvalidKnowledgeBase(ValueError):
    """The folder to publish breaks the knowledge base rules; nothing was published."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Version:
    """One published version, as its `meta.yml` describes it."""

    number: int
    path: Path
    published_at: datetime
    author: str
    source: str  # the trainer's file name, the repository folder, or "" for a rollback
    summary: dict[str, int]  # Diff.counts() against the version live before
    needs_training: bool
    from_repository: bool
    restored_from: int | None = None
    thesaurus_summary: dict[str, int] = field(default_factory=dict)  # Diff.thesaurus_counts()


def default_author() -> str:
    """The OS user, recorded when no author is given."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def _home(state: Path) -> Path:
    return state / "kb"


def _version_path(state: Path, number: int) -> Path:
    return _home(state) / _VERSIONS / f"{number:04d}"


def current_version(state: Path) -> int | None:
    """The number of the live version, or None if nothing was published."""
    try:
        return int(Path(os.readlink(_home(state) / _CURRENT)).name)
    except (FileNotFoundError, OSError, ValueError):
        return None


def live_dir(state: Path, repository_kb: Path) -> Path:
    """The live knowledge base folder: the current version, or the repository's if none.

    The symlink is resolved, so a caller reading the folder keeps reading the same version even
    if another is published meanwhile.
    """
    number = current_version(state)
    return _version_path(state, number).resolve() if number is not None else repository_kb


def history(state: Path) -> list[Version]:
    """Every published version, oldest first."""
    versions_dir = _home(state) / _VERSIONS
    if not versions_dir.is_dir():
        return []
    numbers = sorted(int(p.name) for p in versions_dir.iterdir() if p.name.isdigit())
    return [version(state, n) for n in numbers]


def version(state: Path, number: int) -> Version:
    """The version `number`; UnknownVersion if there is none."""
    path = _version_path(state, number)
    meta_path = path / folder.META
    if not meta_path.is_file():
        raise UnknownVersion(number)
    meta: dict[str, Any] = yaml.safe_load(meta_path.read_text(encoding="utf-8"))
    return Version(
        number=int(meta["version"]),
        path=path,
        published_at=datetime.fromisoformat(str(meta["published_at"])),
        author=str(meta.get("author") or ""),
        source=str(meta.get("source") or ""),
        summary={str(k): int(v) for k, v in (meta.get("summary") or {}).items()},
        needs_training=bool(meta.get("needs_training")),
        from_repository=bool(meta.get("from_repository")),
        restored_from=meta.get("restored_from"),
        thesaurus_summary={
            str(k): int(v) for k, v in (meta.get("thesaurus_summary") or {}).items()
        },
    )


@contextlib.contextmanager
def _locked(state: Path) -> Iterator[None]:
    _home(state).mkdir(parents=True, exist_ok=True)
    with open(_home(state) / _LOCK, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def publish(
    state: Path,
    source_dir: Path,
    *,
    author: str,
    source: str,
    based_on: int | None = None,
) -> Version:
    """Publish a copy of the knowledge base folder `source_dir` as the new live version.

    With `based_on`, publish only if that version is still the live one (Conflict otherwise),
    so a change prepared against one version never silently undoes another trainer's.
    InvalidKnowledgeBase if the folder breaks the rules.
    """
    with _locked(state):
        actual = current_version(state)
        if based_on is not None and actual != based_on:
            raise Conflict(based_on, actual)
        return _publish_locked(state, source_dir, author=author, source=source)


def rollback(state: Path, number: int, *, author: str) -> Version:
    """Publish a copy of the old version `number` as a new version; UnknownVersion if none.

    History only grows, so a rollback can itself be rolled back.
    """
    with _locked(state):
        old = version(state, number)
        return _publish_locked(state, old.path, author=author, source="", restored_from=number)


def ensure_seeded(state: Path, repository_kb: Path, author: str | None = None) -> Path:
    """Publish the repository's knowledge base if it is new or changed; return the live folder.

    Seeded when no version came from the repository yet, or when the repository's files differ
    from the last version that did (a new release of the project), which then becomes live.
    """
    with _locked(state):
        stamp = folder.fingerprint(repository_kb)
        seeded = [v for v in history(state) if v.from_repository]
        if not seeded or _repository_stamp(seeded[-1]) != stamp:
            _publish_locked(
                state,
                repository_kb,
                author=default_author() if author is None else author,
                source=repository_kb.name,
                repository_stamp=stamp,
            )
    return live_dir(state, repository_kb)


def _repository_stamp(seeded: Version) -> str:
    meta = yaml.safe_load((seeded.path / folder.META).read_text(encoding="utf-8"))
    return str(meta.get("repository_fingerprint") or "")


def _publish_locked(
    state: Path,
    source_dir: Path,
    *,
    author: str,
    source: str,
    restored_from: int | None = None,
    repository_stamp: str | None = None,
) -> Version:
    versions_dir = _home(state) / _VERSIONS
    versions_dir.mkdir(parents=True, exist_ok=True)
    # Whoever holds the lock is the only writer: anything half-written is a crashed publisher's.
    for leftover in versions_dir.glob(_INCOMING + "*"):
        shutil.rmtree(leftover, ignore_errors=True)
    for link in _home(state).glob(f".{_CURRENT}-*"):
        link.unlink(missing_ok=True)
    incoming = versions_dir / f"{_INCOMING}{uuid.uuid4().hex}"
    incoming.mkdir()
    try:
        folder.copy(source_dir, incoming)
        loaded = load(incoming)
        if loaded.problems:
            raise InvalidKnowledgeBase(loaded.problems)
        previous = current_version(state)
        old = _version_path(state, previous) if previous is not None else None
        diff = compare_folders(old, incoming, loaded)
        number = max((int(p.name) for p in versions_dir.iterdir() if p.name.isdigit()), default=0)
        number += 1
        _write_meta(incoming, number, author, source, diff, restored_from, repository_stamp)
        os.rename(incoming, _version_path(state, number))
    except BaseException:
        shutil.rmtree(incoming, ignore_errors=True)
        raise
    _switch(state, number)
    return version(state, number)


def _write_meta(
    target: Path,
    number: int,
    author: str,
    source: str,
    diff: Diff,
    restored_from: int | None,
    repository_stamp: str | None,
) -> None:
    meta: dict[str, Any] = {
        "version": number,
        "published_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "author": author,
        "source": source,
        "summary": diff.counts(),
        "thesaurus_summary": diff.thesaurus_counts(),
        "needs_training": diff.needs_training,
        "from_repository": repository_stamp is not None,
        "restored_from": restored_from,
    }
    if repository_stamp is not None:
        meta["repository_fingerprint"] = repository_stamp
    text = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
    (target / folder.META).write_text(text, encoding="utf-8")


def _switch(state: Path, number: int) -> None:
    # A relative target keeps the state folder movable; os.replace swaps the link in one step.
    link = _home(state) / f".{_CURRENT}-{uuid.uuid4().hex}"
    os.symlink(Path(_VERSIONS) / f"{number:04d}", link)
    os.replace(link, _home(state) / _CURRENT)
