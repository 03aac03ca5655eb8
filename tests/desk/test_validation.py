from collections.abc import Callable
from datetime import datetime

import pytest

from bot.desk import validation
from bot.desk.validation import InvalidInput
from tests.desk.conftest import ticket_body


def field_of(call: Callable[..., object], *args: object) -> str:
    with pytest.raises(InvalidInput) as refused:
        call(*args)
    return refused.value.field


def test_a_valid_body_becomes_a_new_ticket_with_normal_urgency_by_default() -> None:
    body = ticket_body()
    del body["urgency"]
    new = validation.new_ticket(body)
    assert new.urgency == "normal"
    assert new.requester_name == "Nguyễn Văn A"
    assert new.phone == "0912345678"


def test_the_requester_name_is_optional() -> None:
    new = validation.new_ticket(ticket_body(requester={"channel": "zalo", "user_id": "z1"}))
    assert new.requester_name is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"phone": "912345678"}, "phone"),
        ({"phone": "09123456789"}, "phone"),
        ({"phone": "+84912345678"}, "phone"),
        ({"phone": "0912345678\n"}, "phone"),
        ({"phone": "０９１２３４５６７８"}, "phone"),  # full-width digits
        ({"phone": 912345678}, "phone"),
        ({"summary": ""}, "summary"),
        ({"summary": "   "}, "summary"),
        ({"summary": "x" * 301}, "summary"),
        ({"content": "x" * 20001}, "content"),
        ({"content": ["a list"]}, "content"),
        ({"content": "nul \x00 inside"}, "content"),
        ({"content": "lone \ud800 surrogate"}, "content"),
        ({"unit": None}, "unit"),
        ({"unit": "x" * 201}, "unit"),
        ({"software": ""}, "software"),
        ({"software": "x" * 21}, "software"),
        ({"urgency": "asap"}, "urgency"),
        ({"urgency": None}, "urgency"),
        ({"requester": "web"}, "requester"),
        ({"requester": {"user_id": "u1"}}, "requester.channel"),
        ({"requester": {"channel": "web", "user_id": 7}}, "requester.user_id"),
        ({"requester": {"channel": "web", "user_id": "u1", "name": "x" * 121}}, "requester.name"),
    ],
)
def test_each_bad_field_is_named(changes: dict[str, object], field: str) -> None:
    assert field_of(validation.new_ticket, ticket_body(**changes)) == field


@pytest.mark.parametrize("name", ["summary", "content", "unit", "requester", "phone", "software"])
def test_each_required_field_is_named_when_missing(name: str) -> None:
    body = ticket_body()
    del body[name]
    assert field_of(validation.new_ticket, body) == name


@pytest.mark.parametrize("body", [None, [], "text", 42])
def test_a_body_that_is_not_an_object_is_refused(body: object) -> None:
    assert field_of(validation.new_ticket, body) == "body"
    assert field_of(validation.reply, body) == "body"
    assert field_of(validation.status_change, body) == "body"


def test_the_longest_content_allowed_is_20000_characters() -> None:
    assert len(validation.new_ticket(ticket_body(content="ệ" * 20000)).content) == 20000


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"author": "Cán bộ", "text": ""}, "text"),
        ({"author": "Cán bộ", "text": "x" * 4001}, "text"),
        ({"text": "Đã xử lý"}, "author"),
        ({"author": "x" * 121, "text": "Đã xử lý"}, "author"),
    ],
)
def test_bad_replies_name_the_field(body: dict[str, object], field: str) -> None:
    assert field_of(validation.reply, body) == field


def test_a_status_must_be_one_of_the_contract() -> None:
    assert validation.status_change({"status": "resolved", "author": "B"}) == ("resolved", "B")
    assert field_of(validation.status_change, {"status": "done", "author": "B"}) == "status"
    assert field_of(validation.status_change, {"status": "closed"}) == "author"


@pytest.mark.parametrize("key", [None, "short", "x" * 129, "tab\tin-the-key", "nul\x00in-the-key"])
def test_idempotency_keys_need_8_to_128_characters_and_no_control_ones(key: str | None) -> None:
    assert field_of(validation.idempotency_key, key) == "Idempotency-Key"


def test_idempotency_keys_may_be_any_other_text() -> None:
    for key in ("0b9f6c1e-6f7d-4c4e-9d47-5d2f0b3f8a11", "x" * 128, "đợt 1 / lần 2"):
        assert validation.idempotency_key(key) == key


def test_list_filters_are_read_and_empty_ones_ignored() -> None:
    wanted = validation.ticket_filter(
        {
            "status": "new",
            "unit": "",
            "q": "  mật   khẩu ",
            "updated_since": "2025-01-31T08:00:00+07:00",
            "limit": "10",
            "offset": "20",
        }
    )
    assert wanted.status == "new"
    assert wanted.unit is None
    assert wanted.words == ("mật", "khẩu")
    assert wanted.updated_since == datetime(2025, 1, 31, 1, 0)
    assert (wanted.limit, wanted.offset) == (10, 20)


@pytest.mark.parametrize(
    "value",
    [
        "2025-01-31T08:00:00Z",
        "2025-01-31T08:00:00.000Z",
        "2025-01-31T15:00:00+07:00",
        "2025-01-31T15:00:00 07:00",  # an unencoded "+"
        "2025-01-31 08:00",
    ],
)
def test_updated_since_takes_rfc_3339_times(value: str) -> None:
    assert validation.ticket_filter({"updated_since": value}).updated_since == datetime(
        2025, 1, 31, 8
    )


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"status": "open"}, "status"),
        ({"limit": "0"}, "limit"),
        ({"limit": "201"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"limit": "1_0"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"updated_since": "yesterday"}, "updated_since"),
        ({"updated_since": "2025-02-30T00:00:00Z"}, "updated_since"),
        ({"unit": "a\x00b"}, "unit"),
    ],
)
def test_bad_list_parameters_name_the_parameter(query: dict[str, str], field: str) -> None:
    assert field_of(validation.ticket_filter, query) == field


def test_the_change_window_defaults_to_the_start_and_100() -> None:
    assert validation.change_window({}) == (0, 100)
    assert validation.change_window({"after": "7", "limit": "500"}) == (7, 500)
    assert field_of(validation.change_window, {"limit": "501"}) == "limit"
    assert field_of(validation.change_window, {"after": "-3"}) == "after"
