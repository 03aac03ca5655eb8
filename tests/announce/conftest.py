"""Fixtures for the announcement tests: the fake Zalo OA server on a settable clock."""

from tests.notify.delivery_support import clock, fake, zalo_settings  # noqa: F401  (fixtures)
