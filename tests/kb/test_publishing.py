import os
import shutil
import threading
from datetime import timezone
from pathlib import Path

import pytest
import yaml

from bot.kb import folder, publishing
from bot.kb.loader import load
from tests.support.live_kb import prune_follow_ups

ARTICLE = Path("articles", "qlvb", "dang_nhap.yml")
REMOVED = Path("articles", "chung", "lien_he.yml")
NEW_NOTE = "Lưu ý mới của người soạn bài."


def variant(repository_kb: Path, target: Path) -> Path:
    """The repository's knowledge base with one article removed and another's note changed."""
    shutil.copytree(repository_kb, target)
    (target / REMOVED).unlink()
    data = yaml.safe_load((target / ARTICLE).read_text(encoding="utf-8"))
    data["answer"]["note"] = NEW_NOTE
    (target / ARTICLE).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return target


def small(repository_kb: Path, target: Path) -> Path:
    """A knowledge base of a few of the repository's articles, quick to load again and again."""
    for relative in folder.files(repository_kb):
        if (
            relative.parts[0] != "articles"
            or relative in (ARTICLE, REMOVED)
            or "hntt" in relative.parts
        ):
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(repository_kb / relative, target / relative)
    prune_follow_ups(target)
    return target


def test_nothing_published_means_the_repository_is_live(state: Path, repository_kb: Path) -> None:
    assert publishing.live_dir(state, repository_kb) == repository_kb
    assert publishing.current_version(state) is None
    assert publishing.history(state) == []


def test_seeding_publishes_the_repository_once_and_again_when_it_changes(
    state: Path, repository_kb: Path
) -> None:
    live = publishing.ensure_seeded(state, repository_kb, author="khởi động")
    assert live == (state / "kb" / "versions" / "0001").resolve()
    assert os.readlink(state / "kb" / "current") == "versions/0001"
    assert folder.fingerprint(live) == folder.fingerprint(repository_kb)
    [first] = publishing.history(state)
    assert (first.number, first.from_repository, first.author) == (1, True, "khởi động")
    assert first.source == "knowledge_base"
    assert first.published_at.tzinfo == timezone.utc
    assert first.summary["added"] == len(load(repository_kb).articles)

    assert publishing.ensure_seeded(state, repository_kb) == live
    assert len(publishing.history(state)) == 1

    with (repository_kb / "abbreviations.yml").open("a", encoding="utf-8") as file:
        file.write("thủ tục hành chính: [tthc]\n")
    assert publishing.ensure_seeded(state, repository_kb).name == "0002"
    second = publishing.history(state)[-1]
    assert second.from_repository and second.needs_training
    assert second.summary == dict.fromkeys(second.summary, 0)


def test_a_trainers_version_stays_live_across_restarts(
    state: Path, repository_kb: Path, tmp_path: Path
) -> None:
    publishing.ensure_seeded(state, repository_kb)
    changed = variant(repository_kb, tmp_path / "changed")
    published = publishing.publish(state, changed, author="Lan", source="kb.xlsx")
    assert publishing.ensure_seeded(state, repository_kb) == published.path.resolve()


def test_publish_history_and_rollback_restore_the_old_answer_byte_for_byte(
    state: Path, repository_kb: Path, tmp_path: Path
) -> None:
    original = (repository_kb / ARTICLE).read_bytes()
    publishing.ensure_seeded(state, repository_kb)
    changed = publishing.publish(
        state, variant(repository_kb, tmp_path / "changed"), author="Lan", source="kb.xlsx"
    )
    assert changed.number == 2
    assert changed.summary == {
        "added": 0,
        "changed": 1,
        "removed": 1,
        "questions_added": 0,
        "questions_removed": len(load(repository_kb).articles["chung.lien_he"].questions),
    }
    assert changed.needs_training
    live = publishing.live_dir(state, repository_kb)
    assert load(live).articles["qlvb.dang_nhap"].answer.note == NEW_NOTE

    restored = publishing.rollback(state, 1, author="Minh")
    assert (restored.number, restored.restored_from, restored.author) == (3, 1, "Minh")
    live = publishing.live_dir(state, repository_kb)
    assert (live / ARTICLE).read_bytes() == original
    assert folder.fingerprint(live) == folder.fingerprint(repository_kb)

    undone = publishing.rollback(state, 2, author="Minh")
    assert undone.number == 4
    assert load(undone.path).articles["qlvb.dang_nhap"].answer.note == NEW_NOTE
    assert [v.number for v in publishing.history(state)] == [1, 2, 3, 4]
    assert publishing.current_version(state) == 4


