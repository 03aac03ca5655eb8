"""Retrain the NLU model on the live knowledge base in the background, and swap it in.

A published version that adds or removes articles needs a new model (`diff.needs_training`).
`helpdesk retrain` trains it from the live version into `<state>/kb/retrain/`, with `rasa train`
in a child process, writing its progress to `<state>/kb/training.json`, then asks the running
Rasa server to load it (`PUT /model`, with the server's API token); the old model serves until
the new one is loaded.

One retraining at a time (`retrain_lock.py`): a request made while one runs makes it train
again once done, on whatever version is live then.
"""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import yaml

from bot.assistant import processes, rollout
from bot.assistant import retrain_progress as progress
from bot.assistant.retrain_lock import exclusive, is_requested, request, take_request
from bot.assistant.retrain_progress import Progress, Tracker
from bot.assistant.training import (
    Project,
    TrainingInputError,
    generate,
    model_path,
    pipeline_config,
)
from bot.kb import publishing
from bot.replicas import replica_urls

logger = logging.getLogger(__name__)

_PROGRESS = "training.json"
_WORK = "retrain"
# Trained models of the live knowledge base kept: the one served and the one before.
_KEEP_MODELS = 2
# Loading a model into the Rasa server takes seconds; a minute means something is wrong.
_LOAD_TIMEOUT = 300.0


class TrainingFailed(RuntimeError):
    """`rasa train` exited with an error."""


class LoadRefused(RuntimeError):
    """The Rasa server answered the request to load the model with an error."""


def _home(state: Path) -> Path:
    return state / "kb"


def progress_path(state: Path) -> Path:
    """Where the progress of the latest retraining is written."""
    return _home(state) / _PROGRESS


def log_path(state: Path) -> Path:
    """Where `rasa train` and the background retraining write their output."""
    return _home(state) / _WORK / "retrain.log"


def read_progress(state: Path) -> Progress | None:
    """The latest retraining's progress, if there was one."""
    return progress.read(progress_path(state))


def live_project(state: Path, root: Path) -> Project:
    """The project as the live version makes it, built and trained into folders of its own."""
    work = _home(state) / _WORK
    return Project(
        root,
        knowledge_base_dir=publishing.live_dir(state, root / "knowledge_base"),
        build_dir=work / "build",
        models_dir=work / "models",
    )


def version_of(project: Project) -> int | None:
    """The published version the project trains from; None for the repository's folder."""
    folder = project.knowledge_base
    return int(folder.name) if folder.parent.name == "versions" and folder.name.isdigit() else None


def trained_model(state: Path, root: Path, config: Path) -> Path | None:
    """The model of the live knowledge base, if one was trained (here or by `helpdesk train`)."""
    return _existing_model(live_project(state, root), config)


def _existing_model(project: Project, config: Path) -> Path | None:
    target = model_path(project, config)
    for candidate in (project.root / "models" / target.name, target):
        if candidate.is_file():
            return candidate
    return None


def start_in_background(
    state: Path, root: Path, rasa_url: str | None, *, tied: bool = False
) -> subprocess.Popen[bytes]:
    """Start `helpdesk retrain --wait` in a process group of its own; return at once.

    It outlives the command that published (`helpdesk kb import` ends at once), unless `tied`:
    then it dies with this process (`helpdesk run` stops it with everything else it started).
    It reads Rasa's API token from the environment, else from `state` (bot/cli/retrain_command).
    """
    request(state)
    log = log_path(state)
    log.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "bot.cli.main", "--root", str(root), "retrain", "--wait"]
    command += ["--state-dir", str(state)]
    if rasa_url:
        command += ["--rasa-url", rasa_url]
    with log.open("ab") as output:
        return subprocess.Popen(
            command,
            cwd=root,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a group of its own: stopping it stops `rasa train` too
            preexec_fn=processes.dies_with_this_process() if tied else None,
        )


