"""A small knowledge base of real articles, published as `helpdesk run` publishes it."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.support.live_kb import prune_follow_ups

# Real articles, few enough for a pipeline to train in seconds.
SMALL_ARTICLES = (
    "qlvb/quen_mat_khau.yml",
    "qlvb/doi_mat_khau.yml",
    "kyso/khong_nhan_token.yml",
    "hntt/mat_tieng.yml",
)


def small_knowledge_base(root: Path, target: Path) -> Path:
    """A knowledge base folder at `target` with the project's files and a few of its articles."""
    source = root / "knowledge_base"
    for name in ("software.yml", "abbreviations.yml", "phrasing.yml"):
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / name, target / name)
    for article in SMALL_ARTICLES:
        (target / "articles" / article).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / "articles" / article, target / "articles" / article)
    prune_follow_ups(target)
    return target
