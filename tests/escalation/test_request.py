from bot.escalation.request import (
    MAX_CONTENT,
    TicketRequest,
    Turn,
    content,
    idempotency_key,
    payload,
    summary,
)


def request(
    description: str = "Không ký số được văn bản đi, máy báo lỗi chứng thư",
) -> TicketRequest:
    return TicketRequest(
        software="kyso",
        description=description,
        unit="UBND xã Tân Phú",
        phone="0912345678",
        channel="local",
        user_id="web-0123456789abcdef",
    )


def test_the_summary_is_the_description_shortened_at_a_word() -> None:
    assert summary("  Không   đăng nhập\nđược ") == "Không đăng nhập được"
    long = "chữ ký số " * 100
    shortened = summary(long)
    assert len(shortened) <= 200 and shortened.endswith("…")
    assert long.startswith(shortened[:-1])


def test_the_content_carries_the_description_then_the_recent_conversation() -> None:
    turns = [Turn(True, "quên mật khẩu"), Turn(False, "Anh/chị làm theo các bước sau")]
    text = content("Không đăng nhập được", turns)
    assert text.startswith("Không đăng nhập được\n\n")
    assert text.endswith("Cán bộ: quên mật khẩu\nTrợ lý: Anh/chị làm theo các bước sau")


def test_the_content_drops_the_oldest_turns_to_fit_and_keeps_the_description_whole() -> None:
    description = "mô tả " * 500
    turns = [Turn(True, f"tin nhắn {i} " + "x" * 3000) for i in range(10)]
    text = content(description, turns)
    assert len(text) <= MAX_CONTENT
    assert text.startswith(description)
    assert "tin nhắn 9 " in text and "tin nhắn 0 " not in text


def test_the_payload_follows_the_contract() -> None:
    body = payload(request(), [])
    assert body["requester"] == {"channel": "local", "user_id": "web-0123456789abcdef"}
    assert (body["phone"], body["software"], body["urgency"]) == ("0912345678", "kyso", "normal")
    assert body["summary"] == body["content"]


def test_the_same_message_gives_the_same_key_and_another_message_another() -> None:
    key = idempotency_key("local", "web-1", "msg-1")
    assert key == idempotency_key("local", "web-1", "msg-1")
    assert key != idempotency_key("local", "web-1", "msg-2")
    assert key != idempotency_key("telegram", "web-1", "msg-1")
    assert 8 <= len(key) <= 128
