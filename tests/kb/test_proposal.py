from pathlib import Path
from typing import Any

import pytest

from bot.kb import proposal, publishing
from bot.kb.loader import load
from tests.kb.workbooks import cell, edited, exported


def _new_title(sheet: Any) -> None:
    cell(sheet, "qlvb.dang_nhap", "title").value = "Đăng nhập QLVB lần đầu"


def test_a_proposal_changes_nothing_until_applied(
    state: Path, repository_kb: Path, tmp_path: Path
) -> None:
    path = edited(exported(repository_kb, tmp_path / "kb.xlsx"), tmp_path / "a.xlsx", _new_title)
    found = proposal.propose(path, state, repository_kb)
    assert (found.problems, found.base_version, found.base_dir) == ([], None, repository_kb)
    assert [c.fields for c in found.diff.changed] == [("title",)]
    assert not (state / "kb").exists()

    published = proposal.apply(found, state, repository_kb, author="Lan")
    assert [v.number for v in publishing.history(state)] == [1, 2]
    assert load(published.path).articles["qlvb.dang_nhap"].title == "Đăng nhập QLVB lần đầu"


def test_a_proposal_made_before_another_publish_is_refused(
    state: Path, repository_kb: Path, tmp_path: Path
) -> None:
    publishing.ensure_seeded(state, repository_kb)
    source = exported(repository_kb, tmp_path / "kb.xlsx")
    first = proposal.propose(edited(source, tmp_path / "a.xlsx", _new_title), state, repository_kb)
    late = proposal.propose(
        edited(source, tmp_path / "b.xlsx", lambda s: s.delete_rows(2)), state, repository_kb
    )
    proposal.apply(first, state, repository_kb, author="Lan")
    with pytest.raises(publishing.Conflict):
        proposal.apply(late, state, repository_kb, author="Minh")
    assert publishing.current_version(state) == 2
