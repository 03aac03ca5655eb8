"""The hostile campaign of issue 12: thousands of bad requests at the real gateway and desk.

`python -m benchmarks.hostile [--requests N]` (`make bench-hostile`, part of `make bench`).
Starts `helpdesk desk serve` and `helpdesk gateway` as child processes on free local ports, with
secrets generated for the run and Telegram and Zalo on against fakes (benchmarks/hostile_fakes.py,
which also stands in for Rasa and counts every message reaching it). Then, WORKERS at a time,
sends the hostile shots (hostile_shots.py, hostile_desk.py) mixed with legitimate officials and a
staff member (hostile_legit.py), and checks (hostile_report.py): every request answered or
refused, each as its route should; only legitimate messages (and attackers' own typed text, never
as an intent) reached the assistant, each once; the desk holds exactly the tickets legitimately
asked for and nothing else changed; memory did not grow; both processes lived and stop whole.

Why child processes and not apps in this process: memory, crashes and stopping are what is
measured, and they are the processes' own. Exits 1 if any check fails.
"""

from __future__ import annotations

import argparse
import asyncio
import http.cookiejar
import random
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import httpx

from benchmarks import hostile_channels as channels
from benchmarks import hostile_desk as desk_shots
from benchmarks import hostile_legit as legit_traffic
from benchmarks import hostile_shots as shots
from benchmarks.hostile_fakes import Outside, Received
from benchmarks.hostile_legit import Legit, Outcome
from benchmarks.hostile_servers import ZALO_APP_ID, Servers, group_alive, memory_of, servers
from benchmarks.hostile_shots import Known, Maker, Shot
from bot.messages import LOCAL

WORKERS = 20
MAKERS: list[tuple[Maker, int]] = [
    (shots.msg_no_token, 4),
    (shots.msg_forged_token, 6),
    (shots.msg_other_sender, 4),
    (shots.msg_malformed, 6),
    (shots.msg_oversized, 4),
    (shots.msg_injected, 14),
    (shots.msg_replayed_choice, 5),
    (shots.inbox, 6),
    (shots.session_junk, 3),
    (shots.page_and_more, 6),
    (channels.telegram, 8),
    (channels.zalo, 10),
    (desk_shots.api_tokens, 6),
    (desk_shots.api_wrong_role, 3),
    (desk_shots.api_bodies, 7),
    (desk_shots.api_lookups, 4),
    (desk_shots.sign_in, 5),
    (desk_shots.staff_page, 8),
]


@dataclass
class Results:
    """Everything the checks read."""

    outcomes: list[Outcome] = field(default_factory=list)
    unexpected: list[tuple[Shot, str]] = field(default_factory=list)
    legit: Legit = field(default_factory=Legit)
    known: Known | None = None
    memory: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)  # KiB
    alive: bool = False
    gone: bool = False
    seconds: float = 0.0
    desk_total: int = -1
    desk_kinds: list[str] = field(default_factory=list)
    staff_still_signed_in: bool = False
    received: list[Received] = field(default_factory=list)  # by the fake Rasa
    tickets_opened: list[str] = field(default_factory=list)
    queued: list[str] = field(default_factory=list)


def _client(base_url: str) -> httpx.AsyncClient:
    # No cookie jar: each shot carries exactly the cookies it says, never one a response set.
    jar = http.cookiejar.CookieJar(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
    # Idle connections are dropped before uvicorn's 5 s keep-alive ends: reusing one the server is
    # closing at that moment is a race of the client's making, not a refusal.
    limits = httpx.Limits(max_connections=WORKERS * 2, keepalive_expiry=2.0)
    return httpx.AsyncClient(base_url=base_url, cookies=jar, timeout=30.0, limits=limits)


async def _chunks(size: int) -> AsyncIterator[bytes]:
    piece = b"a" * 65536
    for start in range(0, size, len(piece)):
        yield piece[: size - start]


async def fire(http: httpx.AsyncClient, shot: Shot, results: Results) -> None:
    """Send one shot; record its answer, and the shot itself if the answer was not expected."""
    headers = [(name.encode("ascii"), value.encode("utf-8")) for name, value in shot.headers]
    content = _chunks(shot.stream) if shot.stream else shot.body
    try:
        if shot.stream and any(name == "Content-Length" for name, _ in shot.headers):
            status = await declared(http.base_url, shot)
        else:
            response = await http.request(shot.method, shot.path, headers=headers, content=content)
            status = str(response.status_code)
        ok = status.isdigit() and int(status) in shot.expected
    except (httpx.HTTPError, OSError, asyncio.TimeoutError) as error:
        status, ok = type(error).__name__, False
    results.outcomes.append((f"{shot.target} {shot.route}", shot.kind, status, ok))
    if not ok:
        results.unexpected.append((shot, status))


async def declared(base: httpx.URL, shot: Shot) -> str:
    """The status answered to a huge declared body of which only the first 64 KiB is sent.

    As an attacker does: the server must refuse on the declared length (or after its cap), not
    wait for the rest; sending all 300 MB would only test the loopback's speed.
    """
    reader, writer = await asyncio.open_connection(base.host, base.port)
    try:
        head = [f"{shot.method} {shot.path} HTTP/1.1", f"Host: {base.host}"]
        head += [f"{name}: {value}" for name, value in shot.headers]
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + b"a" * 65536)
        await writer.drain()
        line = await asyncio.wait_for(reader.readline(), 30)
        return line.split()[1].decode() if len(line.split()) > 1 else "EmptyAnswer"
    finally:
        writer.close()


