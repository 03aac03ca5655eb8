"""A desk full of realistic tickets for the escalation benchmark, written fast by bulk inserts.

The database is a throwaway one: a fresh SQLite file, or a PostgreSQL schema dropped afterwards.

Each ticket is stored as the desk itself stores one: `TicketRepository.create` writes the ticket
(code from the id, `search` folded from code, summary and content, deadline from the urgency's
service level), its idempotency row and a `created` change; a staff reply writes a note and a
`reply` change, a status change a `status` change. Changes get positions in time order across all
tickets, as the desk's write lock gives them, and each ticket's `updated_at` is its last change.

Ids are given explicitly (codes are known up front), so PostgreSQL's sequences are moved past
them afterwards; SQLite's AUTOINCREMENT counter follows explicit ids by itself.
"""

from __future__ import annotations

import os
import random
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError

from bot.desk.models import NewTicket, folded, ticket_code
from bot.desk.repository import utc_now
from bot.desk.schema import changes, idempotency, notes, tickets
from bot.desk.settings import DeskSettings
from bot.kb.loader import load


def _listed(names: str) -> tuple[str, ...]:
    return tuple(names.split(", "))


SURNAMES = _listed(
    "Nguyễn, Trần, Lê, Phạm, Hoàng, Huỳnh, Phan, Vũ, Võ, Đặng, Bùi, Đỗ, Hồ, Ngô, Dương, Lý"
)
MIDDLES = _listed("Văn, Thị, Hữu, Đức, Minh, Thanh, Ngọc, Quốc, Thu, Xuân, Kim, Công, Bảo, Gia")
GIVEN = _listed(
    "An, Bình, Cường, Dũng, Giang, Hà, Hải, Hạnh, Hoa, Hùng, Hương, Khánh, Lan, Linh, "
    "Long, Mai, Nam, Nga, Phúc, Phương, Quân, Sơn, Tâm, Thảo, Trang, Tú, Tuấn, Vân, Yến, "
    "Hiếu, Duy, Trung, Hòa, Nhung"
)
PLACES = _listed(
    "Tân Phú, Quảng Phú, Hòa Bình, Phú Lộc, An Thạnh, Bình Minh, Đông Hòa, Tân Lập, "
    "Xuân Sơn, Thanh Hà, Hưng Long, Phước Sơn, Vĩnh Hòa, Cẩm Thủy, Yên Định, Như Xuân, "
    "Hậu Lộc, Nga Sơn, Tĩnh Gia, Thọ Xuân, Đông Sơn, Triệu Sơn, Quan Hóa, Lang Chánh, "
    "Bá Thước, Ngọc Lặc"
)
UNIT_FORMS = (
    "UBND xã {}",
    "UBND phường {}",
    "Trường Tiểu học {}",
    "Trường THCS {}",
    "Trạm Y tế xã {}",
    "Phòng Nội vụ huyện {}",
    "Phòng Tài chính - Kế hoạch huyện {}",
    "Văn phòng HĐND và UBND huyện {}",
)
DEPARTMENTS = _listed(
    "Sở Nội vụ, Sở Tài chính, Sở Tư pháp, Sở Y tế, Sở Giáo dục và Đào tạo, "
    "Sở Thông tin và Truyền thông, Văn phòng UBND tỉnh, Sở Kế hoạch và Đầu tư"
)
STAFF = ("Cán bộ hỗ trợ Nguyễn Thu Hà", "Cán bộ hỗ trợ Lê Minh Tuấn", "Tổ hỗ trợ Sở TT&TT")
REPLIES = (
    "Đã đặt lại mật khẩu, anh/chị đăng nhập lại và đổi mật khẩu ngay nhé.",
    "Anh/chị gửi giúp ảnh chụp màn hình thông báo lỗi để bên em kiểm tra.",
    "Lỗi do phiên bản trình duyệt cũ; anh/chị cập nhật Chrome rồi thử lại.",
    "Bên em đã cấp lại quyền cho tài khoản của anh/chị.",
    "Đã gia hạn chứng thư số, anh/chị rút USB token ra cắm lại là ký được.",
    "Hệ thống bảo trì lúc 17h, đã hoạt động lại bình thường.",
)
POSTGRES = os.environ.get(
    "HELPDESK_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
BATCH = 5000  # rows per INSERT: far fewer round trips, bounded memory
URGENCY_WEIGHTS = {"normal": 80, "urgent": 15, "very_urgent": 5}
# Words staff type into the desk's search box, and what the benchmark's staff search sends.
SEARCHES = _listed(
    "mật khẩu, đăng nhập, chữ ký số, token, văn bản đến, không gửi được, họp trực tuyến, "
    "tài khoản, một cửa, hồ sơ, chứng thư, lỗi, phần mềm, trình ký"
)


@dataclass(frozen=True)
class Official:
    """A requester: who they are on a channel, and the unit and phone they give."""

    channel: str
    user_id: str
    name: str | None
    unit: str
    phone: str


@dataclass
class Seeded:
    """What was written; `examples` holds some tickets as they should read back (by code).

    `maker` goes on making tickets for the same officials, for escalations after the seeding.
    """

    tickets: int
    notes: int
    changes: int
    maker: TicketMaker
    per_requester: Counter[tuple[str, str]]
    examples: dict[str, tuple[NewTicket, str, list[str]]] = field(default_factory=dict)


class TicketMaker:
    """Plausible tickets: real questions of the knowledge base, from plausible officials."""

    def __init__(self, root: Path, officials: int, seed: int) -> None:
        """Questions from `root`'s knowledge base; `officials` requesters with skewed activity."""
        self.rng = random.Random(seed)
        kb = load(root / "knowledge_base")
        self.questions = [(a.software, q) for a in kb.articles.values() for q in a.questions]
        units = [form.format(place) for form in UNIT_FORMS for place in PLACES] + list(DEPARTMENTS)
        self.officials = [self._official(units) for _ in range(officials)]
        # Some officials ask far more often than most: at most 20 times as often as the least.
        self.activity = [min(20.0, self.rng.paretovariate(2.0)) for _ in self.officials]

    def _official(self, units: Sequence[str]) -> Official:
        rng = self.rng
        name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLES)} {rng.choice(GIVEN)}"
        if rng.random() < 0.7:
            channel, user_id = "telegram", str(rng.randrange(10**8, 8 * 10**9))
        else:
            channel, user_id = "web", f"web-{rng.getrandbits(96):024x}"
        phone = f"0{rng.choice('35789')}{rng.randrange(10**8):08d}"
        return Official(
            channel, user_id, name if rng.random() < 0.9 else None, rng.choice(units), phone
        )

    def ticket(self, official: Official) -> NewTicket:
        """What the assistant would send for one of the official's questions."""
        rng = self.rng
        software, question = rng.choice(self.questions)
        earlier = rng.choice(self.questions)[1]
        content = (
            f"{question}\n\nHội thoại gần đây:\nCán bộ: {earlier}\n"
            f"Trợ lý: (gợi ý một bài hướng dẫn)\nCán bộ: {question}\nCán bộ: chưa được, nhờ hỗ trợ."
        )
        urgency = rng.choices(list(URGENCY_WEIGHTS), list(URGENCY_WEIGHTS.values()))[0]
        return NewTicket(
            question[:300],
            content,
            official.unit,
            official.channel,
            official.user_id,
            official.name,
            official.phone,
            software,
            urgency,
        )

    def requesters(self, count: int) -> list[Official]:
        """`count` requesters, the active ones more often."""
        return self.rng.choices(self.officials, weights=self.activity, k=count)


