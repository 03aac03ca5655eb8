"""Rolling a trained model to every Rasa replica, one replica at a time (docs/deploy.md).

Why it looks like this:
- Each replica loads the model itself, from the path it reads in the models volume all
  replicas share (`PUT /model`). Rasa answers with the old model until the new one is loaded,
  and the gateways keep sending each conversation to its own replica, so no turn goes
  elsewhere or is dropped; a turn that arrives while that replica loads waits for it.
- In the order given, each replica confirmed by `/status` naming the model before the next is
  asked: a model that does not load stops the roll at the first replica, and every replica
  not reached yet keeps answering with the model it has.
- A replica that does not answer at all is passed over, not waited for: `helpdesk rasa
  --model <folder>` loads the newest model of the folder when it starts again. One that stops
  answering while it loads stops the roll: the model may be what brought it down (memory),
  and the next replica would go the same way.
- Rasa takes its API token only in the query string; it is masked in every log line while
  the roll runs, and never part of what is returned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath

import httpx

from bot import redact

# Loading a model takes a replica tens of seconds on a busy machine; a status check is quick.
LOAD_TIMEOUT = 300.0
STATUS_TIMEOUT = 10.0
# How much of Rasa's own refusal is kept to say why a load failed.
_REASON_CHARACTERS = 300


@dataclass(frozen=True)
class Step:
    """What became of one replica: `loaded`, `already` (it served the model) or `unreachable`."""

    url: str
    outcome: str


class RolloutStopped(RuntimeError):
    """A replica did not load the model: the roll stopped there.

    `why` is one of `token` (the API token was refused), `refused` (Rasa answered `status`
    with `detail`), `timeout`, `lost` (it stopped answering while loading), `unconfirmed`
    (loaded, but `/status` names another model) or `transport`; `done` holds the replicas
    dealt with before it.
    """

    def __init__(
        self, url: str, why: str, done: Sequence[Step], status: int = 0, detail: str = ""
    ) -> None:
        super().__init__(f"{url}: {why}")
        self.url, self.why, self.done = url, why, list(done)
        self.status, self.detail = status, detail


def roll(
    model_file: str, urls: Sequence[str], token: str | None, load_timeout: float = LOAD_TIMEOUT
) -> list[Step]:
    """Have each Rasa server at `urls`, in turn, serve `model_file` (a path it can read)."""
    params = {"token": token} if token else {}
    protection = redact.install([token] if token else [])
    steps: list[Step] = []
    try:
        with httpx.Client(params=params, timeout=STATUS_TIMEOUT) as client:
            for url in urls:
                steps.append(_one(client, url.rstrip("/"), model_file, load_timeout, steps))
    finally:
        redact.uninstall(protection)
    return steps


def _one(
    client: httpx.Client, url: str, model_file: str, load_timeout: float, done: list[Step]
) -> Step:
    """Load `model_file` into the replica at `url`, or say why not."""
    name = PurePath(model_file).name
    try:
        if _served(client, url, done) == name:
            return Step(url, "already")
    except httpx.ConnectError:
        return Step(url, "unreachable")
    except httpx.HTTPError as error:
        raise _stopped(url, error, done) from error
    try:
        answer = client.put(f"{url}/model", json={"model_file": model_file}, timeout=load_timeout)
        if answer.status_code == httpx.codes.UNAUTHORIZED:
            raise RolloutStopped(url, "token", done)
        if not answer.is_success:
            detail = redact.mask(answer.text[:_REASON_CHARACTERS])
            raise RolloutStopped(url, "refused", done, answer.status_code, detail)
        if _served(client, url, done) != name:
            raise RolloutStopped(url, "unconfirmed", done)
    except httpx.ConnectError as error:
        raise RolloutStopped(url, "lost", done) from error
    except httpx.HTTPError as error:
        raise _stopped(url, error, done) from error
    return Step(url, "loaded")


def _stopped(url: str, error: httpx.HTTPError, done: list[Step]) -> RolloutStopped:
    """The stop an error of the transport means: a timeout, or another failure."""
    if isinstance(error, httpx.TimeoutException):
        return RolloutStopped(url, "timeout", done)
    return RolloutStopped(url, "transport", done, detail=redact.mask(str(error)))


def _served(client: httpx.Client, url: str, done: list[Step]) -> str:
    """The file name of the model the replica at `url` serves ("" if it serves none)."""
    status = client.get(f"{url}/status")
    if status.status_code == httpx.codes.UNAUTHORIZED:
        raise RolloutStopped(url, "token", done)
    try:
        body = status.json() if status.is_success else None
    except ValueError:
        body = None
    found = body.get("model_file") if isinstance(body, dict) else None
    return PurePath(str(found)).name if found else ""
