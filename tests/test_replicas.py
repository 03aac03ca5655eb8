"""The ring that gives each conversation its Rasa replica: stable, even, moving few on growth."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

import pytest

from bot.replicas import Ring, replica_urls

URLS = [f"http://127.0.0.1:{5005 + i}" for i in range(4)]
SENDERS = [f"official-{i}" for i in range(4000)]


def test_the_same_sender_always_goes_to_the_same_replica() -> None:
    ring = Ring(URLS)
    assert all(ring.owner(s) == ring.owner(s) for s in SENDERS[:100])


def test_another_process_computes_the_same_owners() -> None:
    # Two gateways are two processes: Python's own hash() would differ between them.
    script = (
        "from bot.replicas import Ring; import sys; "
        f"r = Ring({URLS!r}); print(','.join(r.owner(f'official-{{i}}') for i in range(50)))"
    )
    other = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    here = ",".join(Ring(URLS).owner(s) for s in SENDERS[:50])
    assert other.stdout.strip() == here


def test_conversations_are_shared_about_evenly() -> None:
    shares = Counter(Ring(URLS).owner(s) for s in SENDERS)
    assert set(shares) == set(URLS)
    assert max(shares.values()) < 1.25 * len(SENDERS) / len(URLS)


def test_adding_a_replica_moves_only_the_conversations_it_takes() -> None:
    three, four = Ring(URLS[:3]), Ring(URLS)
    moved = [s for s in SENDERS if three.owner(s) != four.owner(s)]
    # Every conversation that moved went to the new replica, and about a quarter moved.
    assert {four.owner(s) for s in moved} == {URLS[3]}
    assert 0.15 < len(moved) / len(SENDERS) < 0.35


def test_the_fallback_order_lists_every_replica_once_owner_first() -> None:
    ring = Ring(URLS)
    for sender in SENDERS[:50]:
        order = ring.order(sender)
        assert order[0] == ring.owner(sender)
        assert sorted(order) == sorted(URLS)


def test_a_replica_listed_twice_or_no_replica_is_refused() -> None:
    with pytest.raises(ValueError):
        Ring([])
    with pytest.raises(ValueError):
        Ring([URLS[0], URLS[0]])


def test_a_listed_value_is_split_on_commas_and_trimmed() -> None:
    assert replica_urls(" http://a:1/ , http://b:2,, ") == ["http://a:1", "http://b:2"]
