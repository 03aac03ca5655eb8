from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import services
from actions.ticket_form import (
    ActionAskTicketConfirm,
    ActionAskTicketDescription,
    ActionAskTicketSoftware,
    ValidateTicketForm,
    match_software,
)
from tests.actions.conftest import make_tracker

LABELS = {
    "qlvb": "Quản lý văn bản",
    "kyso": "Chữ ký số",
    "vpdt": "Văn phòng điện tử",
    "email": "Thư điện tử",
    "chung": "Câu hỏi chung",
}


@pytest.fixture(autouse=True)
def software_labels(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "software_labels", lambda: LABELS)


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("Chữ ký số", "kyso"),
        ("chu ky so", "kyso"),
        ("ký số", "kyso"),
        ("QUẢN LÝ VĂN BẢN", "qlvb"),
        ("email", "email"),
        ("phần mềm quản lý văn bản", "qlvb"),
        ("điện tử", None),  # two softwares have it
        ("abc", None),
        ("", None),
    ],
)
def test_software_is_matched_by_label_key_or_words_when_unambiguous(
    typed: str, key: str | None
) -> None:
    assert match_software(typed, LABELS) == key


async def run_validation(
    slot: str, text: str, intent: str = "inform", **slots: Any
) -> tuple[dict[str, Any], list[str]]:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(intent, text=text, requested_slot=slot, **slots)
    validate = getattr(ValidateTicketForm(), f"validate_{slot}")
    result = validate(text, dispatcher, tracker, {})
    return result, [m["response"] for m in dispatcher.messages]


@pytest.mark.parametrize(
    ("slot", "text", "intent", "slots", "expected", "said"),
    [
        ("ticket_software", "Chữ ký số", "inform", {}, "kyso", []),
        ("ticket_software", "máy in", "inform", {}, None, ["utter_invalid_ticket_software"]),
        (
            "ticket_description",
            "/affirm",
            "affirm",
            {"ticket_proposal": "lỗi ký số"},
            "lỗi ký số",
            [],
        ),
        (
            "ticket_description",
            "Không mở được văn bản đến trên điện thoại",
            "inform",
            {"ticket_proposal": "lỗi ký số"},
            "Không mở được văn bản đến trên điện thoại",
            [],
        ),
        ("ticket_description", "/affirm", "affirm", {}, None, ["utter_invalid_ticket_description"]),
        ("ticket_description", "lỗi", "inform", {}, None, ["utter_invalid_ticket_description"]),
        ("ticket_description", "   ", "inform", {}, None, ["utter_invalid_ticket_description"]),
        (
            "ticket_description",
            "lỗi " * 5000,
            "inform",
            {},
            None,
            ["utter_ticket_description_too_long"],
        ),
        ("ticket_unit", "  UBND xã   Tân Phú ", "inform", {}, "UBND xã Tân Phú", []),
        ("ticket_unit", "x", "inform", {}, None, ["utter_invalid_ticket_unit"]),
        ("ticket_unit", "đơn vị " * 100, "inform", {}, None, ["utter_invalid_ticket_unit"]),
        ("ticket_phone", "+84 912 345 678", "inform", {}, "0912345678", []),
        ("ticket_phone", "091234", "inform", {}, None, ["utter_invalid_ticket_phone"]),
        (
            "ticket_phone",
            "'; DROP TABLE tickets;--",
            "inform",
            {},
            None,
            ["utter_invalid_ticket_phone"],
        ),
        ("ticket_confirm", "/affirm", "affirm", {}, "yes", []),
        ("ticket_confirm", "gì vậy", "inform", {}, None, ["utter_invalid_ticket_confirm"]),
    ],
)
async def test_each_answer_is_kept_or_explained_and_asked_again(
    slot: str,
    text: str,
    intent: str,
    slots: dict[str, Any],
    expected: str | None,
    said: list[str],
) -> None:
    result, responses = await run_validation(slot, text, intent, **slots)
    assert result[slot] == expected
    assert responses == said


async def test_markup_and_sql_in_a_description_are_kept_as_written() -> None:
    text = "<script>alert(1)</script> lỗi '; DROP TABLE tickets;-- khi ký"
    result, responses = await run_validation("ticket_description", text)
    assert (result["ticket_description"], responses) == (text, [])


async def test_rewriting_at_the_summary_asks_again_and_offers_the_old_description() -> None:
    result, responses = await run_validation(
        "ticket_confirm",
        "/deny",
        "deny",
        ticket_description="Không ký số được",
        ticket_unit="UBND xã Tân Phú",
        ticket_phone="0912345678",
    )
    assert result == {
        "ticket_confirm": None,
        "ticket_proposal": "Không ký số được",
        "ticket_description": None,
        "ticket_unit": None,
        "ticket_phone": None,
    }
    assert responses == ["utter_ticket_edit"]


async def test_the_software_question_has_one_button_per_software() -> None:
    dispatcher = CollectingDispatcher()
    await ActionAskTicketSoftware().run(dispatcher, make_tracker("affirm"), {})
    (message,) = dispatcher.messages
    assert message["response"] == "utter_ask_ticket_software"
    assert [b["payload"] for b in message["buttons"]] == list(LABELS.values())


@pytest.mark.parametrize(
    ("proposal", "response"),
    [
        ("lỗi ký số", "utter_ask_ticket_description_proposed"),
        (None, "utter_ask_ticket_description"),
    ],
)
async def test_the_description_question_proposes_the_last_question_when_there_is_one(
    proposal: str | None, response: str
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("inform", ticket_proposal=proposal)
    await ActionAskTicketDescription().run(dispatcher, tracker, {})
    assert [m["response"] for m in dispatcher.messages] == [response]


async def test_the_summary_shows_what_will_be_sent() -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "inform",
        ticket_software="kyso",
        ticket_description="Không ký số được",
        ticket_unit="UBND xã Tân Phú",
        ticket_phone="0912345678",
    )
    await ActionAskTicketConfirm().run(dispatcher, tracker, {})
    (message,) = dispatcher.messages
    assert message["response"] == "utter_ask_ticket_confirm"
    assert {k: message[k] for k in ("software", "description", "unit", "phone")} == {
        "software": "Chữ ký số",
        "description": "Không ký số được",
        "unit": "UBND xã Tân Phú",
        "phone": "0912 345 678",
    }
