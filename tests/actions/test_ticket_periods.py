from datetime import date, datetime, timedelta, timezone

import pytest

from actions.ticket_periods import period_in
from bot.display import VIETNAM

# Thursday 26/11/2026, 10:00 in Vietnam.
NOW = datetime(2026, 11, 26, 3, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("text", "label", "first", "days"),
    [
        ("phiếu hôm qua của tôi sao rồi", "hôm qua", date(2026, 11, 25), 1),
        ("phieu hom qua cua toi sao roi", "hôm qua", date(2026, 11, 25), 1),
        ("yêu cầu hôm nay đã có ai nhận chưa", "hôm nay", date(2026, 11, 26), 1),
        ("phiếu hôm kia", "hôm kia", date(2026, 11, 24), 1),
        ("yêu cầu tuần trước", "tuần trước", date(2026, 11, 16), 7),
        ("yeu cau tuan nay", "tuần này", date(2026, 11, 23), 4),
        ("phiếu tháng trước", "tháng trước", date(2026, 10, 1), 31),
        ("các phiếu tháng này", "tháng này", date(2026, 11, 1), 26),
        ("hôm thứ hai tôi có gửi phiếu", "hôm thứ hai (23/11)", date(2026, 11, 23), 1),
        ("phieu gui t2", "hôm thứ hai (23/11)", date(2026, 11, 23), 1),
        ("phiếu thứ 2 tuần trước", "hôm thứ hai (16/11)", date(2026, 11, 16), 1),
        ("thứ năm tôi gửi phiếu", "hôm thứ năm (19/11)", date(2026, 11, 19), 1),
        ("phiếu chủ nhật", "hôm chủ nhật (22/11)", date(2026, 11, 22), 1),
        # "đến hôm nay" says how long the wait has been; the ticket is yesterday's.
        ("phiếu hôm qua đến hôm nay vẫn chưa ai trả lời", "hôm qua", date(2026, 11, 25), 1),
    ],
)
def test_a_named_period_is_the_days_it_names_in_vietnam(
    text: str, label: str, first: date, days: int
) -> None:
    period = period_in(text, NOW)
    assert period is not None
    assert period.label == label
    assert period.start == datetime(first.year, first.month, first.day, tzinfo=VIETNAM)
    assert period.end - period.start == timedelta(days=days)


@pytest.mark.parametrize(
    "text",
    [
        "phiếu của tôi đến đâu rồi",
        "cái lỗi máy in tôi báo hôm nọ xử lý đến đâu",  # "hôm nọ" names no day
        "tôi gửi yêu cầu lần thứ hai rồi",  # a count, not Monday
        "thư từ gửi đi bị lỗi",  # not "thứ tư"
        "tôi quá mệt vì chờ phiếu",  # not "tối qua"
    ],
)
def test_words_that_only_look_like_a_period_name_none(text: str) -> None:
    assert period_in(text, NOW) is None


def test_days_change_at_midnight_in_vietnam_not_on_the_servers_clock() -> None:
    # 00:30 on 26/11 in Vietnam is still 25/11 in UTC.
    period = period_in("phiếu hôm qua", datetime(2026, 11, 25, 17, 30, tzinfo=timezone.utc))
    assert period is not None
    assert period.start == datetime(2026, 11, 25, tzinfo=VIETNAM)
    assert period.holds(datetime(2026, 11, 25, 1, 0))  # naive UTC: 08:00 on 25/11 in Vietnam
    assert not period.holds(datetime(2026, 11, 24, 16, 59))  # 23:59 on 24/11 in Vietnam
