"""Train a model when its inputs changed, and only then."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

from bot.kb import loader, training_data

logger = logging.getLogger(__name__)

# Everything a model is made from: a change to any of these means a new model.
_INPUTS = ("domain.yml", "nlu_data", "knowledge_base", "bot/nlu", "bot/kb")


class TrainingInputError(ValueError):
    """The knowledge base or training data cannot be trained on."""


@dataclass(frozen=True)
class Project:
    """Where the project's files are."""

    root: Path

    @property
    def generated(self) -> Path:
        """Training data and domain generated from the knowledge base."""
        return self.root / "build" / "generated"

    @property
    def models(self) -> Path:
        """Trained models, named by what they were trained from."""
        return self.root / "models"


def fingerprint(project: Project, config: Path) -> str:
    """A short hash of the config and every training input."""
    digest = hashlib.sha256()
    files = [config]
    for name in _INPUTS:
        path = project.root / name
        files.extend(sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path])
    for path in files:
        if path.suffix in {".pyc"} or "__pycache__" in path.parts:
            continue
        digest.update(str(path.relative_to(project.root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def generate(project: Project) -> None:
    """Validate the knowledge base and write its training data and domain."""
    kb = loader.load(project.root / "knowledge_base")
    if kb.problems:
        raise TrainingInputError("\n".join(kb.problems))
    training_data.write(kb, project.root, project.generated)


def model_path(project: Project, config: Path) -> Path:
    """Where the model of this config and these inputs is (or will be)."""
    return project.models / f"{config.stem.replace('.', '-')}-{fingerprint(project, config)}.tar.gz"


def train(project: Project, config: Path, force: bool = False) -> Path:
    """Return the model for `config`, training it first if it does not exist."""
    target = model_path(project, config)
    if target.exists() and not force:
        logger.info("Model %s is up to date", target.name)
        return target
    generate(project)
    from rasa.model_training import train as rasa_train  # heavy: TensorFlow

    result = rasa_train(
        domain=str(project.generated / "domain.yml"),
        config=str(config),
        training_files=[str(project.root / "nlu_data"), str(project.generated / "data")],
        output=str(project.models),
        fixed_model_name=target.name.removesuffix(".tar.gz"),
        force_training=force,
    )
    if result.code != 0 or not result.model:
        raise TrainingInputError(f"rasa train failed with code {result.code}")
    return Path(result.model)
