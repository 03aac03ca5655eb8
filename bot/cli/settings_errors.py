"""Printing what is wrong with a process's settings, named by their environment variables."""

from __future__ import annotations

import sys

from pydantic import ValidationError

from bot.settings import settings_problems


def print_settings_errors(error: ValidationError) -> None:
    """One line per problem on stderr: the variable, then what is wrong (never its value)."""
    for line in settings_problems(error):
        print(line, file=sys.stderr)