def payload(new: NewTicket) -> dict[str, Any]:
    """A NewTicket as the JSON body of POST /api/v1/tickets."""
    requester = {"channel": new.requester_channel, "user_id": new.requester_id}
    if new.requester_name is not None:
        requester["name"] = new.requester_name
    body = {
        k: v
        for k, v in asdict(new).items()
        if not k.startswith("requester_") and not (k == "article" and v is None)
    }
    return {**body, "requester": requester}


def _history(rng: random.Random, age: timedelta) -> list[tuple[str, str | None]]:
    """(status, reply) steps after creation, older tickets further along; "" for no status."""
    days = age / timedelta(days=1)
    if days < 2:
        target = rng.choices(["new", "in_progress", "waiting_official"], [45, 35, 20])[0]
    elif days < 14:
        states = ["new", "in_progress", "waiting_official", "resolved", "closed"]
        target = rng.choices(states, [5, 20, 15, 40, 20])[0]
    else:
        target = rng.choices(["in_progress", "resolved", "closed"], [2, 25, 73])[0]
    path = ["in_progress", "waiting_official", "resolved", "closed"]
    if target != "waiting_official" and rng.random() < 0.7:
        path.remove("waiting_official")
    steps: list[tuple[str, str | None]] = []
    for status in path[: path.index(target) + 1] if target != "new" else []:
        if status in ("waiting_official", "resolved") or rng.random() < 0.2:
            steps.append(("", rng.choice(REPLIES)))
        steps.append((status, None))
    return steps


Event = tuple[datetime, int, str, str | None, str | None]  # at, ticket id, kind, status, reply


