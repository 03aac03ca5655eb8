"""The office hours file every process reads: HELPDESK_OFFICE_HOURS_FILE, else the shipped one.

A mixin for the settings of the desk, the notifier and the action server. The file is read and
checked when the settings are, so a wrong file stops the process at its start, naming the
variable and the entry at fault.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, validator

from bot.office_hours.loading import OfficeHoursProblem, OfficeSchedule, office_hours_from
from bot.settings import HelpdeskSettings, SettingsProblem


class OfficeHoursSettings(HelpdeskSettings):
    """HELPDESK_OFFICE_HOURS_FILE: the YAML of office hours, holidays and escalations."""

    office_hours_file: Path | None = Field(default=None, env="HELPDESK_OFFICE_HOURS_FILE")

    @validator("office_hours_file")
    def _readable(cls, value: Path | None) -> Path | None:
        try:
            office_hours_from(value)
        except OfficeHoursProblem as problem:
            raise SettingsProblem(reason=problem.reason) from None
        return value

    def office_schedule(self) -> OfficeSchedule:
        """The office hours and escalation the file describes."""
        return office_hours_from(self.office_hours_file)
