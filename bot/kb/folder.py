"""The knowledge base as a folder of files: which files make it, copying it, writing it anew."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterable
from pathlib import Path

import yaml

from bot.kb import thesaurus as terms
from bot.kb.article import Article

# Written beside the knowledge base files of a published version; not part of the knowledge base.
META = "meta.yml"


def files(root: Path) -> list[Path]:
    """The files of the knowledge base at `root`, relative to it, in a stable order.

    Only YAML counts: a README or an editor's backup file beside them changes nothing served.
    """
    top = [p for p in root.glob("*.yml") if p.is_file() and p.name != META]
    articles = [p for p in (root / "articles").rglob("*.yml") if p.is_file()]
    return sorted(p.relative_to(root) for p in top + articles)


def fingerprint(root: Path) -> str:
    """A hash of the names and contents of the knowledge base files at `root`."""
    digest = hashlib.sha256()
    for relative in files(root):
        digest.update(relative.as_posix().encode() + b"\0")
        digest.update((root / relative).read_bytes() + b"\0")
    return digest.hexdigest()


def copy(source: Path, target: Path) -> None:
    """Copy the knowledge base files of `source` into the folder `target`."""
    for relative in files(source):
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / relative, target / relative)


def article_path(article_id: str) -> Path:
    """`qlvb.dang_nhap` -> `articles/qlvb/dang_nhap.yml`, where the loader expects it."""
    software, topic = article_id.split(".", 1)
    return Path("articles", software, f"{topic}.yml")


def article_yaml(article: Article) -> str:
    """The article file's text, with the fields in the order the hand-written files use."""
    answer: dict[str, object] = {}
    if article.answer.intro:
        answer["intro"] = article.answer.intro
    answer["steps"] = list(article.answer.steps)
    if article.answer.note:
        answer["note"] = article.answer.note
    data = {
        "id": article.id,
        "software": article.software,
        "title": article.title,
        "questions": list(article.questions),
        "answer": answer,
    }
    if article.follow_ups:
        data["follow_ups"] = list(article.follow_ups)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100_000)


def write(
    base: Path,
    base_articles: dict[str, Article],
    articles: Iterable[Article],
    target: Path,
    thesaurus: terms.Entries | None = None,
) -> None:
    """Write into `target` the knowledge base of `base` with its articles replaced by `articles`.

    Its thesaurus is replaced too when `thesaurus` is given. An article equal to the one in
    `base` keeps its file byte for byte, comments included, so publishing a spreadsheet touches
    only the articles it really changes; a new thesaurus keeps the comments that opened the old
    file.
    """
    target.mkdir(parents=True, exist_ok=True)
    for relative in files(base):
        if relative.parts[0] != "articles":
            shutil.copyfile(base / relative, target / relative)
    if thesaurus is not None:
        old = base / terms.FILE
        comments = terms.leading_comments(old.read_text(encoding="utf-8")) if old.is_file() else ""
        (target / terms.FILE).write_text(terms.dump(thesaurus, comments), encoding="utf-8")
    for article in articles:
        relative = article_path(article.id)
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        if base_articles.get(article.id) == article and (base / relative).is_file():
            shutil.copyfile(base / relative, target / relative)
        else:
            (target / relative).write_text(article_yaml(article), encoding="utf-8")
