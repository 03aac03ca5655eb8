"""Where the gateway's CPU goes per web chat message (`python -m benchmarks.gateway_profile`).

The gateway runs as `helpdesk run` starts it (`helpdesk gateway`, its environment: a SQLite
store in a temporary folder, a desk token so the staff check is on, the rate limits raised as
in the load benchmark since every official writes from loopback), in its own process, against
a fake Rasa (its own process too) that answers the REST webhook at once with a fixed reply:
no model is loaded. N web chat sessions send their messages over real HTTP, one after the
other each. The gateway's own CPU time (time.process_time, every thread) over a window of
messages gives CPU-ms per answered message; a second window runs under cProfile (the event
loop's thread and the threads `asyncio.to_thread` uses) for the top entries.

`--baseline REV` also runs the gateway of an earlier commit (its `bot/`, from `git archive`),
alternating rounds in one run, since only the ratio means anything on a noisy machine.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import io
import json
import os
import pstats
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx

from bot.assistant.processes import free_port

ROOT = Path(__file__).resolve().parents[1]
TOKEN_HEADER = "X-Chat-Token"  # bot.webchat.sessions's; not imported: the baseline may differ
REPLY = json.dumps([{"text": "Dạ, anh/chị vui lòng khởi động lại máy in rồi thử lại ạ."}])
QUESTIONS = ["Máy in ở phòng một cửa không in được", "Tôi quên mật khẩu phần mềm văn bản"]
T = TypeVar("T")


def _fake_rasa(port: int) -> None:
    """Rasa's REST webhook, answered at once with REPLY (a raw ASGI app: as cheap as can be)."""
    import uvicorn

    body = REPLY.encode("utf-8")

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        while (await receive()).get("more_body"):
            pass
        headers = [(b"content-type", b"application/json")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    quiet = {"access_log": False, "log_level": "warning", "ws": "none", "lifespan": "off"}
    uvicorn.run(app, host="127.0.0.1", port=port, **quiet)  # type: ignore[arg-type]


def _serve(port: int, out: Path) -> None:
    """`helpdesk gateway` on `port`; SIGUSR1 opens a window, SIGUSR2 closes it into `out`
    (the first measured only, the second also under cProfile)."""
    profiling = {"on": False}
    window = {"count": 0, "cpu": 0.0}
    # Each thread's own CPU time, not the wall clock: a wait on SQLite's lock costs no CPU.
    loop_profile = cProfile.Profile(time.thread_time)
    thread_profiles: list[cProfile.Profile] = []
    local = threading.local()
    to_thread = asyncio.to_thread

    def profiled(work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        if not profiling["on"]:
            return work(*args, **kwargs)
        profile = getattr(local, "profile", None)
        if profile is None:
            profile = local.profile = cProfile.Profile(time.thread_time)
            thread_profiles.append(profile)
        profile.enable()
        try:
            return work(*args, **kwargs)
        finally:
            profile.disable()

    async def traced(work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await to_thread(profiled, work, *args, **kwargs)

    # The store's work runs there: profiled in the thread that runs it. (A wrapper of the same
    # call, which mypy cannot tell from the generic signature.)
    asyncio.to_thread = traced  # type: ignore[assignment]

    def start(signum: int, frame: object) -> None:
        window["count"] += 1
        window["cpu"] = time.process_time()
        if window["count"] == 2:
            profiling["on"] = True
            loop_profile.enable()

    def stop(signum: int, frame: object) -> None:
        cpu = time.process_time() - window["cpu"]
        if profiling["on"]:
            loop_profile.disable()
            profiling["on"] = False
            stats = pstats.Stats(loop_profile)
            for profile in thread_profiles:
                stats.add(profile)
            stats.dump_stats(str(out.with_suffix(".prof")))
        written = out.with_suffix(".tmp")
        written.write_text(json.dumps({"cpu": cpu}))
        written.replace(out.with_suffix(f".{window['count']}"))  # whole when it appears

    signal.signal(signal.SIGUSR1, start)
    signal.signal(signal.SIGUSR2, stop)
    from bot.cli.main import main

    sys.exit(main(["gateway", "--port", str(port)]))


def _spawn(args: list[str], tree: Path, env: dict[str, str], cwd: Path) -> subprocess.Popen[bytes]:
    path = os.pathsep.join(dict.fromkeys([str(tree), str(ROOT)]))
    log = (cwd / f"{args[0].strip('-')}.log").open("wb")
    command = [sys.executable, "-m", "benchmarks.gateway_profile", *args]
    # Run from `cwd`, not the repository: `-m` puts the working folder first on the path.
    return subprocess.Popen(
        command, cwd=cwd, env={**env, "PYTHONPATH": path}, stdout=log, stderr=subprocess.STDOUT
    )


async def _healthy(http: httpx.AsyncClient, url: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(1200):
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited with {process.returncode}")
        with contextlib.suppress(httpx.HTTPError):
            if (await http.get(url)).status_code < 500:
                return
        await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} did not start")


async def _talk(
    http: httpx.AsyncClient, chat: str, sessions: list[dict[str, str]], each: int
) -> int:
    """Every session sends `each` messages, one after the other; how many were answered."""

    async def one(session: dict[str, str]) -> int:
        headers = {TOKEN_HEADER: session["token"]}
        answered = 0
        for i in range(each):
            body = {"sender": session["sender"], "text": QUESTIONS[i % len(QUESTIONS)]}
            try:
                reply = await http.post(f"{chat}/api/messages", json=body, headers=headers)
            except httpx.TransportError:  # a kept-alive connection closed as it was reused
                continue
            answered += reply.status_code == 200 and bool(reply.json()["messages"])
        return answered

    return sum(await asyncio.gather(*(one(s) for s in sessions)))


async def _window(
    process: subprocess.Popen[bytes], out: Path, number: int, talk: Callable[[], Awaitable[int]]
) -> float:
    """CPU-ms per answered message over one window of `talk`."""
    process.send_signal(signal.SIGUSR1)
    await asyncio.sleep(0.2)  # the handler runs between two of the gateway's bytecodes
    answered: int = await talk()
    process.send_signal(signal.SIGUSR2)
    done = out.with_suffix(f".{number}")
    while not done.exists():
        await asyncio.sleep(0.05)
    cpu = float(json.loads(done.read_text())["cpu"])
    return 1000 * cpu / max(answered, 1)


async def _round(tree: Path, args: argparse.Namespace, profile: bool) -> tuple[float, Path | None]:
    """One gateway from `tree`: its CPU-ms per message, and its profile if asked for."""
    folder = Path(tempfile.mkdtemp(prefix="gateway-profile-"))
    rasa_port, chat_port = free_port(), free_port()
    rasa_url, chat = f"http://127.0.0.1:{rasa_port}", f"http://127.0.0.1:{chat_port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELPDESK_")}
    env |= {
        "RASA_TELEMETRY_ENABLED": "false",
        "HELPDESK_RASA_URL": rasa_url,
        "HELPDESK_RASA_URLS": rasa_url,
        "HELPDESK_DATABASE_URL": f"sqlite:///{folder / 'helpdesk.db'}",
        "HELPDESK_STATE_DIR": str(folder),
        "HELPDESK_DESK_URL": f"http://127.0.0.1:{free_port()}",  # never asked: no notices
        "HELPDESK_DESK_TOKEN": secrets.token_urlsafe(32),
        "HELPDESK_RASA_CHANNEL_TOKEN": secrets.token_urlsafe(32),
        "HELPDESK_RASA_API_TOKEN": secrets.token_urlsafe(32),
        "HELPDESK_WEBCHAT_SECRET": secrets.token_urlsafe(32),
        "HELPDESK_WEBCHAT_ADDRESS_PER_MINUTE": "1000000",
        "HELPDESK_WEBCHAT_SENDER_PER_MINUTE": "1000000",
    }
    out = folder / "window"
    rasa = _spawn(["--fake-rasa", str(rasa_port)], tree, env, folder)
    gateway = _spawn(["--serve", str(chat_port), str(out)], tree, env, folder)
    limits = httpx.Limits(max_connections=args.sessions, max_keepalive_connections=args.sessions)
    try:
        async with httpx.AsyncClient(timeout=60, limits=limits) as http:
            await _healthy(http, rasa_url, rasa)
            await _healthy(http, f"{chat}/health", gateway)
            sessions = [
                (await http.post(f"{chat}/api/session")).json() for _ in range(args.sessions)
            ]
            await _talk(http, chat, sessions, 2)  # warm: connections, buckets, caches

            async def talk() -> int:
                return await _talk(http, chat, sessions, args.messages)

            cpu_ms = await _window(gateway, out, 1, talk)
            if profile:
                await _window(gateway, out, 2, talk)
    finally:
        for process in (gateway, rasa):
            process.terminate()
            process.wait(30)
        if not profile:
            shutil.rmtree(folder)
    return cpu_ms, out.with_suffix(".prof") if profile else None


def _show(name: str, path: Path, top: int) -> None:
    for order in ("cumulative", "tottime"):
        text = io.StringIO()
        stats = pstats.Stats(str(path), stream=text).strip_dirs().sort_stats(order)
        stats.print_stats(top)
        lines = text.getvalue().splitlines()
        start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
        print(f"\n## {name}: top {top} by {order} (under cProfile)\n")
        print("\n".join(lines[start:]).rstrip())


def _baseline(rev: str) -> Path:
    """The `bot/` package of commit `rev`, in a temporary folder."""
    folder = Path(tempfile.mkdtemp(prefix="gateway-baseline-"))
    archive = subprocess.run(
        ["git", "archive", rev, "bot"], cwd=ROOT, check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder)
    return folder


async def _run(args: argparse.Namespace) -> None:
    trees = {"current": ROOT}
    if args.baseline:
        trees = {f"baseline ({args.baseline})": _baseline(args.baseline), **trees}
    figures: dict[str, list[float]] = {name: [] for name in trees}
    profiles: dict[str, Path] = {}
    for number in range(args.rounds):
        for name, tree in trees.items():
            cpu_ms, profile = await _round(tree, args, profile=number == 0 and args.top > 0)
            figures[name].append(cpu_ms)
            if profile is not None:
                profiles[name] = profile
            print(f"round {number + 1}, {name}: {cpu_ms:.2f} CPU-ms per message", flush=True)
    for name, path in profiles.items():
        _show(name, path, args.top)
        shutil.rmtree(path.parent)
    if args.baseline:
        shutil.rmtree(trees[f"baseline ({args.baseline})"])
    print(f"\n{args.sessions} sessions x {args.messages} messages a window")
    medians = {name: statistics.median(values) for name, values in figures.items()}
    for name, value in medians.items():
        print(f"{name}: median {value:.2f} CPU-ms per message over {args.rounds} rounds")
    if args.baseline:
        print(f"after / before: {medians['current'] / next(iter(medians.values())):.2f}")


def main() -> None:
    """Parse the arguments and run the benchmark (or one of its servers)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--messages", type=int, default=20, help="per session and window")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--top", type=int, default=25, help="profile entries (0: none)")
    parser.add_argument("--baseline", metavar="REV", help="also run the gateway at this commit")
    parser.add_argument("--fake-rasa", type=int, metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument("--serve", nargs=2, metavar=("PORT", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.fake_rasa:
        _fake_rasa(args.fake_rasa)
    elif args.serve:
        _serve(int(args.serve[0]), Path(args.serve[1]))
    else:
        asyncio.run(_run(args))


if __name__ == "__main__":
    main()
