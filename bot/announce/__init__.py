"""Trainers' announcements to the officials who have talked to the assistant."""
