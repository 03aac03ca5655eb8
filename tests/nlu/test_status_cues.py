"""The shape of a status question: a ticket code, or a request and how far it got."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.kb import loader
from bot.nlu.status_cues import status_cues

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "text",
    [
        "HT-000781 sao rồi",
        "ht 000533 xong chưa ad",
        "ma phieu ht000812 xong chua",
        "tôi có mã CHO-000012, phiếu đã gửi đi chưa",
        "phiếu số 21 của tôi đã có kết quả chưa",
        "cái lỗi ký số e báo hôm trc xong chưa ad",
        "Lỗi máy không nhận token tôi báo tuần trước giờ xử lý đến đâu rồi?",
        "yeu cau ho tro toi gui sang nay co tien trien gi chua",
        "phiếu của tôi có ai nhận chưa ạ",
        "hộp thư đầy mà tôi đã báo từ thứ hai, bên kỹ thuật xử lý chưa",
        "cái ticket lỗi đăng nhập của em sao rồi ạ",
        "em nhờ chuyển yêu cầu cho kỹ thuật hôm qua, yêu cầu đó tới đâu rồi",
        # A ticket code is about the ticket even beside a how-to ("có cách nào").
        "HT-000412 chưa ai nhận, có cách nào giục không",
        "yêu cầu hỗ trợ tôi gửi hôm thứ hai đến giờ vẫn chưa ai liên hệ lại",
    ],
)
def test_a_question_about_a_ticket_is_recognised(text: str) -> None:
    assert status_cues().asks_status(text)


@pytest.mark.parametrize(
    "text",
    [
        # "cho" followed by a number is "for", not a code.
        "e gửi nhầm vb cho 3 đv r, thu hồi ntn ạ",
        # "yêu cầu" as a verb, "ra sao" asking how.
        "ho so thieu giay to thi can bo mot cua yeu cau bo sung ra sao",
        # A document sent, not a request: the recipient's status is an article's answer.
        "Tôi gửi văn bản qua văn phòng điện tử rồi mà không biết bên kia đã nhận chưa",
        "máy không nhận usb token ký số",
        "phiếu trình ký văn bản đi tạo ở đâu",
        # The history told first, then a how-to: the official reported it to someone else.
        "tôi đã báo anh văn thư mà chưa thấy sửa, có cách nào tự thêm chữ ký không",
        "mình báo bên mạng từ tuần trước, tình trạng vẫn vậy, hướng dẫn mình tự kiểm tra với",
        # "bảo tự" reads as "báo từ" without marks; the question asks where.
        "được bảo tự tải về nhưng chưa thấy, tải ở mục nào",
        # Without marks "có bao lâu" holds "co bao" ("có báo"), whose "bao" is the duration's.
        "toi muon biet minh co bao lau de hoc xong khoa",
    ],
)
def test_a_how_to_question_is_not_taken_for_a_status_question(text: str) -> None:
    assert not status_cues().asks_status(text)


def _taught_questions() -> list[str]:
    """Every question the model learns as something other than a status question."""
    base = loader.load(ROOT / "knowledge_base")
    questions = [
        q for article in base.articles.values() for q in (article.title, *article.questions)
    ]
    for path in (ROOT / "nlu_data").rglob("*.yml"):
        for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            if item.get("intent") not in (None, "ticket_status"):
                questions += [
                    line.strip()[2:] for line in item["examples"].splitlines() if line.strip()
                ]
    return questions


def test_no_question_taught_for_another_intent_reads_as_a_status_question() -> None:
    taught = _taught_questions()
    assert len(taught) > 1000
    assert [q for q in taught if status_cues().asks_status(q)] == []


def test_the_development_status_questions_are_recognised_and_no_other() -> None:
    cases = yaml.safe_load((ROOT / "tests/data/dev_questions.yml").read_text(encoding="utf-8"))
    status = [c["text"] for c in cases["questions"] if c["kind"] == "ticket_status"]
    others = [c["text"] for c in cases["questions"] if c["kind"] != "ticket_status"]
    assert [q for q in status if not status_cues().asks_status(q)] == []
    assert [q for q in others if status_cues().asks_status(q)] == []
