"""Trainers for tests: the fake Bot API with files to download, a state folder, and helpers.

`TrainerTelegram` adds what a trainer's upload needs to the fake Bot API: `getFile` and the
file download address (`/file/bot<token>/<path>`), plus `editMessageReplyMarkup`. The gateway
runs on a temporary copy of the project's knowledge base and an empty state folder, and
retraining is never really started: `training_starts` records the calls instead.

The fixtures' functions end in `_fixture` and are named for pytest without it, so a test module
imports them (which puts them in its scope) without its parameters shadowing the imports.
"""

from __future__ import annotations

import html
import itertools
import re
import shutil
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.assistant import retrain
from bot.gateway.app import create_app
from bot.gateway.settings import GatewaySettings
from bot.kb import publishing
from bot.kb.article import Article
from bot.kb.loader import load
from tests.channels.telegram.fakes import (
    FakeTelegram,
    Gateway,
    callback_update,
    fast_limiter,
    message_update,
    running_gateway,
)

TRAINER, OTHER_TRAINER, OUTSIDER = 7001001, 7002002, 9008007
_file_ids = itertools.count(1)


@dataclass
class TrainerTelegram(FakeTelegram):
    """The fake Bot API, also serving the files trainers send."""

    files: dict[str, bytes] = field(default_factory=dict)

    def app(self) -> Starlette:
        """The Bot API's methods, and `GET /file/bot<token>/<path>` for the files."""
        app = super().app()
        app.router.routes.append(
            Route("/file/bot{token}/{path:path}", self._download, methods=["GET"])
        )
        return app

    def document(self, data: bytes, name: str | None, size: int | None = -1) -> dict[str, Any]:
        """A Document object for `data` (kept for download); `size` None leaves it out."""
        file_id = f"doc{next(_file_ids)}"
        self.files[file_id] = data
        found: dict[str, Any] = {"file_id": file_id, "file_unique_id": f"u{file_id}"}
        if name is not None:
            found["file_name"] = name
        if size is not None:
            found["file_size"] = len(data) if size == -1 else size
        return found

    async def _getFile(self, params: dict[str, Any]) -> Any:
        file_id = str(params.get("file_id"))
        if file_id not in self.files:
            refusal = {
                "ok": False,
                "error_code": 400,
                "description": "Bad Request: invalid file_id",
            }
            return JSONResponse(refusal, status_code=400)
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_size": len(self.files[file_id]),
            "file_path": f"documents/{file_id}",
        }

    async def _editMessageReplyMarkup(self, params: dict[str, Any]) -> Any:
        return True

    async def _download(self, request: Request) -> Response:
        if request.path_params["token"] != self.token:
            return Response(status_code=401)
        file_id = str(request.path_params["path"]).removeprefix("documents/")
        if file_id not in self.files:
            return Response(status_code=404)
        return Response(self.files[file_id], media_type="application/octet-stream")


def shown(text: str) -> str:
    """A message as people read it: HTML tags and escapes undone."""
    return html.unescape(re.sub(r"</?b>", "", text))


def said(fake: FakeTelegram, chat_id: int = TRAINER) -> list[str]:
    """What the bot wrote to `chat_id`, as people read it."""
    return [shown(text) for text in fake.texts(chat_id)]


def document_update(
    fake: TrainerTelegram, data: bytes, name: str | None, user_id: int = TRAINER, **kw: Any
) -> dict[str, Any]:
    """An update with `data` sent as a document called `name` by `user_id`, privately."""
    return message_update(
        None, chat_id=user_id, extra={"document": fake.document(data, name, **kw)}
    )


def buttons(fake: FakeTelegram, chat_id: int = TRAINER) -> dict[str, str]:
    """The titles and data of the buttons under the bot's last message with buttons."""
    for params in reversed(fake.of("sendMessage")):
        if int(params["chat_id"]) == chat_id and "reply_markup" in params:
            rows = params["reply_markup"]["inline_keyboard"]
            return {b["text"]: b["callback_data"] for row in rows for b in row}
    return {}


async def press(gateway: Gateway, data: str, user_id: int = TRAINER) -> dict[str, Any]:
    """Press the button carrying `data` as `user_id`; the update sent."""
    update = callback_update(data, chat_id=user_id)
    response = await gateway.post_update(update)
    assert response.status_code == 200
    return update


def live(state: Path, project: Path) -> dict[str, Article]:
    """The live knowledge base's articles, as the assistant reads them."""
    return load(publishing.live_dir(state, project / "knowledge_base")).articles


@dataclass
class TrainingStarts:
    """The calls to `retrain.start_in_background`, which tests never let run."""

    calls: list[tuple[Any, ...]] = field(default_factory=list)

    def __call__(self, *args: Any) -> None:
        self.calls.append(args)


@pytest.fixture(name="fake_telegram")
async def fake_telegram_fixture() -> AsyncIterator[TrainerTelegram]:
    """The fake Bot API with file downloads (not served yet)."""
    yield TrainerTelegram()


@pytest.fixture(name="training_starts", autouse=True)
def training_starts_fixture(monkeypatch: pytest.MonkeyPatch) -> TrainingStarts:
    """Record background retraining instead of starting `rasa train`."""
    starts = TrainingStarts()
    monkeypatch.setattr(retrain, "start_in_background", starts)
    return starts


@pytest.fixture(name="project")
def project_fixture(root: Path, tmp_path: Path) -> Path:
    """A project folder holding a copy of the project's real knowledge base."""
    target = tmp_path / "project"
    shutil.copytree(root / "knowledge_base", target / "knowledge_base")
    return target


@pytest.fixture(name="state")
def state_fixture(tmp_path: Path) -> Path:
    """The state folder, empty: nothing published yet."""
    return tmp_path / "state"


@pytest.fixture(name="trainer_settings")
def trainer_settings_fixture(
    settings: GatewaySettings, project: Path, state: Path
) -> Iterator[GatewaySettings]:
    """The fakes' gateway settings with two trainers, the state folder and the project copy."""
    yield GatewaySettings(
        **{
            **settings.dict(),
            "telegram_trainer_ids": f"{TRAINER}, {OTHER_TRAINER}",
            "state_dir": state,
            "project_dir": project,
        }
    )


@pytest.fixture(name="trainer_gateway")
async def trainer_gateway_fixture(trainer_settings: GatewaySettings) -> AsyncIterator[Gateway]:
    """The gateway on the fakes with trainers on, in webhook mode."""
    app = create_app(trainer_settings, rate_limiter=fast_limiter())
    async with running_gateway(app) as served:
        yield served
