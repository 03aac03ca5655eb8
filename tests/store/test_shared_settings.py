"""HELPDESK_REDIS_URL: taken as given, or refused in Vietnamese without being shown."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.settings import say, settings_problems
from bot.store.shared_settings import SharedStateSettings, redis_address


@pytest.fixture(autouse=True)
def no_redis_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HELPDESK_REDIS_URL", raising=False)


@pytest.mark.parametrize(
    "address",
    [
        "redis://127.0.0.1:6379/0",
        "rediss://helpdesk:mật-khẩu@redis.tinh.gov.vn:6380/2",
        "unix:///run/redis.sock",
    ],
)
def test_a_redis_address_is_taken_as_given(address: str) -> None:
    assert redis_address(f" {address} ") == address
    assert SharedStateSettings(redis_url=address).redis_url == address


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1:6379",
        "http://127.0.0.1:6379",
        "redis://",
        "redis://h:99999",
        "redis://h:cổng",
        "unix://",
    ],
)
def test_a_malformed_redis_address_is_refused_in_vietnamese_without_showing_it(
    address: str,
) -> None:
    with pytest.raises(ValidationError) as refusal:
        SharedStateSettings(redis_url=address)

    assert settings_problems(refusal.value) == ["HELPDESK_REDIS_URL: " + say("problems.redis_url")]
    assert "redis://" in say("problems.redis_url")


def test_a_blank_redis_address_means_no_redis() -> None:
    assert SharedStateSettings(redis_url="  ").redis_url is None
    assert SharedStateSettings().redis_url is None
