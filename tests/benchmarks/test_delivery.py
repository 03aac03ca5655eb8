"""The delivery benchmark at a tiny size: every notice delivered or accounted for, none twice.

Timings are never asserted here: the machines are shared and noisy.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks.delivery import check, report, run
from bot.store.kept_notices import SENT, UNREACHABLE


async def test_a_tiny_delivery_benchmark_accounts_for_every_notice(tmp_path: Path) -> None:
    result = await run(notices=40, failing_share=0.125, store=tmp_path)

    check(result)
    # 32 officials, every 8th failing: one of each kind; the not-follower has two notices.
    assert result.failing == {"not_follower": 1, "silent": 1, "quota": 1, "rate_limited": 1}
    assert (result.states[SENT], result.states[UNREACHABLE]) == (38, 2)
    assert result.duplicates == 0
    assert "delivered or accounted for: 40 of 40" in report(result)
