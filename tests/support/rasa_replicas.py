"""Rasa replicas as `helpdesk model roll` meets them: `/status` and `PUT /model` behind the
API token in the query string (as `rasa run --auth-token` guards them), each replica served
on 127.0.0.1 and recording what it was asked, in one shared log so the order shows."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field
from pathlib import PurePath

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


@dataclass
class Replica:
    """One replica: the model it serves, and how it answers a load (`fails_with` a status)."""

    name: str
    token: str
    log: list[str]
    model_file: str = "/app/models/config-old.tar.gz"
    fails_with: int = 0
    pretends: bool = False  # says it loaded, but keeps the old model
    # A load waits until this is set, as a slow load would (the test sets it before stopping).
    loading: threading.Event | None = None
    loads: list[str] = field(default_factory=list)

    def app(self) -> Starlette:
        """The replica's API."""

        def admitted(request: Request) -> bool:
            self.log.append(f"{self.name} {request.method} {request.url.path}")
            return request.query_params.get("token") == self.token

        async def status(request: Request) -> Response:
            if not admitted(request):
                return JSONResponse({"message": "User is not authenticated."}, status_code=401)
            return JSONResponse({"model_file": self.model_file, "num_active_training_jobs": 0})

        async def load(request: Request) -> Response:
            if not admitted(request):
                return JSONResponse({"message": "User is not authenticated."}, status_code=401)
            wanted = str((await request.json())["model_file"])
            self.loads.append(wanted)
            if self.loading is not None:
                await asyncio.get_running_loop().run_in_executor(None, self.loading.wait)
            if self.fails_with:
                message = f"Agent with name '{PurePath(wanted).name}' could not be loaded."
                return JSONResponse({"message": message}, status_code=self.fails_with)
            if not self.pretends:
                self.model_file = wanted
            return Response(status_code=204)

        return Starlette(routes=[Route("/status", status), Route("/model", load, methods=["PUT"])])
