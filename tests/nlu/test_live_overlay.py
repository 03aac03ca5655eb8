"""The live overlay: paraphrases and articles published after training, as the model sees them."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import pytest

from bot.kb import publishing
from bot.kb.live_folder import LiveFolder, LiveVersion
from bot.nlu.live_overlay import FALLBACK_INTENT, LiveOverlay, build
from bot.nlu.syllables import bare_syllables
from tests.nlu.conftest import small_knowledge_base
from tests.support.live_kb import (
    SAMPLE_ARTICLE,
    add_article,
    edit_article,
    publish_edit,
    remove_article,
)

TARGET = "qlvb.quen_mat_khau"
TARGET_INTENT = "kb_qlvb__quen_mat_khau"
PARAPHRASE = "Đầu óc trống rỗng, chẳng nhớ nổi dãy ký tự bí mật để vào hệ thống công văn"
# Hand-written intents keep the examples the model trained on.
TRAINED = {"greet": [["xin", "chao"], ["chao", "ban"], ["chao", "ad"]]}
NEW_ARTICLE = SAMPLE_ARTICLE


@pytest.fixture
def state(tmp_path: Path, root: Path) -> Path:
    """A state folder whose live version is the small knowledge base."""
    kb = small_knowledge_base(root, tmp_path / "knowledge_base")
    publishing.ensure_seeded(tmp_path / "state", kb)
    return tmp_path / "state"


def repository(state: Path) -> Path:
    return state.parent / "knowledge_base"


def live(state: Path) -> LiveVersion:
    return LiveVersion.read(publishing.live_dir(state, repository(state)))


def known(version: LiveVersion) -> frozenset[str]:
    """The intents of a model trained on `version`."""
    return frozenset({*(a.intent for a in version.kb.articles.values()), *TRAINED})


def add_paraphrase(state: Path, question: str = PARAPHRASE) -> int:
    def change(data: dict[str, Any]) -> None:
        data["questions"].append(question)

    return publish_edit(state, repository(state), lambda kb: edit_article(kb, TARGET, change))


def syllables(version: LiveVersion, text: str) -> list[str]:
    return bare_syllables(text, version.abbreviations)


@pytest.mark.parametrize(
    "typed",
    [
        PARAPHRASE,
        "dau oc trong rong chang nho noi day ky tu bi mat de vao he thong cong van",
        "  đầu óc trống rỗng… chẳng nhớ nổi dãy ký tự bí mật để vào hệ thống công văn!!",
    ],
)
def test_a_published_paraphrase_is_its_article_however_it_is_typed(state: Path, typed: str) -> None:
    before = live(state)
    model_knows = known(before)
    assert build(before, model_knows, TRAINED).exact_intent(syllables(before, typed)) is None

    add_paraphrase(state)
    after = live(state)
    overlay = build(after, model_knows, TRAINED)
    assert overlay.exact_intent(syllables(after, typed)) == TARGET_INTENT


def test_the_likeness_learns_the_published_paraphrase(state: Path) -> None:
    before = live(state)
    model_knows = known(before)
    message = syllables(before, "chẳng nhớ nổi dãy ký tự bí mật")
    old = build(before, model_knows, TRAINED).centroids
    add_paraphrase(state)
    new = build(live(state), model_knows, TRAINED).centroids
    assert old is not None and new is not None
    assert new.similarities(message)[TARGET_INTENT] > old.similarities(message)[TARGET_INTENT]
    assert new.intents == old.intents == model_knows


def test_an_article_the_model_does_not_know_goes_to_the_fallback_and_gets_no_vector(
    state: Path,
) -> None:
    model_knows = known(live(state))
    publish_edit(state, repository(state), lambda kb: add_article(kb, NEW_ARTICLE))
    version = live(state)
    overlay = build(version, model_knows, TRAINED)
    question = "xuất excel danh sách công văn trong tháng"
    assert overlay.exact_intent(syllables(version, question)) == FALLBACK_INTENT
    assert overlay.centroids is not None
    assert "kb_qlvb__xuat_excel" not in overlay.centroids.intents


def test_a_removed_article_loses_its_vector(state: Path) -> None:
    model_knows = known(live(state))
    publish_edit(state, repository(state), lambda kb: remove_article(kb, "hntt.mat_tieng"))
    overlay = build(live(state), model_knows, TRAINED)
    assert overlay.centroids is not None
    assert "kb_hntt__mat_tieng" not in overlay.centroids.intents
    assert "greet" in overlay.centroids.intents


def test_a_model_that_saved_no_examples_still_gets_the_exact_matches(state: Path) -> None:
    add_paraphrase(state)
    version = live(state)
    overlay = build(version, known(version), None)
    assert overlay.centroids is None
    assert overlay.exact_intent(syllables(version, PARAPHRASE)) == TARGET_INTENT


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_link_is_looked_at_once_a_second_and_each_version_built_once(state: Path) -> None:
    clock = Clock()
    model_knows = known(live(state))
    folder = LiveFolder(state / "kb" / "current", interval=1.0, clock=clock)
    overlay = LiveOverlay(folder, model_knows, TRAINED)
    first = overlay.current()
    assert first is not None and overlay.current() is first

    add_paraphrase(state)
    clock.now = 0.5
    assert overlay.current() is first  # not looked at again yet
    clock.now = 1.0
    second = overlay.current()
    assert second is not None and second is not first
    version = live(state)
    assert second.exact_intent(syllables(version, PARAPHRASE)) == TARGET_INTENT
    clock.now = 5.0
    assert overlay.current() is second  # same version: not built again


def test_without_a_readable_knowledge_base_the_model_serves_alone(
    state: Path, tmp_path: Path
) -> None:
    assert LiveOverlay.from_setting(None, frozenset(), TRAINED) is None
    nowhere = LiveOverlay.from_setting(str(tmp_path / "nowhere"), frozenset(), TRAINED)
    assert nowhere is not None and nowhere.current() is None

    overlay = LiveOverlay(LiveFolder(state / "kb" / "current"), known(live(state)), TRAINED)
    good = overlay.current()
    assert good is not None
    # A link switched to an empty folder (never done by publishing) keeps the last good one.
    (tmp_path / "empty").mkdir()
    os.symlink(tmp_path / "empty", state / "kb" / "broken")
    os.replace(state / "kb" / "broken", state / "kb" / "current")
    assert overlay.current() is good


def test_readers_on_many_threads_see_whole_versions_while_trainers_publish(state: Path) -> None:
    overlay = LiveOverlay(LiveFolder(state / "kb" / "current"), known(live(state)), TRAINED)
    failures: list[BaseException] = []
    stop = threading.Event()
    keys = [syllables(live(state), f"{PARAPHRASE} lần {n}") for n in range(3)]

    def read() -> None:
        try:
            while not stop.is_set():
                current = overlay.current()
                assert current is not None
                for key in keys:
                    assert current.exact_intent(key) in (None, TARGET_INTENT)
        except BaseException as error:  # reported below, not lost in the thread
            failures.append(error)

    readers = [threading.Thread(target=read) for _ in range(6)]
    for reader in readers:
        reader.start()
    try:
        for n in range(3):
            add_paraphrase(state, f"{PARAPHRASE} lần {n}")
    finally:
        stop.set()
        for reader in readers:
            reader.join()
    assert failures == []
    latest = overlay.current()
    assert latest is not None
    assert [latest.exact_intent(key) for key in keys] == [TARGET_INTENT] * 3
