"""`helpdesk actions` and `helpdesk rasa`: the two servers of the assistant, behind their tokens.

`helpdesk run` starts both. Each listens on 127.0.0.1 unless `--host` says otherwise (in a
container, where the other processes reach it over the network: every hop still carries its
token, docs/security.md) and reads its token from the environment (never from the command
line, which every user of the machine can read in `ps`):
- `actions` serves the actions package and refuses any call without
  HELPDESK_ACTION_SERVER_TOKEN;
- `rasa` is `rasa run` with its HTTP API (`/status`, `/model`...) on, always behind
  HELPDESK_RASA_API_TOKEN; it sends HELPDESK_ACTION_SERVER_TOKEN to the action server
  (endpoints.yml), so it needs that one too. Its REST channel, which the API token does not
  guard, answers only HELPDESK_RASA_CHANNEL_TOKEN (credentials.yml names the channel of
  bot/assistant/rasa_channel.py, and Rasa reads the token from this process's environment).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

from pydantic import BaseSettings, ValidationError

from bot.assistant.rasa_endpoints import write_endpoints
from bot.cli.settings_errors import print_settings_errors
from bot.db import holds_conversations
from bot.office_hours.settings import OfficeHoursSettings
from bot.rasa_settings import RasaServerSettings
from bot.settings import ActionServerSettings
from bot.store.shared_settings import SharedStateSettings
from bot.texts import texts

# The variables Rasa reads for TensorFlow's thread pools (rasa/utils/tensorflow/environment.py),
# and those NumPy's OpenBLAS and OpenMP read when they load.
COMPUTE_THREADS = (
    "TF_INTER_OP_PARALLELISM_THREADS",
    "TF_INTRA_OP_PARALLELISM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "OMP_NUM_THREADS",
)

HOST = "127.0.0.1"


def register(commands: Any) -> None:
    """Add the `actions` and `rasa` commands."""
    said = texts("bot.cli")
    port = said.say("metavars.port")
    actions = commands.add_parser("actions", help=said.say("actions.help"))
    add_host(actions)
    actions.add_argument(
        "--port", type=int, default=5055, metavar=port, help=said.say("actions.port")
    )
    actions.set_defaults(handler=_actions)
    rasa = commands.add_parser("rasa", help=said.say("rasa.help"))
    add_host(rasa)
    rasa.add_argument("--port", type=int, default=5005, metavar=port, help=said.say("rasa.port"))
    rasa.add_argument(
        "--model", required=True, metavar=said.say("metavars.file"), help=said.say("rasa.model")
    )
    rasa.set_defaults(handler=_rasa)


def add_host(parser: Any) -> None:
    """Add `--host`: the address a server listens on, 127.0.0.1 unless a container needs more."""
    said = texts("bot.cli")
    parser.add_argument(
        "--host", default=HOST, metavar=said.say("metavars.address"), help=said.say("options.host")
    )


def _refused(*kinds: type[BaseSettings]) -> bool:
    """Whether any of the settings is refused, every refusal printed."""
    refused = False
    for kind in kinds:
        try:
            kind()
        except ValidationError as error:
            print_settings_errors(error)
            refused = True
    return refused


def _actions(args: argparse.Namespace) -> int:
    # The office hours too: a wrong file must stop the server, not a ticket's confirmation.
    if _refused(ActionServerSettings, OfficeHoursSettings):
        return 1
    token = ActionServerSettings().action_server_token  # type: ignore[call-arg]  # from the env
    from actions.server import serve  # imports every action, and Sanic

    serve(token.get_secret_value(), args.port, args.host)
    return 0


def one_compute_thread(environ: MutableMapping[str, str]) -> None:
    """One thread for TensorFlow's and NumPy's work in a turn, unless the environment says
    otherwise.

    A message's tensors and matrices are too small to share out, and each extra thread spins
    waiting for work on the cores the other replicas need (docs/benchmarks.md, "Many officials
    at once"). Set before Rasa, and so NumPy, is imported.
    """
    for variable in COMPUTE_THREADS:
        environ.setdefault(variable, "1")


def _rasa(args: argparse.Namespace) -> int:
    if _refused(RasaServerSettings, ActionServerSettings, SharedStateSettings):
        return 1
    # Rasa itself starts without a model it cannot find and answers `/` as if ready.
    model = Path(args.model)
    if not (model.is_file() or any(model.glob("*.tar.gz"))):
        print(texts("bot.cli").say("rasa.no_model", model=args.model), file=sys.stderr)
        return 1
    token = RasaServerSettings().rasa_api_token  # type: ignore[call-arg]  # from the env
    one_compute_thread(os.environ)
    from rasa.__main__ import main as rasa_main  # heavy: TensorFlow

    from bot.assistant import model_swap, rasa_patches, tracker_sqlite

    rasa_patches.install()
    model_swap.install()
    stores = SharedStateSettings()
    conversations = os.environ.get("RASA_TRACKER_DB")
    if conversations and not holds_conversations(stores.database_url):
        tracker_sqlite.install(Path(conversations))  # endpoints.yml: SQLite at RASA_TRACKER_DB
    with tempfile.TemporaryDirectory(prefix="helpdesk-rasa-") as folder:
        endpoints = write_endpoints(
            Path(folder), args.root / "endpoints.yml", stores.database_url, stores.redis_url
        )
        # Rasa reads its own command line; this process's, the one `ps` shows, keeps the token
        # out. "=": a token may start with "-", which argparse would take for an option.
        sys.argv = [
            *("rasa", "run", "--enable-api", f"--auth-token={token.get_secret_value()}"),
            *("-i", args.host, "-p", str(args.port), "-m", str(args.model)),
            *("--endpoints", str(endpoints)),
            *("--credentials", str(args.root / "credentials.yml")),
        ]
        rasa_main()
    return 0
