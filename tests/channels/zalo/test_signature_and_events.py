"""The webhook signature and reading events off Zalo's JSON."""

from __future__ import annotations

import hashlib

import pytest

from bot.channels.zalo.events import Kind, parse_event
from bot.channels.zalo.signature import sign, verify
from tests.channels.zalo.conftest import OA_SECRET, USER, signed, text_event
from tests.channels.zalo.fake_zalo import APP_ID

STAMP = "1735689600000"


def test_the_signature_is_the_sha256_of_app_id_body_timestamp_and_key() -> None:
    raw = b'{"timestamp":"1735689600000"}'
    material = APP_ID.encode() + raw + b"1735689600000" + OA_SECRET.encode()
    assert sign(APP_ID, raw, "1735689600000", OA_SECRET) == (
        "mac=" + hashlib.sha256(material).hexdigest()
    )


def test_a_signed_event_verifies_and_any_change_breaks_it() -> None:
    raw, header = signed(text_event("xin chào", "m1", timestamp=STAMP))
    assert verify(APP_ID, raw, "1735689600000", OA_SECRET, header)
    assert verify(APP_ID, raw, "1735689600000", OA_SECRET, header.upper().replace("MAC=", "mac="))
    assert not verify(APP_ID, raw + b" ", "1735689600000", OA_SECRET, header)
    assert not verify(APP_ID, raw, "1735689600001", OA_SECRET, header)
    assert not verify(APP_ID, raw, "1735689600000", "another-key", header)
    assert not verify("42", raw, "1735689600000", OA_SECRET, header)


@pytest.mark.parametrize(
    "header", [None, "", "mac=", "mac=00", "sha256=abc", "mac=" + "é" * 64, "mac=\x00"]
)
def test_missing_or_malformed_signatures_do_not_verify(header: str | None) -> None:
    raw, _ = signed(text_event("xin chào", "m1", timestamp=STAMP))
    assert not verify(APP_ID, raw, "1735689600000", OA_SECRET, header)


def test_a_text_event_names_its_sender_message_and_time() -> None:
    event = parse_event(text_event("Không ký số được", "msg-1", timestamp=STAMP))
    assert (event.name, event.user_id, event.msg_id, event.text) == (
        "user_send_text",
        USER,
        "msg-1",
        "Không ký số được",
    )
    assert event.timestamp == "1735689600000" and event.kind is Kind.TEXT
    assert event.update_id == "msg-1"


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("user_send_image", Kind.OTHER_MESSAGE),
        ("user_send_sticker", Kind.OTHER_MESSAGE),
        ("user_send_file", Kind.OTHER_MESSAGE),
        ("user_send_audio", Kind.OTHER_MESSAGE),
        ("user_seen_message", Kind.IGNORED),
        ("user_received_message", Kind.IGNORED),
        ("oa_send_text", Kind.IGNORED),
        ("something_new", Kind.IGNORED),
    ],
)
def test_other_events_keep_their_name(name: str, kind: Kind) -> None:
    body = text_event("", "m2")
    body["event_name"] = name
    body["message"] = {"msg_id": "m2", "attachments": [{"type": "image", "payload": {}}]}
    event = parse_event(body)
    assert (event.name, event.kind, event.text) == (name, kind, None)


@pytest.mark.parametrize("name", ["follow", "unfollow"])
def test_follow_events_name_the_follower_and_are_claimed_by_time(name: str) -> None:
    body = {
        "oa_id": "3886132808788086450",
        "follower": {"id": USER},
        "event_name": name,
        "timestamp": 1735689600000,
        "app_id": APP_ID,
    }
    event = parse_event(body)
    assert event.user_id == USER and event.kind.value == name
    assert event.update_id == f"{name}:{USER}:1735689600000"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"event_name": "user_send_text"},
        {"event_name": "user_send_text", "sender": "x", "message": []},
        {"event_name": "user_send_text", "sender": {"id": "a b"}, "message": {"text": "x"}},
        {"event_name": "user_send_text", "sender": {"id": True}, "message": {"text": 1}},
        {"event_name": 7, "sender": {"id": "1" * 65}, "timestamp": None},
    ],
)
def test_events_without_a_usable_user_are_ignored(body: dict[str, object]) -> None:
    assert parse_event(body).kind is Kind.IGNORED


def test_long_ids_are_hashed_to_fit_the_claims_table() -> None:
    event = parse_event(text_event("x", "m" * 500))
    assert len(event.update_id) <= 128 and event.update_id.startswith("sha256:")
