"""The figures the deployment's sizes come from."""

from __future__ import annotations

import re

import pytest

from tests.deploy.reading import ROOT


@pytest.fixture(scope="session")
def rasa_rss_mib() -> int:
    """Rasa's memory after 200 messages, as docs/benchmarks.md last measured it."""
    text = (ROOT / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    found = re.search(r"rasa server RSS: \d+ MiB after loading, (\d+) MiB after 200 messages", text)
    assert found is not None, "docs/benchmarks.md no longer gives Rasa's memory"
    return int(found.group(1))
