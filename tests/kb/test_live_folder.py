"""The action server's knowledge base follows the published version that is live."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from actions import services
from actions.services import KnowledgeBaseSource
from bot.kb import folder, publishing
from bot.kb.live_folder import LiveFolder, LiveVersion
from bot.nlu import live_source
from tests.support.live_kb import SAMPLE_ARTICLE, add_article, edit_article, publish_edit

ARTICLE = "qlvb.quen_mat_khau"


@pytest.fixture
def state(tmp_path: Path, root: Path) -> Path:
    publishing.ensure_seeded(tmp_path, root / "knowledge_base")
    return tmp_path


def new_intro(state: Path, root: Path, intro: str) -> int:
    def change(data: dict[str, Any]) -> None:
        data["answer"]["intro"] = intro

    return publish_edit(
        state, root / "knowledge_base", lambda kb: edit_article(kb, ARTICLE, change)
    )


def test_a_published_version_is_served_at_the_next_read(state: Path, root: Path) -> None:
    source = KnowledgeBaseSource(state / "kb" / "current")
    before = source.get()
    assert source.get() is before  # nothing published: not read again

    new_intro(state, root, "Phiên bản mới của câu trả lời.")
    after = source.get()
    assert after is not before
    assert after.articles[ARTICLE].answer.intro == "Phiên bản mới của câu trả lời."
    assert source.get() is after


def test_a_published_version_is_known_by_its_link_without_scanning_files(
    state: Path, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_scan(folder: Path) -> Any:
        raise AssertionError(f"{folder} scanned")

    monkeypatch.setattr(live_source, "_file_stamp", no_scan)
    source = KnowledgeBaseSource(state / "kb" / "current")
    source.get()
    new_intro(state, root, "Đã đổi.")
    assert source.get().articles[ARTICLE].answer.intro == "Đã đổi."


def test_a_version_being_written_is_not_read_until_the_link_switches(
    state: Path, root: Path
) -> None:
    source = KnowledgeBaseSource(state / "kb" / "current")
    live = publishing.live_dir(state, root / "knowledge_base")
    # What publishing does: a complete copy under a temporary name, then the link in one step.
    incoming = state / "kb" / "versions" / ".incoming-test"
    incoming.mkdir()
    folder.copy(live, incoming)
    (incoming / folder.article_path(ARTICLE)).unlink()
    assert ARTICLE in source.get().articles
    incoming.rename(state / "kb" / "versions" / "0002")
    assert ARTICLE in source.get().articles  # complete, but not live yet
    os.symlink("versions/0002", state / "kb" / ".current-test")
    os.replace(state / "kb" / ".current-test", state / "kb" / "current")
    assert ARTICLE not in source.get().articles


def test_a_plain_folder_is_read_again_when_a_file_changes(tmp_path: Path, root: Path) -> None:
    kb = tmp_path / "knowledge_base"
    shutil.copytree(root / "knowledge_base", kb)
    source = KnowledgeBaseSource(kb)
    assert source.get().articles[ARTICLE].answer.intro == ""
    path = kb / folder.article_path(ARTICLE)
    edit_article(kb, ARTICLE, lambda data: data["answer"].update(intro="Sửa tại chỗ."))
    later = time.time() + 5
    os.utime(path, (later, later))
    assert source.get().articles[ARTICLE].answer.intro == "Sửa tại chỗ."


def test_software_labels_follow_the_live_version(
    state: Path, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = KnowledgeBaseSource(state / "kb" / "current")
    monkeypatch.setattr(services, "knowledge_base", lambda: source)
    assert services.software_labels()["qlvb"] == "Quản lý văn bản"

    def rename(kb: Path) -> None:
        path = kb / "software.yml"
        path.write_text(path.read_text(encoding="utf-8").replace('"Quản lý văn bản"', '"QLVB"'))

    publish_edit(state, root / "knowledge_base", rename)
    assert services.software_labels()["qlvb"] == "QLVB"


def test_the_link_is_resolved_again_only_after_the_interval(state: Path, root: Path) -> None:
    now = [0.0]
    live = LiveFolder(state / "kb" / "current", interval=1.0, clock=lambda: now[0])
    first = live.target()
    assert live.is_published and first.name == "0001"
    new_intro(state, root, "Mới.")
    assert live.target() == first
    now[0] = 1.0
    assert live.target().name == "0002"
    assert LiveVersion.read(live.target()).kb.articles[ARTICLE].answer.intro == "Mới."


def test_the_question_index_follows_the_version_that_is_live(state: Path, root: Path) -> None:
    source = KnowledgeBaseSource(state / "kb" / "current")
    question = SAMPLE_ARTICLE["questions"][0]
    first = source.index()
    assert source.index() is first  # built once per version
    match = first.match(question)
    assert match is not None and match.article_id != SAMPLE_ARTICLE["id"]

    publish_edit(state, root / "knowledge_base", lambda kb: add_article(kb, SAMPLE_ARTICLE))
    match = source.index().match(question)
    assert match is not None and (match.article_id, match.exact) == (SAMPLE_ARTICLE["id"], True)
    assert SAMPLE_ARTICLE["id"] in source.get().articles