async def prepare(
    s: Servers, web: httpx.AsyncClient, desk: httpx.AsyncClient, sessions: int, legit: Legit
) -> Known:
    """The legitimate start: staff signed in, one escalation, deliveries an attacker captures."""
    cookie = await legit_traffic.staff_sign_in(desk, s.secrets["admin"], legit)
    nonce, csrf = await legit_traffic.login_form(desk, legit)
    choice = await legit_traffic.official(web, 0, True, legit)
    opened = [
        await legit_traffic.call(web, "POST /api/session", "POST", "/api/session", legit)
        for _ in range(sessions)
    ]
    pairs = [(r.json()["sender"], r.json()["token"]) for r in opened if r is not None]
    zalo = [
        await legit_traffic.zalo_event(web, ZALO_APP_ID, s.secrets["zalo"], n, legit)
        for n in range(3)
    ]
    telegram = [
        await legit_traffic.telegram_update(web, s.secrets["telegram"], n, legit) for n in range(3)
    ]
    # The first official's id and ticket: what an attacker would most like to read or change.
    victim = next((r.sender for r in s.outside.received if r.channel == LOCAL), "web-00000000")
    ticket = s.outside.tickets[0] if s.outside.tickets else "HT-000001"
    return Known(
        pairs,
        victim,
        choice,
        ZALO_APP_ID,
        s.secrets["zalo"],
        zalo,
        s.secrets["telegram"],
        telegram,
        s.secrets["assistant"],
        cookie,
        nonce,
        csrf,
        ticket,
    )


async def campaign(s: Servers, total: int, seed: int) -> Results:
    """The whole campaign against running servers; the results, for the checks."""
    results, rng = Results(), random.Random(seed)
    officials = max(4, total // 250)
    sessions = max(4, total // 800)
    # Legitimate requests: sign-in (3), the first official (4), the attackers' own sessions,
    # Zalo and Telegram (6), then the other officials (3 each, 4 for every other one).
    planned = 3 + 4 + sessions + 6 + (officials - 1) * 3 + (officials - 1) // 2
    web, desk = _client(s.gateway_url), _client(s.desk_url)
    try:
        results.known = known = await prepare(s, web, desk, sessions, results.legit)
        makers, weights = zip(*MAKERS, strict=True)
        hostile = [m(known, rng) for m in rng.choices(makers, weights, k=max(0, total - planned))]
        jobs: list[Callable[[], Awaitable[object]]] = [
            partial(fire, web if shot.target == "gateway" else desk, shot, results)
            for shot in hostile
        ]
        jobs += [
            partial(legit_traffic.official, web, n, n % 2 == 0, results.legit)
            for n in range(1, officials)
        ]
        rng.shuffle(jobs)
        results.memory = {
            "gateway": (*memory_of(s.gateway.pid), 0, 0),
            "desk": (*memory_of(s.desk.pid), 0, 0),
        }
        started = time.monotonic()

        async def worker() -> None:
            while jobs:
                await jobs.pop()()

        await asyncio.gather(*(worker() for _ in range(WORKERS)))
        results.seconds = time.monotonic() - started
        await _settle(s.outside)
        for name, process in (("gateway", s.gateway), ("desk", s.desk)):
            results.memory[name] = (*results.memory[name][:2], *memory_of(process.pid))
        await _inspect_desk(desk, known, results)
    finally:
        await web.aclose()
        await desk.aclose()
    results.outcomes += results.legit.outcomes
    results.alive = s.gateway.poll() is None and s.desk.poll() is None
    return results


async def _settle(outside: Outside) -> None:
    """Wait until Zalo's turns (run in the gateway's background) stop arriving at the fake."""
    seen, quiet = -1, 0
    while quiet < 5:
        quiet = quiet + 1 if len(outside.received) == seen else 0
        seen = len(outside.received)
        await asyncio.sleep(0.2)


async def _inspect_desk(desk: httpx.AsyncClient, known: Known, results: Results) -> None:
    bearer = {"Authorization": f"Bearer {known.assistant_token}"}
    results.desk_total = (await desk.get("/api/v1/tickets?limit=1", headers=bearer)).json()["total"]
    changes = await desk.get("/api/v1/changes?after=0&limit=500", headers=bearer)
    results.desk_kinds = [change["kind"] for change in changes.json()["changes"]]
    page = await desk.get("/desk", headers={"Cookie": f"desk_session={known.staff_cookie}"})
    results.staff_still_signed_in = page.status_code == 200


def run(total: int, seed: int, folder: Path) -> Results:
    """Start everything, run the campaign, stop everything; the results."""
    with servers(folder) as s:
        results = asyncio.run(campaign(s, total, seed))
        results.received = list(s.outside.received)
        results.tickets_opened = list(s.outside.tickets)
        results.queued = list(s.outside.queued)
        groups = (s.gateway.pid, s.desk.pid)
    results.gone = not any(group_alive(pid) for pid in groups)
    return results


def main(argv: list[str] | None = None) -> None:
    """Run the campaign, print the figures and checks; exit 1 if a check fails."""
    from benchmarks.hostile_report import report

    parser = argparse.ArgumentParser(prog="python -m benchmarks.hostile")
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--folder", type=Path, default=Path("build/bench/hostile"))
    args = parser.parse_args(argv)
    results = run(args.requests, args.seed, args.folder)
    sys.exit(0 if report(results, WORKERS) else 1)


if __name__ == "__main__":
    main()
