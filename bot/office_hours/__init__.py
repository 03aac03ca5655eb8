"""Office hours and public holidays: when staff answer, and how deadlines count working time.

Read from a YAML file (a shipped default, or the one `HELPDESK_OFFICE_HOURS_FILE` names), used
by the desk for deadlines, the notifier for escalations and the assistant's confirmation.
"""
