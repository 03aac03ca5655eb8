"""The review queue as the desk's pages and the trainers' Telegram chat use it.

Why it looks like this:
- One place knows where the queue reads from (Rasa's conversations, the assistant's store, the
  live knowledge base) and where a decision is published (the state folder `helpdesk run`
  gives every process in HELPDESK_STATE_DIR), so the page and the chat act the same way.
- Every method blocks (files, databases, the publishing lock): async callers use a thread.
- A change that needs the model retrained (a new article) starts the retraining in the
  background, as a publish from Telegram does; the old model answers meanwhile.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pydantic import Field
from sqlalchemy.engine import Engine

from bot.assistant import retrain
from bot.db import make_engine
from bot.kb import publishing
from bot.kb.article import Article
from bot.report.databases import ReportInputError, as_url, connect
from bot.review import decisions as plans
from bot.review.decisions import NewArticle, ReviewPlan, ReviewProblem
from bot.review.queue import LiveArticles, QueueGroup, find, read_queue
from bot.settings import HelpdeskSettings
from bot.store.review_decisions import Decision, ReviewDecisions
from bot.texts import texts

log = logging.getLogger(__name__)


class ReviewSettings(HelpdeskSettings):
    """Where the queue reads and publishes: what `helpdesk run` gives every process."""

    state_dir: Path = Path("var")
    project_dir: Path = Path(".")
    database_url: str = "sqlite:///var/helpdesk.db"
    rasa_url: str | None = None
    tracker_db: str | None = Field(default=None, env="RASA_TRACKER_DB")


class QueueUnavailable(Exception):
    """The conversations cannot be read; the message says why, in Vietnamese."""


class ReviewService:
    """Reads the queue, prepares decisions and carries them out."""

    def __init__(self, settings: ReviewSettings, store: Engine | None = None) -> None:
        """Use `store` (else open the settings' one, lazily); the conversations are opened at
        each read."""
        self._state = settings.state_dir.absolute()
        self._project = settings.project_dir.absolute()
        self._rasa_url = settings.rasa_url
        tracker = settings.tracker_db or str(self._state / "rasa_tracker.db")
        self._tracker_url = as_url(tracker)
        self._own_store = store is None
        self._store: Engine = store if store is not None else make_engine(settings.database_url)
        self._decisions = ReviewDecisions(self._store)
        self._live: LiveArticles | None = None

    @property
    def repository_kb(self) -> Path:
        """The project's `knowledge_base/`, live until a version is published."""
        return self._project / "knowledge_base"

    def queue(self) -> list[QueueGroup]:
        """The groups to review; QueueUnavailable if the conversations cannot be read."""
        try:
            tracker = connect(self._tracker_url, "tracker_db")
        except ReportInputError as error:
            raise QueueUnavailable(str(error)) from error
        try:
            return read_queue(tracker, self._decisions, self.live())
        finally:
            tracker.dispose()

    def group(self, key: str) -> QueueGroup | None:
        """The group named `key`, if it is still in the queue."""
        return find(self.queue(), key)

    def live(self) -> LiveArticles:
        """The live version, read again only when another one went live."""
        path = publishing.live_dir(self._state, self.repository_kb)
        cached = self._live
        if cached is None or cached.path != path:
            cached = self._live = LiveArticles(path)
        return cached

    def articles(self) -> list[Article]:
        """The live articles, by title, for the trainer to choose from."""
        kb = self.live().kb
        return sorted(kb.articles.values(), key=lambda a: (a.title.lower(), a.id))

    def software(self) -> dict[str, str]:
        """The live knowledge base's software keys and labels."""
        kb = self.live().kb
        return {
            str(key): str(entry.get("label") or key) if isinstance(entry, dict) else str(key)
            for key, entry in kb.software.items()
        }

    def recent(self) -> list[Decision]:
        """The latest decisions, newest first."""
        return self._decisions.recent()

    def plan_attach(self, group: QueueGroup, article_id: str) -> ReviewPlan:
        """The group's phrasings as new questions of `article_id`; ReviewProblem if not."""
        return plans.plan_attach(group, article_id, self._state, self.repository_kb)

    def plan_new(self, group: QueueGroup, fields: NewArticle) -> ReviewPlan:
        """A new article of the trainer's fields; ReviewProblem with the rules' messages."""
        return plans.plan_new(group, fields, self._state, self.repository_kb)

    def carry_out(self, plan: ReviewPlan, author: str, via: str) -> publishing.Version | None:
        """Publish and record the plan (publishing.Conflict if stale); retrain if needed."""
        version = plans.carry_out(
            plan, self._decisions, self._state, self.repository_kb, author, via
        )
        log.info(
            "review queue: a group was %s through %s (version %s)",
            plan.decision,
            via,
            version.number if version else "-",
        )
        if version is not None and (version.needs_training or plan.diff.needs_training):
            self.start_training()
        return version

    def start_training(self) -> bool:
        """Retrain in the background; whether it could be started."""
        try:
            retrain.start_in_background(self._state, self._project, self._rasa_url)
        except OSError as error:
            log.error("retraining could not be started (%s)", type(error).__name__)
            return False
        return True

    def close(self) -> None:
        """Let go of the store's connections, if this service opened them."""
        if self._own_store:
            self._store.dispose()


def problem_text(problem: ReviewProblem) -> str:
    """A plan's problems as one message."""
    return "\n".join([texts("bot.review").say("problems.heading"), *problem.messages])