def run(
    state: Path,
    root: Path,
    rasa_url: str | None,
    config: Path | None = None,
    listener: Callable[[Progress], None] | None = None,
    rasa_token: str | None = None,
) -> Progress | None:
    """Retrain and swap in the model until no request is left; None if another one does it.

    `rasa_token` is the Rasa server's API token (HELPDESK_RASA_API_TOKEN), if it has one.
    """
    config = config or root / "config.yml"
    request(state)
    last: Progress | None = None
    # The request is looked at after the lock is let go, so one made while this process held
    # it is never lost: either it is seen here, or its own process gets the lock.
    while is_requested(state):
        with exclusive(state) as held:
            if not held:
                break
            take_request(state)
            last = _retrain_once(state, root, rasa_url, config, listener, rasa_token)
    return last


def _retrain_once(
    state: Path,
    root: Path,
    rasa_url: str | None,
    config: Path,
    listener: Callable[[Progress], None] | None,
    rasa_token: str | None = None,
) -> Progress:
    log = log_path(state)
    log.parent.mkdir(parents=True, exist_ok=True)
    # Resolved once: a version published during the training waits for the next round.
    project = live_project(state, root)
    tracker = Tracker(progress_path(state), version_of(project), log, listener)
    try:
        model = _existing_model(project, config)
        if model is None:
            generate(project)
            tracker.phase(progress.TRAINING)
            model = _train(project, config, model_path(project, config), log, tracker)
        tracker.phase(progress.LOADING, model=str(model))
        loaded = _load(rasa_url, model, rasa_token)
        _prune(project.models, keep=model)
        tracker.done(loaded)
    except TrainingInputError:
        logger.exception("The live knowledge base cannot be trained on")
        tracker.fail(progress.INVALID_KNOWLEDGE_BASE)
    except TrainingFailed:
        tracker.fail(progress.TRAINING_FAILED)
    except LoadRefused:
        logger.exception("The Rasa server did not load the new model")
        tracker.fail(progress.LOAD_FAILED)
    except Exception:
        # A background job nobody watches: the trainer reads the failure in the status.
        logger.exception("Retraining failed")
        tracker.fail(progress.UNEXPECTED)
    return tracker.progress


def _train(project: Project, config: Path, target: Path, log: Path, tracker: Tracker) -> Path:
    """Run `rasa train` in a child process, telling the tracker every second."""
    settings = project.generated.parent / "config.yml"
    settings.write_text(yaml.safe_dump(pipeline_config(config, project.knowledge_base)), "utf-8")
    command = [sys.executable, "-m", "rasa", "train", "--config", str(settings)]
    command += ["--domain", str(project.generated / "domain.yml"), "--out", str(project.models)]
    command += ["--data", str(project.root / "nlu_data"), str(project.generated / "data")]
    command += ["--fixed-model-name", target.name.removesuffix(".tar.gz")]
    # As `training.train`: Rasa's cache does not know our components' code or the folder.
    command.append("--force")
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
    with log.open("ab") as output:
        child = subprocess.Popen(
            command,
            cwd=project.root,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            # The assistant keeps answering on the same cores while this trains; and a
            # retraining that is stopped (or killed) takes its training down with it.
            preexec_fn=processes.dies_with_this_process(_lower_priority),
        )
        try:
            while child.poll() is None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    child.wait(timeout=1.0)
                tracker.tick()
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
    if child.returncode != 0 or not target.is_file():
        raise TrainingFailed(f"rasa train exited with code {child.returncode}; see {log}")
    return target


def _lower_priority() -> None:
    os.nice(10)


def _load(rasa_urls: str | None, model: Path, token: str | None = None) -> bool:
    """Have each running Rasa replica (comma-separated) serve `model`, one after the other
    (bot/assistant/rollout.py); False if none answers: it is used at the next start."""
    urls = replica_urls(rasa_urls or "")
    try:
        steps = rollout.roll(str(model.resolve()), urls, token, _LOAD_TIMEOUT)
    except rollout.RolloutStopped as stopped:
        raise LoadRefused(str(stopped)) from stopped
    return any(step.outcome != "unreachable" for step in steps)


def _prune(models: Path, keep: Path) -> None:
    """Delete all but the newest trained models of the live knowledge base."""
    if not models.is_dir():
        return
    trained = sorted(models.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in trained[_KEEP_MODELS:]:
        if old.resolve() != keep.resolve():
            old.unlink(missing_ok=True)
