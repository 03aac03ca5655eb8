"""A trainer's file checked and compared with the live knowledge base, then published if asked.

The CLI (`helpdesk kb import`) and the Telegram trainer flow share these two steps: `propose`
changes nothing, `apply` publishes the proposal as a new version.
"""

from __future__ import annotations

import dataclasses
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from bot.kb import folder, importing, publishing
from bot.kb.article import Article
from bot.kb.diff import Diff, compare, compare_thesaurus
from bot.kb.loader import load
from bot.kb.thesaurus import Entries


@dataclass(frozen=True)
class Proposal:
    """The articles of a trainer's file and how they differ from the live knowledge base."""

    file_name: str
    base_version: int | None  # the live version compared with; None: the repository's folder
    base_dir: Path
    base_articles: dict[str, Article]
    articles: dict[str, Article]
    problems: list[importing.Problem] = field(default_factory=list)
    diff: Diff = field(default_factory=Diff)  # empty while there are problems
    thesaurus: Entries | None = None  # the file's thesaurus; None: it has none, the live one stays


def propose(file: Path, state: Path, repository_kb: Path) -> Proposal:
    """Read and check `file`, and compare it with the live knowledge base. Writes nothing."""
    number = publishing.current_version(state)
    base_dir = publishing.version(state, number).path if number is not None else repository_kb
    base = load(base_dir)
    imported = importing.read(file, base.software)
    diff = Diff()
    if not imported.problems:
        diff = compare(base.articles, imported.articles)
        if imported.thesaurus is not None:
            terms = compare_thesaurus(base.thesaurus, imported.thesaurus)
            diff = dataclasses.replace(diff, thesaurus=terms)
    return Proposal(
        file.name,
        number,
        base_dir,
        base.articles,
        imported.articles,
        imported.problems,
        diff,
        imported.thesaurus,
    )


def apply(proposal: Proposal, state: Path, repository_kb: Path, author: str) -> publishing.Version:
    """Publish the proposal's articles as the new live version.

    publishing.Conflict if the live knowledge base changed since the proposal was made.
    """
    if proposal.problems:
        raise ValueError("a proposal with problems cannot be published")
    based_on = proposal.base_version
    if based_on is None:
        # Nothing was published yet: the repository's folder becomes version 1 first, so the
        # trainer's change can be rolled back to it.
        live = publishing.ensure_seeded(state, repository_kb)
        based_on = publishing.current_version(state)
        if folder.fingerprint(live) != folder.fingerprint(proposal.base_dir):
            raise publishing.Conflict(None, based_on)
    with tempfile.TemporaryDirectory(prefix="kb-import-") as staging:
        target = Path(staging) / "knowledge_base"
        # The thesaurus file is written anew only when a term changed: otherwise it is copied
        # with the rest, its comments and layout kept.
        thesaurus = proposal.thesaurus if proposal.diff.thesaurus else None
        folder.write(
            proposal.base_dir,
            proposal.base_articles,
            proposal.articles.values(),
            target,
            thesaurus=thesaurus,
        )
        return publishing.publish(
            state, target, author=author, source=proposal.file_name, based_on=based_on
        )
