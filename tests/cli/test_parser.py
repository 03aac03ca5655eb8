"""What `helpdesk` says when its command line is wrong, and the lines its commands print."""

from __future__ import annotations

import pytest

from bot.cli.main import main
from bot.cli.parser import complaint
from bot.texts import texts

SAID = texts("bot.cli")


def _complaint(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as exited:
        main(list(argv))
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(SAID.say("parser.usage"))
    return err.splitlines()[-1]


@pytest.mark.parametrize(
    ("argv", "prog", "kind", "values"),
    [
        ((), "helpdesk", "required", {"names": "LỆNH"}),
        (("ask", "--nope"), "helpdesk", "unrecognized", {"names": "--nope"}),
        (("kb", "rollback"), "helpdesk kb rollback", "required", {"names": "SỐ"}),
        (
            ("announce",),
            "helpdesk announce",
            "one_required",
            {"names": "NỘI_DUNG --file"},
        ),
        (
            ("announce", "x", "--file", "y"),
            "helpdesk announce",
            "not_allowed_with",
            {"name": "--file", "other": "NỘI_DUNG"},
        ),
        (
            ("run", "--rasa-port", "x"),
            "helpdesk run",
            "invalid_value",
            {"name": "--rasa-port", "value": "'x'"},
        ),
        (
            ("retrain", "later"),
            "helpdesk retrain",
            "invalid_choice",
            {"name": "action", "value": "'later'", "choices": "'status'"},
        ),
        (("gateway", "--port"), "helpdesk gateway", "expected_one", {"name": "--port"}),
    ],
)
def test_a_wrong_command_line_is_told_in_vietnamese(
    capsys: pytest.CaptureFixture[str],
    argv: tuple[str, ...],
    prog: str,
    kind: str,
    values: dict[str, str],
) -> None:
    message = SAID.say(f"parser.errors.{kind}", **values)
    assert _complaint(capsys, *argv) == SAID.say("parser.error", prog=prog, message=message)


def test_a_complaint_of_an_unknown_shape_keeps_argparse_s_words() -> None:
    said = complaint("argument x: expected at most one argument")
    assert said == SAID.say(
        "parser.errors.other", message="argument x: expected at most one argument"
    )


def test_ask_wants_a_question_or_a_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask"]) == 2
    assert capsys.readouterr().err == SAID.say("ask.question_or_file") + "\n"
