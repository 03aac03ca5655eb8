"""What a trainer does with a group of the queue: attach it to an article, make it a new
article, or dismiss it; each prepared (`plan_*`) and then carried out on the trainer's click.

Why it looks like this:
- A change is published as the Telegram and command-line imports publish one: a `Proposal`
  against the live version, then `proposal.apply`, so it is a new version with its diff,
  listed by `kb history`, undone by `kb rollback`, and refused (`publishing.Conflict`) if
  another version went live since the plan was made.
- New paraphrases of an article are live in seconds (the NLU's live overlay); a new article is
  answered at once through the fallback path and retrained in the background.
- A phrasing that is already a question of an article is not added again; problems are the
  knowledge base's own rules' messages, in Vietnamese.
- Nothing is published or recorded but by `carry_out`, which only a trainer's click calls.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from bot.kb import proposal as proposals
from bot.kb import publishing, rules
from bot.kb.article import Article
from bot.kb.diff import Diff, compare
from bot.kb.loader import KnowledgeBase, load
from bot.kb.proposal import Proposal
from bot.review.queue import QueueGroup
from bot.store.review_decisions import ATTACHED, DISMISSED, NEW, Decision, ReviewDecisions
from bot.texts import texts
from bot.vietnamese import comparable, fold

SOURCE = "hang-cho"  # the version's source, as `kb history` shows it
_WORD = re.compile(r"[a-z0-9]+")


class ReviewProblem(ValueError):
    """Why a plan cannot be made: `messages`, in Vietnamese, ready to show."""

    def __init__(self, messages: list[str]) -> None:
        """Keep the messages."""
        super().__init__("\n".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class NewArticle:
    """The fields a trainer fills in for a new article; lists one item a line."""

    software: str
    title: str
    steps: str
    questions: str
    intro: str = ""


@dataclass(frozen=True)
class ReviewPlan:
    """A decision prepared: the group, what is decided, and the proposal to publish, if any."""

    group: QueueGroup
    decision: str
    proposal: Proposal | None = None
    article_id: str | None = None
    added: tuple[str, ...] = field(default_factory=tuple)  # the questions it adds

    @property
    def diff(self) -> Diff:
        """The changes to the knowledge base; empty for a dismissal."""
        return self.proposal.diff if self.proposal is not None else Diff()


def live(state: Path, repository_kb: Path) -> tuple[int | None, Path, KnowledgeBase]:
    """The live version's number (None: the repository's folder), folder and content."""
    number = publishing.current_version(state)
    base_dir = publishing.version(state, number).path if number is not None else repository_kb
    return number, base_dir, load(base_dir)


def plan_attach(group: QueueGroup, article_id: str, state: Path, repository_kb: Path) -> ReviewPlan:
    """Add the group's phrasings to the article `article_id` as new questions."""
    said = texts("bot.review")
    number, base_dir, kb = live(state, repository_kb)
    if not article_id:
        raise ReviewProblem([said.say("problems.no_article")])
    article = kb.articles.get(article_id)
    if article is None:
        raise ReviewProblem([said.say("problems.unknown_article", id=article_id)])
    added = _new_questions(group.phrasings, kb)
    if not added:
        raise ReviewProblem([said.say("problems.nothing_to_add", title=article.title)])
    changed = Article(
        article.id, article.software, article.title, (*article.questions, *added), article.answer
    )
    articles = {**kb.articles, article.id: changed}
    return ReviewPlan(
        group, ATTACHED, _proposal(number, base_dir, kb, articles), article.id, tuple(added)
    )


def plan_new(group: QueueGroup, fields: NewArticle, state: Path, repository_kb: Path) -> ReviewPlan:
    """Make a new article of the trainer's fields, its questions the group's and theirs."""
    number, base_dir, kb = live(state, repository_kb)
    data = {
        "id": article_id(fields.software, fields.title, kb),
        "software": fields.software,
        "title": fields.title,
        "questions": _lines(fields.questions),
        "answer": {"intro": fields.intro or None, "steps": _lines(fields.steps)},
    }
    article, issues = rules.parse(data, kb.software)
    if article is None:
        raise ReviewProblem([_issue(issue) for issue in issues])
    _, shared = rules.check_together([*kb.articles.values(), article])
    if shared:
        raise ReviewProblem([_issue(issue) for _, issue in shared])
    articles = {**kb.articles, article.id: article}
    proposal = _proposal(number, base_dir, kb, articles)
    return ReviewPlan(group, NEW, proposal, article.id, article.questions)


def plan_dismiss(group: QueueGroup) -> ReviewPlan:
    """Leave the knowledge base as it is; the group's questions leave the queue."""
    return ReviewPlan(group, DISMISSED)


def carry_out(
    plan: ReviewPlan,
    decisions: ReviewDecisions,
    state: Path,
    repository_kb: Path,
    author: str,
    via: str,
) -> publishing.Version | None:
    """Publish the plan's proposal (publishing.Conflict if stale) and record the decision."""
    version = None
    if plan.proposal is not None:
        version = proposals.apply(plan.proposal, state, repository_kb, author)
    decision = Decision(
        group_key=plan.group.key,
        representative=plan.group.representative,
        decision=plan.decision,
        article_id=plan.article_id,
        kb_version=version.number if version is not None else None,
        acted_by=author,
        via=via,
        acted_at=decisions.now(),
    )
    decisions.record(decision, plan.group.question_keys)
    return version


def article_id(software: str, title: str, kb: KnowledgeBase) -> str:
    """A new article's id: its software and the words of its title, unused, as rules want."""
    words = _WORD.findall(fold(title).lower())
    topic = "_".join(words)[:48].strip("_") or "bai_moi"
    if not topic[0].isalpha():
        topic = "bai_" + topic
    wanted, suffix = f"{software}.{topic}", 2
    found = wanted
    while found in kb.articles:
        found, suffix = f"{wanted}_{suffix}", suffix + 1
    return found


def _new_questions(phrasings: tuple[str, ...], kb: KnowledgeBase) -> list[str]:
    known = {comparable(q) for a in kb.articles.values() for q in (*a.questions, a.title)}
    added: list[str] = []
    for text in phrasings:
        key = comparable(text)
        if key and key not in known:
            known.add(key)
            added.append(text)
    return added


def _proposal(
    number: int | None, base_dir: Path, kb: KnowledgeBase, articles: dict[str, Article]
) -> Proposal:
    return Proposal(
        SOURCE, number, base_dir, kb.articles, articles, [], compare(kb.articles, articles)
    )


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.replace("\r", "\n").split("\n") if line.strip()]


def _issue(issue: rules.Issue) -> str:
    field_name = texts("bot.review").say(f"fields.{issue.field}") if issue.field else ""
    return f"{field_name}: {issue.message}" if field_name else issue.message
