from typing import Any

import pytest

from actions import follow_up
from actions.services import KnowledgeBaseSource
from tests.actions.conftest import bot_event, make_tracker, user_event


def answered(article: str) -> list[dict[str, Any]]:
    """The events of a question answered with `article`, as the answering action leaves them."""
    return [
        user_event("câu hỏi trước", f"kb_{article.replace('.', '__')}"),
        {"event": "action", "name": "action_answer_article"},
        bot_event("...", "utter_article"),
        {"event": "slot", "name": "last_article", "value": article},
    ]


# message -> (leans on the answer just sent, asks about something else, what it is about)
READINGS = [
    ("còn trên điện thoại thì sao?", True, True, "dien thoai thi sao"),
    ("Thế còn bản giấy?", True, True, "ban giay"),
    ("the con ban giay", True, True, "ban giay"),
    (
        "dạ cảm ơn, vậy ký trên điện thoại có được không ạ",
        True,
        False,
        "ky tren dien thoai co duoc khong a",
    ),
    ("ok thanks, còn đổi mật khẩu thì sao", True, True, "doi mat khau thi sao"),
    ("ok cảm ơn a, còn ks bằng đt đc k a", True, True, "ks bang dt dc k a"),
    (
        "nếu token bị khóa vì nhập sai mã pin nhiều lần thì phải làm gì",
        True,
        False,
        "token bi khoa vi nhap sai ma pin nhieu lan thi phai lam gi",
    ),
    ("in sổ thì sao", True, False, "in so thi sao"),
    # "thế X thì sao" asks about X; "thế" alone asks on about the answer.
    ("thế lịch học thì sao ạ", True, True, "lich hoc thi sao a"),
    ("thế bấm vào đâu", True, False, "bam vao dau"),
    ("thế nếu vẫn lỗi thì sao", True, False, "van loi thi sao"),
    (
        "ký văn bản đó trên điện thoại có được không nhỉ",
        True,
        False,
        "ky van ban do tren dien thoai co duoc khong nhi",
    ),
    (
        "tôi không đăng nhập được phần mềm quản lý văn bản sáng nay",
        False,
        False,
        "toi khong dang nhap duoc phan mem quan ly van ban sang nay",
    ),
    # Without marks "do" is "because", not "that": no word points back.
    (
        "tai khoan bi khoa do go sai mat khau nhieu lan",
        False,
        False,
        "tai khoan bi khoa do go sai mat khau nhieu lan",
    ),
    ("/kb_qlvb__dang_nhap", False, False, ""),
    ("", False, False, ""),
]


@pytest.mark.parametrize(
    ("text", "software"),
    [
        ("thế còn email?", "email"),
        ("con thu cong vu thi sao", "email"),
        ("còn bên họp trực tuyến", "hntt"),
        ("thế email công vụ trên đt cài sao", "email"),
        ("thế tk qlvb lần đầu thì sao", "qlvb"),
        # Mail is mentioned, not asked about: no "what about".
        ("bấm gửi yêu cầu rồi mà không thấy thư nào về hộp thư", None),
        # Two software: none of them alone.
        ("còn ký số trên quản lý văn bản", None),
        ("còn trên điện thoại thì sao", None),
    ],
)
def test_what_about_a_software_names_it(text: str, software: str | None) -> None:
    assert follow_up.read(text).software == software


@pytest.mark.parametrize(("text", "follows", "contrast", "content"), READINGS)
def test_a_message_is_read_for_how_it_leans_on_the_answer(
    text: str, follows: bool, contrast: bool, content: str
) -> None:
    assert follow_up.read(text) == follow_up.Reading(follows, contrast, content)
    assert follow_up.looks_like_follow_up(text) is follows


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("bước 3 là sao?", 3),
        ("buoc 2 nghia la gi", 2),
        ("bước thứ hai bấm ở đâu", 2),
        ("em chưa hiểu bước số 4 lắm", 4),
        ("bước đầu tiên là gì", 1),
        ("bước cuối là gì", 5),
        ("mục 2 là sao", 2),
        ("b3 bấm nút nào", 3),
        ("ý cuối cùng nghĩa là gì", 5),
        ("bước 9 là sao", 9),
    ],
)
def test_a_step_is_read_by_number_word_or_position(
    kb_source: KnowledgeBaseSource, text: str, number: int
) -> None:
    article = kb_source.get().articles["kyso.ky_van_ban"]  # five steps
    step = follow_up.step_asked(text, article)
    assert step is not None
    assert step.number == number
    assert step.exists is (number <= 5)


