"""The knowledge base articles most likely to answer a ticket, for staff to send in one click.

Why it looks like this:
- The likeness is the assistant's own lexical index of the live knowledge base
  (`bot.nlu.live_source`, TF-IDF over the articles' questions and titles), so the desk loads
  no Rasa model and no TensorFlow, and follows a published version within a read.
- Nothing is stored: a ticket's suggestions are worked out from its summary and content each
  time they are shown or used, so a staff member always sends the article as it reads now.
- The text sent is the article as the assistant would answer it (title, then the steps),
  cut to what a reply may hold.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.desk.forms import REPLY_LIMIT
from bot.desk.models import Ticket
from bot.nlu.live_source import KnowledgeBaseSource

logger = logging.getLogger(__name__)

SUGGESTED = 3  # how many articles a ticket shows


@dataclass(frozen=True)
class Suggestion:
    """An article offered for a ticket: its number on the ticket (1 to 3), and what is sent."""

    number: int
    article_id: str
    title: str
    text: str


class Suggestions:
    """The likeliest articles of the live knowledge base for a ticket's text."""

    def __init__(self, source: KnowledgeBaseSource, limit: int = SUGGESTED) -> None:
        """Read the knowledge base from `source`; offer up to `limit` articles."""
        self._source = source
        self._limit = limit

    def for_ticket(self, ticket: Ticket) -> list[Suggestion]:
        """The articles for the ticket's summary and content, best first (none if unreadable)."""
        text = f"{ticket.fields.summary}\n{ticket.fields.content}"
        try:
            index = self._source.index()
            articles = self._source.get().articles
        except OSError as error:  # a folder gone or unreadable: no suggestions, the page works
            logger.warning("the knowledge base could not be read (%s)", type(error).__name__)
            return []
        # A version published between the two reads can drop an article the index still has.
        likeliest = index.likeliest(text, self._limit)
        found = [articles[m.article_id] for m in likeliest if m.article_id in articles]
        return [
            Suggestion(n, article.id, article.title, _reply(article.title, article.answer.render()))
            for n, article in enumerate(found, start=1)
        ]

    def numbered(self, ticket: Ticket, number: int) -> Suggestion | None:
        """The ticket's suggestion of this number, if it has one."""
        return next((s for s in self.for_ticket(ticket) if s.number == number), None)


def _reply(title: str, answer: str) -> str:
    """The article as the assistant answers it, cut at a line to fit a reply."""
    text = f"{title}\n\n{answer}"
    if len(text) <= REPLY_LIMIT:
        return text
    kept = text[: REPLY_LIMIT - 1].rsplit("\n", 1)[0]
    return kept.rstrip() + "…"
