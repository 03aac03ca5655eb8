"""How the assistant's processes reach the Rasa server: its address (or its replicas'), the
wait, and the tokens of its API and of its channel. Settings of the one base, `bot.settings`."""

from __future__ import annotations

from pydantic import SecretStr, validator

from bot.replicas import replica_urls
from bot.settings import HelpdeskSettings, long_secret, positive, problem


def replica_list(value: str | None) -> str | None:
    """`value` if it lists http(s) addresses, each once (or is unset or blank)."""
    if value is None or not value.strip():
        return None
    urls = replica_urls(value)
    if len(set(urls)) != len(urls) or not all(u.startswith(("http://", "https://")) for u in urls):
        raise problem("replicas")
    return value


class AssistantSettings(HelpdeskSettings):
    """How the chats reach the Rasa server, and how long an official may wait for a reply."""

    rasa_url: str = "http://127.0.0.1:5005"
    # Several Rasa replicas, comma-separated, in the same order for every gateway: each
    # conversation goes to one of them (bot/replicas.py). Unset: the one at rasa_url.
    rasa_urls: str | None = None
    rasa_timeout_seconds: float = 8.0
    # Turns one process sends a replica at once (bot/rasa.py): more only wait in its queue.
    rasa_concurrency: int = 8

    _positive_rasa_timeout = validator("rasa_timeout_seconds", allow_reuse=True)(positive)
    _positive_rasa_concurrency = validator("rasa_concurrency", allow_reuse=True)(positive)
    _replicas = validator("rasa_urls", allow_reuse=True)(replica_list)

    @property
    def replicas(self) -> list[str]:
        """The Rasa replicas' base URLs when there are several (rasa_urls), else none."""
        return replica_urls(self.rasa_urls or "")


class RasaApiSettings(AssistantSettings):
    """The Rasa server's HTTP API (`/status`, `PUT /model`...) and the token it asks for.

    Optional for a caller: `helpdesk retrain` falls back to the token `helpdesk run` generated
    into the state folder, and without any it calls a server started without one.
    """

    rasa_api_token: SecretStr | None = None

    _long_token = validator("rasa_api_token", allow_reuse=True)(long_secret)


class RasaChannelSettings(AssistantSettings):
    """What a chat needs to talk to Rasa's REST channel: the address, the wait and the token.

    Required: the channel takes a message for any sender id, so without it anyone on the
    machine could talk as any official and ask for their tickets. `helpdesk run` generates one.
    """

    rasa_channel_token: SecretStr

    _long_channel_token = validator("rasa_channel_token", allow_reuse=True)(long_secret)


class RasaServerSettings(RasaApiSettings, RasaChannelSettings):
    """The Rasa server `helpdesk rasa` starts: its API and its channel only ever behind tokens."""

    rasa_api_token: SecretStr
