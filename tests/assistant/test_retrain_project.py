"""The training data of a published version, built beside the repository's, never over it."""

from __future__ import annotations

from pathlib import Path

from bot.assistant.training import Project, generate
from bot.kb import publishing, training_data
from bot.kb.loader import KnowledgeBase
from tests.support.live_kb import SAMPLE_ARTICLE, add_article, publish_edit


def files_under(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): p.read_text(encoding="utf-8")
        for p in sorted(folder.rglob("*.yml"))
    }


def test_the_repositorys_project_generates_what_kb_build_writes(
    root: Path, tmp_path: Path, knowledge_base: KnowledgeBase
) -> None:
    training_data.write(knowledge_base, root, tmp_path / "written")
    generate(Project(root, build_dir=tmp_path / "build"))
    assert files_under(tmp_path / "build" / "generated") == files_under(tmp_path / "written")


def test_a_published_version_is_trained_with_its_own_articles_and_phrasing(
    root: Path, tmp_path: Path
) -> None:
    state = tmp_path / "state"
    publishing.ensure_seeded(state, root / "knowledge_base")

    def edit(kb: Path) -> None:
        add_article(kb, SAMPLE_ARTICLE)
        phrasing = kb / "phrasing.yml"
        text = phrasing.read_text(encoding="utf-8")
        phrasing.write_text(text.replace("openings:\n", 'openings:\n  - "Kính gửi tổ IT,"\n'))

    publish_edit(state, root / "knowledge_base", edit)
    repository_build = root / "build" / "generated"
    before = files_under(repository_build) if repository_build.is_dir() else {}
    project = Project(
        root,
        knowledge_base_dir=publishing.live_dir(state, root / "knowledge_base"),
        build_dir=tmp_path / "build",
    )
    generate(project)

    nlu = (tmp_path / "build" / "generated" / "data" / "kb_nlu.yml").read_text(encoding="utf-8")
    domain = (tmp_path / "build" / "generated" / "domain.yml").read_text(encoding="utf-8")
    assert "- intent: kb_qlvb__xuat_excel" in nlu and "kb_qlvb__xuat_excel" in domain
    assert "Kính gửi tổ IT," in nlu
    assert (files_under(repository_build) if repository_build.is_dir() else {}) == before
