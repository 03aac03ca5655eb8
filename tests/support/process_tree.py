"""Looking at processes through /proc (Linux), for the tests that prove nothing is left behind.

A process counts as gone once it is a zombie: it runs nothing more, and whoever adopted it
(this container's init may never reap) decides when its entry disappears.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path

WAIT = 20.0  # seconds a stopped process may take to be gone
# 127.0.0.1 as /proc/net/tcp writes it: hexadecimal, bytes reversed.
LOOPBACK = "0100007F"


def alive(pid: int) -> bool:
    """Whether `pid` is a process that still runs (not a zombie)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def mentioning(text: str) -> dict[int, str]:
    """Running processes whose command line or environment holds `text`, with their command line.

    Only this user's processes can be read, and those are the only ones the tests start.
    """
    found = {}
    needle = text.encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            command = (entry / "cmdline").read_bytes()
            environment = (entry / "environ").read_bytes()
        except OSError:
            continue
        if (needle in command or needle in environment) and alive(int(entry.name)):
            found[int(entry.name)] = command.replace(b"\0", b" ").decode(errors="replace")
    return found


def wait_until(condition: Callable[[], bool], timeout: float = WAIT) -> bool:
    """Whether `condition()` became true before `timeout` seconds passed (checked every 50 ms)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)
    return True


def all_gone(pids: Iterable[int], timeout: float = WAIT) -> bool:
    """Whether every process of `pids` is gone within `timeout` seconds."""
    left = list(pids)
    return wait_until(lambda: not any(alive(pid) for pid in left), timeout)


def read_pids(path: Path, count: int, timeout: float = WAIT) -> list[int]:
    """The `count` process ids a fake child writes to `path`, one a line, once all are there."""

    def written() -> bool:
        return path.exists() and len(path.read_text().split()) >= count

    assert wait_until(written, timeout), f"{path} never listed {count} processes"
    return [int(word) for word in path.read_text().split()[:count]]


def listening_addresses(port: int) -> set[str]:
    """The local addresses of the sockets listening on `port` (IPv4 and IPv6), from /proc."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, _, hex_port = fields[1].partition(":")
            if fields[3] == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found
