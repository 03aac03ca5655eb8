"""What staff send in one step: a suggested article's answer or a saved template, as a reply.

Both are ordinary replies once sent: a note on the ticket and a `reply` in the change feed, so
the official gets them by the path every staff reply takes (the notifier) and the desk keeps
who sent what. The page, the API (and so the Telegram group) all come through here. Every
method blocks: callers run them in worker threads.
"""

from __future__ import annotations

from sqlalchemy.engine import Engine

from bot.desk.models import Note, Ticket
from bot.desk.reply_templates import ReplyTemplate, TemplateRepository, fill
from bot.desk.repository import TicketNotFound, TicketRepository
from bot.desk.settings import DeskSettings
from bot.desk.suggestions import Suggestion, Suggestions
from bot.nlu.live_source import KnowledgeBaseSource
from bot.texts import texts


def staff_aids(settings: DeskSettings, tickets: TicketRepository, engine: Engine) -> StaffAids:
    """The aids of the desk `settings` describe, on its tickets and database."""
    source = KnowledgeBaseSource(settings.knowledge_base_dir)
    nameless = texts("bot.desk", "pages.yml").say("aids.nameless")
    return StaffAids(tickets, TemplateRepository(engine), Suggestions(source), nameless)


class StaffAids:
    """Suggested articles and saved templates of the desk's tickets."""

    def __init__(
        self,
        tickets: TicketRepository,
        templates: TemplateRepository,
        suggestions: Suggestions,
        nameless: str,
    ) -> None:
        """Send on `tickets`; `nameless` fills {ten} for an official who gave no name."""
        self.tickets = tickets
        self.templates = templates
        self.suggestions = suggestions
        self._nameless = nameless

    def suggested(self, code: str) -> list[Suggestion]:
        """The ticket's suggested articles; raises TicketNotFound."""
        return self.suggestions.for_ticket(self._ticket(code))

    def filled(self, ticket: Ticket) -> list[tuple[ReplyTemplate, str]]:
        """Every template with its text for `ticket`."""
        return [(t, fill(t.text, ticket, self._nameless)) for t in self.templates.all()]

    def send_suggestion(
        self, code: str, number: int, author: str, account_id: int | None = None
    ) -> Note | None:
        """Reply on the ticket with its suggestion `number`; None if it has none of that number.
        Raises TicketNotFound."""
        chosen = self.suggestions.numbered(self._ticket(code), number)
        if chosen is None:
            return None
        return self.tickets.add_reply(code, author, chosen.text, account_id)

    def send_template(
        self, code: str, template_id: int, author: str, account_id: int | None = None
    ) -> Note | None:
        """Reply on the ticket with template `template_id` filled in; None if there is no such
        template. Raises TicketNotFound."""
        ticket = self._ticket(code)
        template = self.templates.get(template_id)
        if template is None:
            return None
        text = fill(template.text, ticket, self._nameless)
        return self.tickets.add_reply(code, author, text, account_id)

    def _ticket(self, code: str) -> Ticket:
        ticket = self.tickets.get(code)
        if ticket is None:
            raise TicketNotFound(code)
        return ticket
