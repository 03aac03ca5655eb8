"""Printing what is wrong with a process's settings, named by their environment variables."""

from __future__ import annotations

import sys

from pydantic import ValidationError

from bot.channels.zalo.settings import ZaloSettings


def print_settings_errors(error: ValidationError) -> None:
    """One line per problem on stderr: the variable, then what is wrong (never its value)."""
    prefix = "HELPDESK_ZALO_" if error.model is ZaloSettings else "HELPDESK_"
    for problem in error.errors():
        where = str(problem["loc"][0])
        name = "" if where == "__root__" else f"{prefix}{where.upper()}: "
        print(f"{name}{problem['msg']}", file=sys.stderr)
