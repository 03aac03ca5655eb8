"""The restorer trained without the rest of the model reads text as a trained model's would."""

from pathlib import Path

from bot.assistant.training import Project
from bot.evaluation.quick_restoration import tokenizer_config, tokens, train_tokenizer
from bot.evaluation.restoration import measure
from tests.nlu.conftest import small_knowledge_base


def small_project(root: Path, tmp_path: Path) -> Project:
    """The project's data and dialogue with a knowledge base of a few articles."""
    for name in ("nlu_data", "domain.yml"):
        (tmp_path / name).symlink_to(root / name)
    knowledge_base = small_knowledge_base(root, tmp_path / "knowledge_base")
    return Project(tmp_path, knowledge_base_dir=knowledge_base)


def test_the_tokenizer_takes_the_pipelines_settings_pointed_at_the_trained_knowledge_base(
    root: Path, tmp_path: Path
) -> None:
    project = small_project(root, tmp_path)
    settings = tokenizer_config(project, root / "config.yml")
    assert settings["knowledge_base"] == str(project.knowledge_base)
    # The config's own folder holds the domain, whose responses teach the restorer too.
    assert settings["domain"] == str(root / "domain.yml")
    assert settings["restore_diacritics"] is True


def test_the_tokenizer_alone_learns_the_projects_words_and_is_measured(
    root: Path, tmp_path: Path
) -> None:
    project = small_project(root, tmp_path)
    tokenizer = train_tokenizer(project, root / "config.yml")

    read = tokens(tokenizer)
    assert [text for text, _, _ in read("quen mat khau")] == ["quên", "mật_khẩu"]
    result = measure(["Tôi quên mật khẩu phần mềm quản lý văn bản"], read)
    assert result.total == 10
    assert result.right == 10
    # What training wrote is the project's generated data, beside its knowledge base.
    assert (project.generated / "data" / "kb_nlu.yml").is_file()
