"""The `helpdesk` command line's parser: argparse, saying its own words in Vietnamese.

Why it looks like this:
- argparse writes its headings, its `-h` and its complaints in English; whoever runs `helpdesk`
  reads Vietnamese, so those words come from `texts.yml` like every other line of the command.
- argparse complains in finished English sentences. The common ones are recognised by their shape
  (as Python 3.10 writes them) and said again from `parser.errors`; any other keeps argparse's
  wording in brackets rather than being lost.
- argparse makes the subcommands' parsers of the parser's own class, so all of them get this.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, NoReturn

from bot.texts import texts

_COMPLAINTS = {
    "required": re.compile(r"the following arguments are required: (?P<names>.+)"),
    "one_required": re.compile(r"one of the arguments (?P<names>.+) is required"),
    "unrecognized": re.compile(r"unrecognized arguments: (?P<names>.+)"),
    "invalid_choice": re.compile(
        r"argument (?P<name>.+?): invalid choice: (?P<value>.+) \(choose from (?P<choices>.+)\)"
    ),
    "expected_one": re.compile(r"argument (?P<name>.+?): expected one argument"),
    "invalid_value": re.compile(r"argument (?P<name>.+?): invalid \S+ value: (?P<value>.+)"),
    "not_allowed_with": re.compile(
        r"argument (?P<name>.+?): not allowed with argument (?P<other>.+)"
    ),
    "ambiguous": re.compile(r"ambiguous option: (?P<option>\S+) could match (?P<matches>.+)"),
}


def complaint(message: str) -> str:
    """argparse's complaint `message`, said in Vietnamese."""
    said = texts("bot.cli")
    for kind, shape in _COMPLAINTS.items():
        found = shape.fullmatch(message)
        if found is not None:
            return said.say(f"parser.errors.{kind}", **found.groupdict())
    return said.say("parser.errors.other", message=message)


class Formatter(argparse.HelpFormatter):
    """argparse's help layout, with the usage line introduced in Vietnamese."""

    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        """The usage line; argparse passes a prefix of its own only where it wants none."""
        if prefix is None:
            prefix = texts("bot.cli").say("parser.usage")
        super().add_usage(usage, actions, groups, prefix)


if TYPE_CHECKING:
    _SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]
else:  # not subscriptable at run time before Python 3.11
    _SubParsers = argparse._SubParsersAction


class _Commands(_SubParsers):
    """Subcommands whose own `--help` opens with the line the list of commands shows."""

    def add_parser(self, name: str, **kwargs: Any) -> Any:
        """A subcommand's parser, its description its help unless given."""
        if "help" in kwargs:
            kwargs.setdefault("description", kwargs["help"])
        return super().add_parser(name, **kwargs)


class Parser(argparse.ArgumentParser):
    """An argument parser whose headings, `-h` and complaints are in Vietnamese."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """As ArgumentParser, with a `-h` of its own in place of argparse's English one."""
        add_help = kwargs.get("add_help", True)
        kwargs.setdefault("formatter_class", Formatter)
        super().__init__(*args, **{**kwargs, "add_help": False})
        self.register("action", "parsers", _Commands)
        said = texts("bot.cli")
        self._positionals.title = said.say("parser.positionals")
        self._optionals.title = said.say("parser.options")
        if add_help:
            self.add_argument(
                "-h",
                "--help",
                action="help",
                default=argparse.SUPPRESS,
                help=said.say("parser.help"),
            )

    def error(self, message: str) -> NoReturn:
        """Print the usage and the complaint in Vietnamese, then exit with 2 as argparse does."""
        self.print_usage(sys.stderr)
        said = texts("bot.cli").say("parser.error", prog=self.prog, message=complaint(message))
        self.exit(2, said + "\n")
