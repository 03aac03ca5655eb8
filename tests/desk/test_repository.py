from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from bot.desk.models import NewTicket, TicketFilter
from bot.desk.repository import KeyConflict, TicketNotFound, TicketRepository
from bot.desk.schema import tickets
from bot.desk.settings import DeskSettings
from bot.desk.validation import new_ticket
from tests.desk.conftest import SESSION_SECRET, STAFF_TOKEN, ticket_body

START = datetime(2025, 3, 3, 8, 0, 0)


class Clock:
    """A clock that moves on a minute each time it is read."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


@pytest.fixture
def repository(engine: Engine) -> TicketRepository:
    settings = DeskSettings(
        tokens=SecretStr(f"staff:{STAFF_TOKEN}"), session_secret=SecretStr(SESSION_SECRET)
    )
    return TicketRepository(engine, settings.service_levels(), clock=Clock())


def new(**changes: object) -> NewTicket:
    return new_ticket(ticket_body(**changes))


def count_tickets(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(tickets)).scalar_one())


def test_a_new_ticket_gets_a_code_from_its_id_and_a_deadline_from_its_urgency(
    repository: TicketRepository,
) -> None:
    first = repository.create(new(urgency="very_urgent"), "key-00000001")
    second = repository.create(new(), "key-00000002")
    assert not first.existed
    assert (first.ticket.code, second.ticket.code) == ("HT-000001", "HT-000002")
    assert first.ticket.status == "new"
    assert first.ticket.deadline == first.ticket.created_at + timedelta(hours=2)
    assert second.ticket.deadline == second.ticket.created_at + timedelta(hours=24)
    assert repository.get("HT-000001") == first.ticket


def test_the_same_key_and_body_return_the_ticket_already_created(
    repository: TicketRepository, engine: Engine
) -> None:
    first = repository.create(new(), "key-00000001")
    again = repository.create(new(), "key-00000001")
    assert again.existed
    assert again.ticket == first.ticket
    assert count_tickets(engine) == 1


def test_the_same_key_with_another_body_is_a_conflict(
    repository: TicketRepository, engine: Engine
) -> None:
    repository.create(new(), "key-00000001")
    with pytest.raises(KeyConflict):
        repository.create(new(summary="Một câu hỏi khác"), "key-00000001")
    assert count_tickets(engine) == 1


def test_fifty_concurrent_creates_with_one_key_make_one_ticket(
    repository: TicketRepository, engine: Engine
) -> None:
    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(lambda _: repository.create(new(), "key-concurrent"), range(50)))
    assert {result.ticket.code for result in results} == {"HT-000001"}
    assert sum(not result.existed for result in results) == 1
    assert count_tickets(engine) == 1
    assert [c.kind for c in repository.changes_after(0, 100)] == ["created"]


def test_lists_filter_by_each_field_newest_change_first(repository: TicketRepository) -> None:
    repository.create(new(unit="Xã A", software="qlvb"), "key-00000001")
    repository.create(
        new(unit="Xã B", software="hoc", requester={"channel": "zalo", "user_id": "z-1"}),
        "key-00000002",
    )
    repository.create(new(unit="Xã A", software="hoc"), "key-00000003")
    repository.change_status("HT-000001", "in_progress", "Cán bộ")

    def codes(**wanted: Any) -> list[str]:
        return [t.code for t in repository.find(TicketFilter(**wanted)).items]

    assert codes() == ["HT-000001", "HT-000003", "HT-000002"]
    assert codes(status="in_progress") == ["HT-000001"]
    assert codes(status="new") == ["HT-000003", "HT-000002"]
    assert codes(unit="Xã A") == ["HT-000001", "HT-000003"]
    assert codes(software="hoc") == ["HT-000003", "HT-000002"]
    assert codes(requester_channel="zalo") == ["HT-000002"]
    assert codes(requester_channel="web", requester_id="z-1") == []
    assert codes(requester_id="z-1") == ["HT-000002"]
    assert codes(updated_since=START + timedelta(minutes=3)) == ["HT-000001", "HT-000003"]
    assert codes(limit=1, offset=1) == ["HT-000003"]
    assert repository.find(TicketFilter(limit=1)).total == 3


def test_q_finds_words_in_code_summary_or_content_whatever_their_case(
    repository: TicketRepository,
) -> None:
    repository.create(new(summary="ĐĂNG NHẬP lỗi", content="Trình duyệt Chrome"), "key-00000001")
    repository.create(new(summary="Ký số hết hạn", content="Chứng thư số 100%"), "key-00000002")

    def codes(q: str) -> list[str]:
        wanted = TicketFilter(words=tuple(q.split()))
        return sorted(t.code for t in repository.find(wanted).items)

    assert codes("đăng nhập") == ["HT-000001"]
    assert codes("chrome") == ["HT-000001"]
    assert codes("ht-000002") == ["HT-000002"]
    assert codes("số") == ["HT-000002"]
    assert codes("100%") == ["HT-000002"]
    assert codes("%") == ["HT-000002"]  # matched literally, not as a wildcard
    assert codes("_") == []
    assert codes("đăng hạn") == []  # every word must appear


def test_replies_and_status_changes_are_fed_to_pollers_in_order(
    repository: TicketRepository,
) -> None:
    repository.create(new(), "key-00000001")
    note = repository.add_reply("HT-000001", "Cán bộ Phòng VH", "Anh vui lòng xoá bộ nhớ đệm.")
    ticket = repository.change_status("HT-000001", "waiting_official", "Cán bộ Phòng VH")
    assert ticket.status == "waiting_official"
    assert ticket.notes == (note,)
    assert ticket.updated_at > ticket.created_at
    feed = repository.changes_after(0, 100)
    assert [(c.kind, c.code, c.status) for c in feed] == [
        ("created", "HT-000001", "new"),
        ("reply", "HT-000001", None),
        ("status", "HT-000001", "waiting_official"),
    ]
    assert feed[1].note == note
    assert [c.position for c in repository.changes_after(feed[0].position, 1)] == [feed[1].position]
    assert repository.changes_after(feed[-1].position, 100) == []


def test_setting_the_current_status_again_feeds_no_change(repository: TicketRepository) -> None:
    repository.create(new(), "key-00000001")
    repository.change_status("HT-000001", "resolved", "B")
    repository.change_status("HT-000001", "resolved", "B")
    assert [c.kind for c in repository.changes_after(0, 100)] == ["created", "status"]


def test_replies_and_status_changes_to_unknown_codes_are_not_found(
    repository: TicketRepository,
) -> None:
    with pytest.raises(TicketNotFound):
        repository.add_reply("HT-000404", "B", "Xin chào")
    with pytest.raises(TicketNotFound):
        repository.change_status("HT-000404", "closed", "B")
    assert repository.get("HT-000404") is None
    assert repository.changes_after(0, 100) == []