@pytest.mark.parametrize(
    "text",
    [
        "còn trên điện thoại thì sao",
        "lần thứ hai vẫn lỗi",
        "bước",
        # "đóng dấu đầu trang" without marks reads "dong dau": no step word.
        "thế còn văn thư đóng dấu đầu trang thì sao",
        "ý kiến chỉ đạo thì sao",
    ],
)
def test_a_message_naming_no_step_asks_for_none(kb_source: KnowledgeBaseSource, text: str) -> None:
    assert follow_up.step_asked(text, kb_source.get().articles["kyso.ky_van_ban"]) is None


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("bấm hoàn thành xong thì văn bản đi đâu", 5),  # **Hoàn thành**, step 5
        ("không thấy nút ký số", 2),  # **Ký số**, step 2
        ("bấm đồng ý rồi mà không được", 3),  # **Đồng ý**, step 3
        ("còn trên điện thoại thì sao", None),
    ],
)
def test_a_button_of_the_answer_named_in_the_message_is_its_step(
    kb_source: KnowledgeBaseSource, text: str, number: int | None
) -> None:
    step = follow_up.button_named(text, kb_source.get().articles["kyso.ky_van_ban"])
    assert (step.number if step else None) == number


def test_the_article_just_answered_is_the_context(kb_source: KnowledgeBaseSource) -> None:
    tracker = make_tracker("nlu_fallback", events=answered("qlvb.vb_den_dien_tu"))
    previous = follow_up.previous_article(tracker, kb_source.get().articles)
    assert previous is not None and previous.id == "qlvb.vb_den_dien_tu"


def test_a_vote_between_the_answer_and_the_follow_up_keeps_the_context(
    kb_source: KnowledgeBaseSource,
) -> None:
    events = [*answered("qlvb.vb_den_dien_tu"), user_event("/feedback_helpful", "feedback_helpful")]
    tracker = make_tracker("nlu_fallback", events=events)
    assert follow_up.previous_article(tracker, kb_source.get().articles) is not None


def test_an_answer_several_messages_ago_is_no_context(kb_source: KnowledgeBaseSource) -> None:
    events = [
        *answered("qlvb.vb_den_dien_tu"),
        user_event("xin chào", "greet"),
        user_event("cảm ơn", "thank"),
        user_event("tạm biệt", "goodbye"),
    ]
    tracker = make_tracker("nlu_fallback", events=events)
    assert follow_up.previous_article(tracker, kb_source.get().articles) is None


def test_an_answer_of_an_earlier_session_is_no_context(kb_source: KnowledgeBaseSource) -> None:
    events = [*answered("qlvb.vb_den_dien_tu"), {"event": "session_started"}]
    tracker = make_tracker("nlu_fallback", events=events)
    assert follow_up.previous_article(tracker, kb_source.get().articles) is None


def test_an_article_removed_since_is_no_context(kb_source: KnowledgeBaseSource) -> None:
    tracker = make_tracker("nlu_fallback", events=answered("qlvb.khong_con"))
    assert follow_up.previous_article(tracker, kb_source.get().articles) is None


def test_going_back_is_about_the_answer_before_the_last(kb_source: KnowledgeBaseSource) -> None:
    events = [*answered("qlvb.vb_den_dien_tu"), *answered("email.dang_nhap")]
    text = "quay lại vụ lúc nãy, bên kia bảo gửi rồi mà mình chưa thấy văn bản"
    tracker = make_tracker("nlu_fallback", text=text, events=events)
    previous = follow_up.previous_article(tracker, kb_source.get().articles)
    assert previous is not None and previous.id == "qlvb.vb_den_dien_tu"


def test_without_going_back_the_last_answer_stays_the_context(
    kb_source: KnowledgeBaseSource,
) -> None:
    events = [*answered("qlvb.vb_den_dien_tu"), *answered("email.dang_nhap")]
    text = "bên kia bảo gửi rồi mà mình chưa thấy"
    tracker = make_tracker("nlu_fallback", text=text, events=events)
    previous = follow_up.previous_article(tracker, kb_source.get().articles)
    assert previous is not None and previous.id == "email.dang_nhap"


def test_going_back_after_one_answer_is_about_that_answer(
    kb_source: KnowledgeBaseSource,
) -> None:
    tracker = make_tracker(
        "nlu_fallback", text="quay lại cái lúc nãy", events=answered("email.dang_nhap")
    )
    previous = follow_up.previous_article(tracker, kb_source.get().articles)
    assert previous is not None and previous.id == "email.dang_nhap"


def test_going_back_contrasts_with_nothing() -> None:
    reading = follow_up.read("dạ còn vụ lúc nãy, thu hồi xong thì bên kia có biết không")
    assert reading.back and reading.follows and not reading.contrast
    assert not follow_up.read("bấm quay lại thì có mất văn bản không").back


def test_a_message_read_twice_in_one_answer_is_read_once() -> None:
    text = "dạ còn trên điện thoại thì sao ạ"
    assert follow_up.read(text) is follow_up.read(text)
    assert follow_up.read(text) == follow_up.read.__wrapped__(text)
