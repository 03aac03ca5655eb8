"""Train a model when its inputs changed, and only then."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.kb import folder, loader, training_data
from bot.nlu import project_texts
from bot.texts import texts

logger = logging.getLogger(__name__)

# Everything a model is made from beside the knowledge base: a change to any of these (or to
# the knowledge base's files) means a new model. Of bot/kb, only what turns articles into
# training data: publishing and reports change no model.
_INPUTS = (
    "domain.yml",
    "nlu_data",
    "bot/nlu",
    "bot/kb/article.py",
    "bot/kb/loader.py",
    "bot/kb/training_data.py",
)


class TrainingInputError(ValueError):
    """The knowledge base or training data cannot be trained on."""


@dataclass(frozen=True)
class Project:
    """Where the project's files are, and which knowledge base and folders a training uses.

    By default the repository's knowledge_base/, build/ and models/; the background retraining
    (`bot/assistant/retrain.py`) trains the live knowledge base into folders of its own.
    """

    root: Path
    knowledge_base_dir: Path | None = None
    build_dir: Path | None = None
    models_dir: Path | None = None

    @property
    def knowledge_base(self) -> Path:
        """The knowledge base folder trained from."""
        return self.knowledge_base_dir or self.root / "knowledge_base"

    @property
    def generated(self) -> Path:
        """Training data and domain generated from the knowledge base."""
        return (self.build_dir or self.root / "build") / "generated"

    @property
    def models(self) -> Path:
        """Trained models, named by what they were trained from."""
        return self.models_dir or self.root / "models"


def fingerprint(project: Project, config: Path) -> str:
    """A short hash of the config and every training input.

    The knowledge base counts by its files' names and contents (`folder.fingerprint`), wherever
    it lies, so a published copy of the repository's knowledge base maps to the same model.
    """
    digest = hashlib.sha256()
    digest.update(config.read_bytes())
    for name in _INPUTS:
        path = project.root / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if file.suffix == ".pyc" or "__pycache__" in file.parts:
                continue
            digest.update(str(file.relative_to(project.root)).encode())
            digest.update(file.read_bytes())
    # The replies' texts teach the restorer (`bot/nlu/project_texts.py`).
    for package, pattern in project_texts.PATTERNS:
        for file in sorted((project.root / package).glob(pattern)):
            digest.update(str(file.relative_to(project.root)).encode())
            digest.update(file.read_bytes())
    digest.update(b"knowledge_base" + folder.fingerprint(project.knowledge_base).encode())
    return digest.hexdigest()[:12]


def generate(project: Project) -> None:
    """Validate the knowledge base and write its training data and domain."""
    kb = loader.load(project.knowledge_base)
    if kb.problems:
        raise TrainingInputError("\n".join(kb.problems))
    out = project.generated
    (out / "data").mkdir(parents=True, exist_ok=True)
    # training_data.write reads phrasing.yml from the repository's knowledge base; a published
    # version may have its own, so the files are written here from the trained folder.
    phrasing = training_data.Phrasing.load(project.knowledge_base / "phrasing.yml")
    files = {
        out / "data" / "kb_nlu.yml": training_data.nlu_yaml(kb, phrasing),
        out / "data" / "wrapped_nlu.yml": training_data.wrapped_nlu_yaml(
            project.root / "nlu_data", phrasing
        ),
        out / "data" / "kb_rules.yml": training_data.rules_yaml(kb),
        out / "domain.yml": training_data.domain_yaml(kb, project.root / "domain.yml"),
    }
    for path, content in files.items():
        path.write_text(content, encoding="utf-8")


def pipeline_config(config: Path, knowledge_base: Path) -> dict[str, Any]:
    """The pipeline's config reading the knowledge base being trained, not the repository's.

    Components that read the knowledge base folder themselves (abbreviations, thesaurus, the
    articles' text) must see the same version as the generated training data: a published
    version when retraining, a copy with questions held out when cross-validating.
    """
    settings: dict[str, Any] = yaml.safe_load(config.read_text(encoding="utf-8"))
    for component in settings.get("pipeline") or []:
        if "abbreviations" in component:
            component["abbreviations"] = str(knowledge_base / "abbreviations.yml")
        if "knowledge_base" in component:
            component["knowledge_base"] = str(knowledge_base)
        if component.get("domain"):
            # Written relative to the config, which lies at the project's root.
            component["domain"] = str(config.parent / component["domain"])
    return settings


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
        # Rasa's cache keys a component by its config and Rasa's inputs only: it would reuse a
        # tokenizer trained by older code, or before the articles' answers changed (read from
        # the knowledge base folder). The model's own name already says when to train.
        force_training=True,
    )
    if result.code != 0 or not result.model:
        raise TrainingInputError(texts("bot.assistant").say("training.failed", code=result.code))
    return Path(result.model)
