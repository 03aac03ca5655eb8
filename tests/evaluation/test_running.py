from pathlib import Path

import pytest
import yaml

from bot.assistant.training import Project, generate, model_path
from bot.evaluation import running
from bot.evaluation.folds import split
from bot.kb.loader import KnowledgeBase
from bot.kb.training_data import Phrasing


@pytest.fixture
def project_root(root: Path, tmp_path: Path) -> Path:
    """A project folder whose build/ is a temporary one: the rest is the real project's."""
    for name in ("domain.yml", "nlu_data", "bot"):
        (tmp_path / name).symlink_to(root / name)
    return tmp_path


def test_a_fold_trains_into_folders_of_its_own_without_its_held_out_questions(
    root: Path, knowledge_base: KnowledgeBase, project_root: Path
) -> None:
    fold = split(knowledge_base, 3, set(), set())[1]

    project = running.fold_project(project_root, root / "knowledge_base", knowledge_base, fold)
    generate(project)

    assert project.models == project_root / running.FOLDS / "models"
    assert project.knowledge_base.is_relative_to(project_root / running.FOLDS)
    fold_model = model_path(project, root / "config.yml")
    assert fold_model.parent == project.models
    assert fold_model.name != model_path(Project(root), root / "config.yml").name
    generated = (project.generated / "data" / "kb_nlu.yml").read_text(encoding="utf-8")
    examples = {line.strip().removeprefix("- ") for line in generated.splitlines()}
    phrasing = Phrasing.load(root / "knowledge_base" / "phrasing.yml")
    for case in fold.cases:
        body = case.text[:1].lower() + case.text[1:]
        wrapped = {f"{o} {body}{e}" for o in phrasing.openings for e in phrasing.endings}
        assert case.text not in examples
        assert not wrapped & examples, case.text
    kept = next(iter(knowledge_base.articles.values())).questions[0]
    assert kept in examples


def test_every_pipeline_of_a_fold_reads_the_folds_knowledge_base(
    root: Path,
    knowledge_base: KnowledgeBase,
    project_root: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fold = split(knowledge_base, 3, set(), set())[0]
    project = running.fold_project(project_root, root / "knowledge_base", knowledge_base, fold)
    trained: list[Path] = []

    def train(project: Project, config: Path) -> Path:
        trained.append(config)
        return model_path(project, config)

    monkeypatch.setattr(running, "train", train)
    configs = {"ours": root / "config.yml", "stock": root / "config.baseline.yml"}

    models = running.train_fold(project, configs)

    assert [c.name for c in trained] == ["config.yml", "config.baseline.yml"]
    assert all(m.parent == project.models for m in models.values())
    ours = yaml.safe_load(trained[0].read_text(encoding="utf-8"))
    for component in ours["pipeline"]:
        for option in ("knowledge_base", "abbreviations"):
            if option in component:
                assert Path(component[option]).is_relative_to(project.knowledge_base)