def test_an_unknown_version_cannot_be_rolled_back_to(state: Path, repository_kb: Path) -> None:
    publishing.ensure_seeded(state, repository_kb)
    with pytest.raises(publishing.UnknownVersion):
        publishing.rollback(state, 7, author="Minh")
    assert publishing.current_version(state) == 1


def test_a_broken_folder_is_not_published(state: Path, repository_kb: Path, tmp_path: Path) -> None:
    publishing.ensure_seeded(state, repository_kb)
    broken = shutil.copytree(repository_kb, tmp_path / "broken")
    (broken / ARTICLE).write_text("id: qlvb.dang_nhap\n", encoding="utf-8")
    with pytest.raises(publishing.InvalidKnowledgeBase) as raised:
        publishing.publish(state, broken, author="Lan", source="x.xlsx")
    assert any("dang_nhap.yml: title: chưa có nội dung" in p for p in raised.value.problems)
    assert publishing.current_version(state) == 1
    assert sorted(p.name for p in (state / "kb" / "versions").iterdir()) == ["0001"]


def test_a_change_prepared_on_an_old_version_is_refused(
    state: Path, repository_kb: Path, tmp_path: Path
) -> None:
    publishing.ensure_seeded(state, repository_kb)
    changed = variant(repository_kb, tmp_path / "changed")
    publishing.publish(state, changed, author="Lan", source="a.xlsx", based_on=1)
    with pytest.raises(publishing.Conflict) as raised:
        publishing.publish(state, repository_kb, author="Minh", source="b.xlsx", based_on=1)
    assert (raised.value.expected, raised.value.actual) == (1, 2)
    assert publishing.current_version(state) == 2


def test_a_crashed_publishers_leftovers_are_cleared_and_never_listed(
    state: Path, repository_kb: Path
) -> None:
    publishing.ensure_seeded(state, repository_kb)
    leftover = state / "kb" / "versions" / ".incoming-crashed"
    shutil.copytree(repository_kb / "articles", leftover / "articles")
    assert [v.number for v in publishing.history(state)] == [1]
    publishing.rollback(state, 1, author="Minh")
    assert not leftover.exists()
    assert [v.number for v in publishing.history(state)] == [1, 2]


def test_a_reader_never_sees_a_partial_knowledge_base_during_publishes(
    state: Path, root: Path, tmp_path: Path
) -> None:
    repository_kb = small(root / "knowledge_base", tmp_path / "small")
    publishing.ensure_seeded(state, repository_kb)
    changed = variant(repository_kb, tmp_path / "changed")
    whole = set()
    for kb_dir in (repository_kb, changed):
        kb = load(kb_dir)
        whole.add((frozenset(kb.articles), kb.articles["qlvb.dang_nhap"].answer.note))
    seen: set[tuple[frozenset[str], str]] = set()
    failures: list[str] = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            kb = load(publishing.live_dir(state, repository_kb))
            found = (frozenset(kb.articles), kb.articles["qlvb.dang_nhap"].answer.note)
            if kb.problems or found not in whole:
                failures.append(f"{kb.problems} {len(kb.articles)}")
            seen.add(found)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for number in range(20):
            source = changed if number % 2 == 0 else repository_kb
            publishing.publish(state, source, author="Lan", source=f"{number}.xlsx")
    finally:
        done.set()
        reader.join()
    assert failures == []
    assert seen == whole
    assert publishing.current_version(state) == 21


def test_concurrent_publishers_land_as_distinct_whole_versions(
    state: Path, root: Path, tmp_path: Path
) -> None:
    repository_kb = small(root / "knowledge_base", tmp_path / "small")
    publishing.ensure_seeded(state, repository_kb)
    sources = [repository_kb, variant(repository_kb, tmp_path / "changed")] * 3
    start = threading.Barrier(len(sources))
    published: list[publishing.Version] = []
    errors: list[BaseException] = []

    def publish(number: int, source: Path) -> None:
        start.wait()
        try:
            published.append(
                publishing.publish(state, source, author=f"người {number}", source="x.xlsx")
            )
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=publish, args=pair) for pair in enumerate(sources)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(v.number for v in published) == list(range(2, 2 + len(sources)))
    assert len({v.author for v in published}) == len(sources)
    for version in publishing.history(state):
        assert load(version.path).problems == []
    assert publishing.current_version(state) in {v.number for v in published}
