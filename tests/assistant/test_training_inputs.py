"""A model is named by everything it learns from, the replies' texts included."""

from pathlib import Path

from bot.assistant import training
from bot.assistant.training import Project, fingerprint


def test_a_changed_reply_text_means_a_new_model(root: Path, tmp_path: Path) -> None:
    for name in (*training._INPUTS, "knowledge_base"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).symlink_to(root / name)
    reply = tmp_path / "bot" / "chat" / "texts.yml"
    reply.parent.mkdir(parents=True)
    reply.write_text('greeting: "Xin chào anh/chị"\n', encoding="utf-8")
    project = Project(tmp_path)
    before = fingerprint(project, root / "config.yml")

    reply.write_text('greeting: "Chào anh/chị ạ"\n', encoding="utf-8")

    assert fingerprint(project, root / "config.yml") != before
