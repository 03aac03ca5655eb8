from bot.plain_text import clean


def test_control_characters_and_lone_surrogates_are_dropped() -> None:
    assert clean("a\x00b\x07c\u200bd\ud800e\r\nf\rg\th") == "abcde\nf\ng\th"


def test_what_is_left_can_always_be_written_as_utf8() -> None:
    cleaned = clean("nửa cặp \ud83d và NUL \x00 giữa chữ")
    assert cleaned.encode("utf-8").decode("utf-8") == "nửa cặp  và NUL  giữa chữ"
