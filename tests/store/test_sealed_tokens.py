"""Zalo's tokens sealed at rest under HELPDESK_STORE_KEY: never clear in the table, keys rotate,
a wrong key is refused in Vietnamese, and a process without a proper key does not start."""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import uvicorn
from cryptography.fernet import Fernet
from pydantic import SecretStr, ValidationError
from sqlalchemy import insert, select
from sqlalchemy.engine import Engine

from bot.channels.zalo.errors import TokenRefreshFailed
from bot.channels.zalo.settings import ZaloSettings
from bot.channels.zalo.tokens import TokenPair, TokenStore
from bot.settings import settings_problems
from bot.store.database import make_engine
from bot.store.schema import channel_tokens
from bot.store.sealing import Sealer, new_key
from tests.support.databases import migrated_store_url

ACCESS, REFRESH = "access-token-in-clear-0001", "refresh-token-in-clear-0001"
WHEN = datetime(2026, 5, 1, 8, 0)


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated store: a SQLite file, then a PostgreSQL schema."""
    for url in migrated_store_url(request.param, tmp_path):
        made = make_engine(url)
        yield made
        made.dispose()


def stored(engine: Engine) -> tuple[str, str, int]:
    """The row as the table holds it: what someone reading the database or a backup gets."""
    with engine.connect() as connection:
        row = connection.execute(select(channel_tokens)).one()
    return row.access_token, row.refresh_token, row.version


def clear_row(engine: Engine, version: int = 3) -> None:
    """A row written before the tokens were sealed."""
    with engine.begin() as connection:
        connection.execute(
            insert(channel_tokens).values(
                channel="zalo",
                access_token=ACCESS,
                refresh_token=REFRESH,
                expires_at=WHEN,
                version=version,
                updated_at=WHEN,
            )
        )


def test_the_table_never_holds_the_clear_tokens(engine: Engine) -> None:
    store = TokenStore(engine, sealer=Sealer(new_key()))
    store.seed(ACCESS, REFRESH, WHEN)
    first = stored(engine)
    assert not {ACCESS, REFRESH} & set(first[:2])
    fresh = TokenPair("access-token-in-clear-0002", "refresh-token-in-clear-0002", WHEN, 2)
    assert store.replace(1, fresh, WHEN)

    access, refresh, version = stored(engine)
    assert version == 2
    assert not any(
        clear in sealed
        for clear in (fresh.access_token, fresh.refresh_token)
        for sealed in (access, refresh)
    )
    pair = store.read()
    assert pair is not None
    assert (pair.access_token, pair.refresh_token) == (fresh.access_token, fresh.refresh_token)


def test_a_row_written_in_clear_is_read_once_then_sealed(engine: Engine) -> None:
    clear_row(engine)
    key = new_key()

    pair = TokenStore(engine, sealer=Sealer(key)).read()

    assert pair is not None and (pair.access_token, pair.refresh_token) == (ACCESS, REFRESH)
    access, refresh, version = stored(engine)
    assert version == 3  # the same pair: sealing it is no refresh
    opened = [Fernet(key.encode()).decrypt(value.encode()).decode() for value in (access, refresh)]
    assert opened == [ACCESS, REFRESH]


def test_a_new_key_reads_what_the_old_one_sealed_and_seals_it_anew(engine: Engine) -> None:
    old, new = new_key(), new_key()
    TokenStore(engine, sealer=Sealer(old)).seed(ACCESS, REFRESH, WHEN)

    pair = TokenStore(engine, sealer=Sealer(new, [old])).read()

    assert pair is not None and pair.access_token == ACCESS
    access, _, _ = stored(engine)
    assert Fernet(new.encode()).decrypt(access.encode()).decode() == ACCESS
    # The old key may go now: the new one alone reads the row.
    again = TokenStore(engine, sealer=Sealer(new)).read()
    assert again is not None and again.refresh_token == REFRESH


def test_a_wrong_key_is_refused_in_vietnamese_and_the_row_left_as_it_was(engine: Engine) -> None:
    TokenStore(engine, sealer=Sealer(new_key())).seed(ACCESS, REFRESH, WHEN)
    before = stored(engine)

    with pytest.raises(TokenRefreshFailed) as refused:
        TokenStore(engine, sealer=Sealer(new_key())).read()

    message = str(refused.value)
    assert message.startswith("HELPDESK_STORE_KEY: khóa này không mở được mã truy cập Zalo")
    assert "HELPDESK_STORE_OLD_KEYS" in message
    assert ACCESS not in message and REFRESH not in message
    assert stored(engine) == before


ZALO = {
    "HELPDESK_ZALO_APP_ID": "1234567890123456789",
    "HELPDESK_ZALO_OA_SECRET_KEY": "oa-secret",
    "HELPDESK_ZALO_APP_SECRET_KEY": "app-secret",
}
# Shaped right, but 32 equal bytes: a placeholder, not a key.
WEAK = base64.urlsafe_b64encode(b"\x07" * 32).decode()
# Fixed, well-mixed keys: parametrize values must be the same in every test worker.
GOOD = base64.urlsafe_b64encode(bytes(range(3, 99, 3))).decode()
OTHER = base64.urlsafe_b64encode(bytes(range(7, 231, 7))).decode()


@pytest.fixture
def zalo_environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """Zalo turned on, nothing else set."""
    for name in list(os.environ):
        if name.startswith("HELPDESK_"):
            monkeypatch.delenv(name)
    for name, value in ZALO.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


@pytest.mark.parametrize(
    ("key", "old", "reason"),
    [
        (None, None, "HELPDESK_STORE_KEY: chưa được đặt; biến này là bắt buộc."),
        ("mat-khau-cua-toi", None, "HELPDESK_STORE_KEY: không đúng dạng khóa"),
        (WEAK, None, "HELPDESK_STORE_KEY: quá yếu"),
        (GOOD, f"{OTHER},{WEAK}", "HELPDESK_STORE_OLD_KEYS: khóa cũ thứ 2 quá yếu"),
    ],
)
def test_zalo_needs_a_proper_store_key_named_by_its_variable(
    zalo_environment: pytest.MonkeyPatch, key: str | None, old: str | None, reason: str
) -> None:
    if key is not None:
        zalo_environment.setenv("HELPDESK_STORE_KEY", key)
    if old is not None:
        zalo_environment.setenv("HELPDESK_STORE_OLD_KEYS", old)
    with pytest.raises(ValidationError) as refused:
        ZaloSettings()  # type: ignore[call-arg]  # from the environment
    [line] = settings_problems(refused.value)
    assert line.startswith(reason)
    assert not any(secret in line for secret in (key or "-", WEAK))


def test_a_good_key_and_old_keys_are_taken(zalo_environment: pytest.MonkeyPatch) -> None:
    current, old = new_key(), new_key()
    zalo_environment.setenv("HELPDESK_STORE_KEY", f" {current} ")
    zalo_environment.setenv("HELPDESK_STORE_OLD_KEYS", f"{old}, ")
    settings = ZaloSettings()  # type: ignore[call-arg]  # from the environment
    assert settings.store_key == SecretStr(current) and settings.old_keys() == [old]
    assert current not in repr(settings)


def test_the_gateway_with_zalo_and_a_weak_key_stops_naming_the_variable(
    zalo_environment: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    served: list[object] = []
    zalo_environment.setattr(uvicorn.Server, "run", lambda *a, **k: served.append(a))
    zalo_environment.setenv("HELPDESK_DATABASE_URL", f"sqlite:///{tmp_path / 'helpdesk.db'}")
    zalo_environment.setenv("HELPDESK_STORE_KEY", WEAK)
    zalo_environment.setenv("HELPDESK_RASA_CHANNEL_TOKEN", "c" * 32)  # read before Zalo's
    from bot.cli.main import main

    assert main(["gateway"]) == 1

    errors = capsys.readouterr().err
    assert "HELPDESK_STORE_KEY: quá yếu" in errors and WEAK not in errors
    assert served == []