def seed(
    engine: Engine, count: int, officials: int = 20000, seed: int = 1, root: Path | None = None
) -> Seeded:
    """Write `count` tickets spread over two years up to now into the migrated, empty desk."""
    maker = TicketMaker(root or Path.cwd(), officials, seed)
    seeded = Seeded(count, 0, 0, maker, Counter())
    with engine.begin() as connection:
        events = _write_tickets(connection, maker, seeded)
        _write_changes(connection, sorted(events, key=lambda e: (e[0], e[1])), seeded)
        if connection.dialect.name == "postgresql":
            for table, column in (("tickets", "id"), ("notes", "id"), ("changes", "position")):
                sequence = f"pg_get_serial_sequence('{table}', '{column}')"
                connection.execute(
                    text(f"SELECT setval({sequence}, (SELECT max({column}) FROM {table}))")
                )
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:  # statistics, as autovacuum would gather after a while
            connection.execute(text("ANALYZE"))
    return seeded


def _write_tickets(connection: Connection, maker: TicketMaker, seeded: Seeded) -> list[Event]:
    """Tickets and their idempotency rows; returns every ticket's changes, not yet written."""
    rng, count = maker.rng, seeded.tickets
    levels = DeskSettings.construct().service_levels()  # the defaults, whatever the env says
    now, span = utc_now(), timedelta(days=730)
    every = max(1, count // 50)
    events: list[Event] = []
    for first in range(1, count + 1, BATCH):
        rows, keys = [], []
        requesters = maker.requesters(min(BATCH, count + 1 - first))
        for ticket_id, official in enumerate(requesters, first):
            new = maker.ticket(official)
            code = ticket_code(ticket_id)
            created = now - span + span * (ticket_id - rng.random()) / (count + 1)
            at, status, replies = created, "new", []
            events.append((created, ticket_id, "created", "new", None))
            for step, reply in _history(rng, now - created):
                at = min(now, at + timedelta(minutes=rng.uniform(10, 600)))
                events.append((at, ticket_id, "status" if step else "reply", step or None, reply))
                status = step or status
                replies += [reply] if reply else []
            rows.append(
                {
                    **vars(new),
                    "id": ticket_id,
                    "code": code,
                    "search": folded(f"{code}\n{new.summary}\n{new.content}"),
                    "status": status,
                    "deadline": created + levels[new.urgency],
                    "created_at": created,
                    "updated_at": at,
                }
            )
            key = f"seed-{ticket_id:08d}-{rng.getrandbits(64):016x}"
            keys.append({"key": key, "body_hash": new.fingerprint(), "ticket_id": ticket_id})
            seeded.per_requester[new.requester_channel, new.requester_id] += 1
            if ticket_id % every == 0:
                seeded.examples[code] = (new, status, replies)
        connection.execute(insert(tickets), rows)
        connection.execute(insert(idempotency), keys)
    return events


def _write_changes(connection: Connection, events: list[Event], seeded: Seeded) -> None:
    """Notes and changes, positions and note ids in time order across all tickets."""
    for first in range(0, len(events), BATCH):
        note_rows: list[dict[str, Any]] = []
        change_rows: list[dict[str, Any]] = []
        for at, ticket_id, kind, status, reply in events[first : first + BATCH]:
            seeded.changes += 1
            note_id, author = None, None if kind == "created" else STAFF[ticket_id % len(STAFF)]
            if reply is not None:
                seeded.notes += 1
                note_id = seeded.notes
                note = {"id": note_id, "ticket_id": ticket_id, "author": author, "text": reply}
                note_rows.append({**note, "created_at": at})
            change = {"position": seeded.changes, "kind": kind, "ticket_id": ticket_id, "at": at}
            change_rows.append({**change, "note_id": note_id, "status": status, "author": author})
        if note_rows:
            connection.execute(insert(notes), note_rows)
        connection.execute(insert(changes), change_rows)


@contextmanager
def desk_database(kind: str, folder: Path, postgres_url: str = POSTGRES) -> Iterator[str]:
    """The URL of an empty database: a fresh SQLite file, or a schema dropped afterwards."""
    if kind == "sqlite":
        files = [folder / name for name in ("desk.db", "desk.db-journal", "desk.db-wal")]
        for old in files:
            old.unlink(missing_ok=True)
        try:
            yield f"sqlite:///{files[0]}"
        finally:
            for old in files:
                old.unlink(missing_ok=True)
        return
    engine = create_engine(postgres_url, future=True)
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    with engine.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield f"{postgres_url}{'&' if '?' in postgres_url else '?'}options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


def postgres_answers(url: str) -> bool:
    """Whether a PostgreSQL server answers at `url`."""
    engine = create_engine(url, future=True)
    try:
        with engine.connect():
            return True
    except OperationalError:
        return False
    finally:
        engine.dispose()
