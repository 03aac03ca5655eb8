import pytest

from bot.bodies import NotJson, json_of


def test_json_is_read_as_is() -> None:
    assert json_of('{"text": "quên mật khẩu"}'.encode()) == {"text": "quên mật khẩu"}


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"\xff\xfe{}",  # not UTF-8
        b"[" * 20_000,  # deep enough for RecursionError
        b'{"text": "\\ud83d half a pair"}',  # a lone surrogate: no character at all
        b'[["\\udc00"]]',
    ],
)
def test_anything_else_is_the_senders_error(body: bytes) -> None:
    with pytest.raises(NotJson):
        json_of(body)


def test_a_full_surrogate_pair_is_a_character() -> None:
    assert json_of(b'"\\ud83d\\ude00"') == "\U0001f600"


def test_a_signed_sender_may_bring_lone_surrogates_for_the_caller_to_clean() -> None:
    assert json_of(b'{"text": "\\ud83d"}', surrogates=True) == {"text": "\ud83d"}
