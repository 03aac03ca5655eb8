"""The trainers' parts on their own: pending confirmations, file names, long reports."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.channels.telegram.trainers.files import accepted, file_base_url, plain_name
from bot.channels.telegram.trainers.pending import PENDING_SECONDS, PendingConfirmations
from bot.channels.telegram.trainers.report import MAX_PROBLEMS, clip, problems
from bot.gateway.app import create_app
from bot.gateway.settings import GatewaySettings
from bot.kb.importing import Problem
from bot.store.database import make_engine
from bot.store.shared_sql import SqlState
from bot.store.shared_state import SharedState
from bot.texts import texts
from tests.channels.telegram.fakes import Gateway, fast_limiter, running_gateway
from tests.channels.telegram.trainers.fakes import (
    TrainerTelegram,
    buttons,
    document_update,
    press,
    said,
)
from tests.kb.workbooks import cell, edited, exported
from tests.support.shared_states import BACKENDS, shared_state_on


def new_note(sheet: Any) -> None:
    cell(sheet, "qlvb.dang_nhap", "note").value = "Lưu ý mới."


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(params=BACKENDS)
async def shared(
    request: pytest.FixtureRequest, tmp_path: Path, clock: Clock
) -> AsyncIterator[SharedState]:
    """The gateways' shared state, on each backend."""
    async with shared_state_on(request.param, tmp_path, clock) as found:
        yield found


async def test_a_confirmation_is_taken_once_with_its_own_token_only(shared: SharedState) -> None:
    pending = PendingConfirmations(shared)
    first = await pending.put(1, {"n": "a"})
    second = await pending.put(1, {"n": "b"})  # replaces "a"

    assert await pending.take(1, first) is None
    assert await pending.take(2, second) is None
    assert await pending.take(1, "ünïcode") is None
    assert await pending.take(1, second) == {"n": "b"}
    assert await pending.take(1, second) is None


async def test_a_listing_is_read_without_being_taken_and_apart_from_confirmations(
    shared: SharedState,
) -> None:
    pending = PendingConfirmations(shared)
    listings = pending.beside("trainer-review", 60)
    listed = await listings.put(1, {"groups": [["k", None]]})
    asked = await pending.put(1, {"n": "a"})

    assert await listings.peek(1, listed) == {"groups": [["k", None]]}
    assert await listings.peek(1, listed) == {"groups": [["k", None]]}
    assert await listings.peek(1, asked) is None
    assert await pending.take(1, asked) == {"n": "a"}
    assert await listings.peek(1, listed) is not None


async def test_two_presses_at_once_on_two_gateways_act_once(shared: SharedState) -> None:
    token = await PendingConfirmations(shared).put(7, {"n": "a"})
    gateways = [PendingConfirmations(shared) for _ in range(4)]

    taken = await asyncio.gather(*(gateway.take(7, token) for gateway in gateways))

    assert sorted(taken, key=str) == [None, None, None, {"n": "a"}]


async def test_a_confirmation_expires(tmp_path: Path, clock: Clock) -> None:
    async with shared_state_on("sqlite", tmp_path, clock) as shared:
        pending = PendingConfirmations(shared)
        token = await pending.put(1, {"n": "a"})
        other = await pending.put(2, {"n": "b"})

        clock.now += PENDING_SECONDS - 1
        assert await pending.take(2, other) == {"n": "b"}
        clock.now += 1
        assert await pending.take(1, token) is None
        assert pending.ttl_minutes == 30


async def test_a_press_after_the_time_limit_is_explained_and_publishes_nothing(
    clock: Clock,
    trainer_settings: GatewaySettings,
    fake_telegram: TrainerTelegram,
    project: Path,
    state: Path,
    tmp_path: Path,
) -> None:
    source = exported(project / "knowledge_base", tmp_path / "exported.xlsx")
    data = edited(source, tmp_path / "kho.xlsx", new_note).read_bytes()
    engine = make_engine(trainer_settings.database_url)
    shared = SqlState(engine, clock=clock)
    app = create_app(trainer_settings, rate_limiter=fast_limiter(), state=shared)
    try:
        async with running_gateway(app) as trainer_gateway:
            await trainer_gateway.post_update(document_update(fake_telegram, data, "kho.xlsx"))
            clock.now += PENDING_SECONDS + 1

            await press(trainer_gateway, buttons(fake_telegram)["Xuất bản"])
    finally:
        engine.dispose()

    assert said(fake_telegram)[-1] == texts("bot.channels.telegram").say(
        "trainer.expired", minutes=30
    )
    assert not (state / "kb").exists()


async def test_a_file_with_no_changes_asks_nothing(
    trainer_gateway: Gateway, fake_telegram: TrainerTelegram, project: Path, tmp_path: Path
) -> None:
    data = exported(project / "knowledge_base", tmp_path / "kho.xlsx").read_bytes()

    await trainer_gateway.post_update(document_update(fake_telegram, data, "kho.xlsx"))

    assert said(fake_telegram) == [
        "Không có thay đổi nào so với kho đang dùng (bản gốc trong mã nguồn)."
    ]
    assert buttons(fake_telegram) == {}


@pytest.mark.parametrize(
    ("given", "name", "ok"),
    [
        ("kho.xlsx", "kho.xlsx", True),
        ("Kho tri thức.XLSX", "Kho tri thức.XLSX", True),
        ("../../etc/kho.csv", "kho.csv", True),
        ("C:\\Users\\lan\\kho.yaml", "kho.yaml", True),
        ("kho\x00.yml", "kho.yml", True),
        (".xlsx", ".xlsx", False),
        ("kho.pdf", "kho.pdf", False),
        (None, "", False),
        ("a" * 300 + ".xlsx", "a" * 95 + ".xlsx", True),
    ],
)
def test_file_names_are_reduced_to_a_plain_name_and_judged_by_kind(
    given: str | None, name: str, ok: bool
) -> None:
    assert plain_name(given) == name
    assert accepted(plain_name(given)) is ok


def test_files_are_downloaded_from_the_bot_apis_own_server() -> None:
    assert file_base_url("https://api.telegram.org/bot") == "https://api.telegram.org/file/bot"
    assert file_base_url("http://127.0.0.1:8081/bot") == "http://127.0.0.1:8081/file/bot"
    assert file_base_url("http://elsewhere/") == "https://api.telegram.org/file/bot"


def test_a_file_with_many_problems_shows_the_first_ones_and_counts_them_all() -> None:
    found = [Problem("chưa có nội dung", row, "title") for row in range(2, 102)]

    text = problems(found, "kho.xlsx")

    lines = text.splitlines()
    assert lines[0] == "Dòng 2, cột «Tiêu đề»: chưa có nội dung"
    assert len(lines) == MAX_PROBLEMS + 2
    assert lines[-2] == texts("bot.channels.telegram").say(
        "trainer.more_problems", count=100 - MAX_PROBLEMS
    )
    assert lines[-1].startswith("Tệp kho.xlsx có 100 lỗi, chưa có gì được cập nhật.")


def test_a_long_report_is_cut_at_a_line_and_says_so() -> None:
    text = "\n".join(f"dòng {n}" for n in range(5000))

    cut = clip(text, 1000)

    assert len(cut) <= 1000 + len(texts("bot.channels.telegram").say("trainer.truncated")) + 1
    assert cut.endswith("\n" + texts("bot.channels.telegram").say("trainer.truncated"))
    assert cut.splitlines()[-2].startswith("dòng ")
    assert clip("ngắn") == "ngắn"
