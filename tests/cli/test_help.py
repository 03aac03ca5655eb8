"""`helpdesk --help` and every subcommand's: each word comes from a YAML file of texts."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

import bot
from bot.cli.main import _parser
from bot.texts import texts, yaml_strings

# What argparse says by itself; each is replaced by a text of bot/cli/texts.yml.
ARGPARSE_ENGLISH = ("usage:", "positional arguments", "options:", "show this help message")


def _every_text() -> set[str]:
    folder = Path(bot.__file__).resolve().parent
    return {
        text
        for path in folder.rglob("texts.yml")
        for text in yaml_strings(yaml.safe_load(path.read_text(encoding="utf-8")))
    }


TEXTS = _every_text()


def _commands(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, command in action.choices.items():
                yield from _commands(command, (*path, name))


COMMANDS = dict(_commands(_parser()))


def _words(parser: argparse.ArgumentParser) -> list[str]:
    """Every text of the parser's help: description, headings, helps and placeholders."""
    found = [parser.description or "", *(group.title or "" for group in parser._action_groups)]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found += [str(listed.help) for listed in action._choices_actions]
        if action.help is not None and action.help != argparse.SUPPRESS:
            found.append(action.help)
        if isinstance(action.metavar, str):
            found.append(action.metavar)
    return found


@pytest.mark.parametrize("path", list(COMMANDS), ids=lambda path: " ".join(("helpdesk", *path)))
def test_every_word_of_the_help_comes_from_the_texts(path: tuple[str, ...]) -> None:
    parser = COMMANDS[path]
    words = _words(parser)
    assert [word for word in words if word not in TEXTS] == []
    shown = parser.format_help()
    assert shown.startswith(texts("bot.cli").say("parser.usage"))
    assert [english for english in ARGPARSE_ENGLISH if english in shown] == []


@pytest.mark.parametrize("path", list(COMMANDS), ids=lambda path: " ".join(("helpdesk", *path)))
def test_every_value_is_shown_by_a_vietnamese_placeholder(path: tuple[str, ...]) -> None:
    parser = COMMANDS[path]
    # Without a metavar, argparse shows the option's own English name (--state-dir STATE_DIR).
    unnamed = [
        action.dest
        for action in parser._actions
        if action.nargs != 0 and action.metavar is None and action.choices is None
    ]
    assert unnamed == []


def test_the_main_help_names_each_command_with_its_vietnamese_help(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        _parser().parse_args(["--help"])
    assert exited.value.code == 0
    shown = " ".join(capsys.readouterr().out.split())  # as wrapped to the terminal's width
    for key in ("main.description", "kb.help", "ask.help", "run.help", "gateway.help"):
        assert texts("bot.cli").say(key) in shown
