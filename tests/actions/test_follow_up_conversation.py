"""A conversation with the trained assistant and its real action server: a question, then two
follow-ups that only the answer before them makes clear."""

from pathlib import Path

import pytest

from bot.assistant.runtime import LocalAssistant

pytestmark = pytest.mark.slow


async def test_a_three_turn_conversation_with_two_follow_ups_reaches_the_right_articles(
    root: Path, model: Path
) -> None:
    async with LocalAssistant(model, root=root) as assistant:
        first = await assistant.ask("cho hỏi văn bản đến điện tử qua liên thông nhận ở đâu", "f1")
        paper = await assistant.ask("thế còn bản giấy?", "f1")
        step = await assistant.ask("bước 3 là sao?", "f1")
        # The same step question in a conversation of its own has no article to refer to.
        alone = await assistant.ask("bước 3 là sao?", "f2")

    assert (first.kind, first.article) == ("answer", "qlvb.vb_den_dien_tu")
    assert (paper.kind, paper.article) == ("answer", "qlvb.vb_den_giay")
    assert (step.kind, step.article) == ("answer", "qlvb.vb_den_giay")
    assert step.text.startswith("Bước 3 trong hướng dẫn «Tiếp nhận văn bản đến bằng giấy")
    assert alone.kind != "answer"
    # The first answer offers its declared follow-ups as buttons, the paper article among them.
    payloads = [b["payload"] for m in first.messages for b in m.get("buttons") or []]
    assert "/kb_qlvb__vb_den_giay" in payloads


async def test_a_follow_up_naming_no_software_is_read_in_the_software_just_answered(
    root: Path, model: Path
) -> None:
    async with LocalAssistant(model, root=root) as assistant:
        first = await assistant.ask("hướng dẫn tôi ký số văn bản trên qlvb với", "k1")
        phone = await assistant.ask("còn trên điện thoại?", "k1")
        expired = await assistant.ask("thế nếu hết hạn thì sao", "k1")

    assert (first.kind, first.article) == ("answer", "kyso.ky_van_ban")
    assert (phone.kind, phone.article) == ("answer", "kyso.di_dong")
    assert (expired.kind, expired.article) == ("answer", "kyso.het_han")
