"""The review queue read from real conversations: groups, counts, last seen, suggestions."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import Engine

from bot.kb import publishing
from bot.review.queue import LiveArticles, find, question_key, read_queue
from bot.store.review_decisions import DISMISSED, Decision, ReviewDecisions
from tests.report.conversations import morning, save
from tests.review.conftest import ANSWERED, DISLIKED, RECORDING, fallen_back


def test_fallbacks_asking_one_thing_are_one_group_with_its_count_and_last_time(
    tracker: Engine, decisions: ReviewDecisions, state: Path, root: Path, day: date
) -> None:
    queue = read_queue(tracker, decisions, LiveArticles(publishing.live_dir(state, root)))
    recording = next(g for g in queue if g.representative in RECORDING)
    assert recording.size == 3
    # One phrasing per way of writing, shown with diacritics when someone typed them.
    assert set(recording.phrasings) == {RECORDING[0], RECORDING[2]}
    assert recording.not_helpful == 0
    assert len(recording.question_keys) == 2
    # The conversations were stamped from 9:00 that day, Vietnam time, a few seconds apart.
    asked = datetime.utcfromtimestamp(morning(day))
    assert asked <= recording.last_seen < asked + timedelta(minutes=1)
    assert queue[0] is recording  # the largest group first


def test_an_answer_voted_not_helpful_is_in_the_queue_and_a_helpful_one_is_not(
    tracker: Engine, decisions: ReviewDecisions, state: Path
) -> None:
    queue = read_queue(tracker, decisions, LiveArticles(publishing.live_dir(state, state)))
    disliked = next(g for g in queue if g.representative == DISLIKED)
    assert (disliked.size, disliked.not_helpful) == (1, 1)
    assert all(ANSWERED not in g.phrasings for g in queue)
    assert len(queue) == 2


def test_each_group_suggests_the_live_article_it_most_resembles(
    tracker: Engine, decisions: ReviewDecisions, state: Path, root: Path
) -> None:
    queue = read_queue(tracker, decisions, LiveArticles(publishing.live_dir(state, root)))
    disliked = next(g for g in queue if g.representative == DISLIKED)
    assert disliked.suggestion is not None
    assert disliked.suggestion.article_id == "kyso.het_han"
    assert disliked.suggestion.title
    recording = next(g for g in queue if g.representative in RECORDING)
    assert recording.suggestion is not None
    assert recording.suggestion.article_id.startswith("hntt.")


def test_a_decided_group_leaves_the_queue_and_a_new_wording_comes_back_as_a_group(
    tracker_url: str,
    tracker: Engine,
    decisions: ReviewDecisions,
    state: Path,
    root: Path,
    day: date,
) -> None:
    kb = LiveArticles(publishing.live_dir(state, root))
    recording = next(g for g in read_queue(tracker, decisions, kb) if g.size == 3)
    decision = Decision(
        recording.key,
        recording.representative,
        DISMISSED,
        None,
        None,
        "Lê Văn Cường",
        "desk",
        datetime(2026, 12, 1, 8, 0),
    )
    decisions.record(decision, recording.question_keys)
    assert [g.representative for g in read_queue(tracker, decisions, kb)] == [DISLIKED]

    again = "Họp trực tuyến có chức năng ghi âm lại cuộc họp không?"
    save(tracker_url, root / "domain.yml", [fallen_back("web-99", day, again)])
    queue = read_queue(tracker, decisions, kb)
    assert [g.phrasings for g in queue if g.representative != DISLIKED] == [(again,)]
    assert decisions.recent()[0].acted_by == "Lê Văn Cường"


def test_a_group_is_found_by_the_key_of_any_of_its_questions(
    tracker: Engine, decisions: ReviewDecisions, state: Path
) -> None:
    live = LiveArticles(publishing.live_dir(state, state))
    queue = read_queue(tracker, decisions, live)
    recording = next(g for g in queue if g.size == 3)
    normaliser = live.normaliser
    other = next(p for p in RECORDING if p != recording.representative)
    assert find(queue, question_key(normaliser.syllables(other))) is recording
    assert find(queue, recording.key) is recording
    assert find(queue, "0" * 64) is None
