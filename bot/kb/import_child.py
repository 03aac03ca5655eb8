"""Reading a trainer's file in a child process, within limits on its memory, time and result.

Why it looks like this:
- Parsing is where a hostile file does its harm (a zip bomb, YAML aliases, a sheet of many
  empty cells), and the trainers' Telegram bot parses inside the gateway. In a child the
  kernel caps what the parsing can take (RLIMIT_AS, RLIMIT_CPU, and RLIMIT_FSIZE on the
  result), and the parent kills it at the deadline and waits for it, so no process is left.
- A plain `python -I -m bot.kb.import_child` rather than multiprocessing: "spawn" re-imports
  the caller's main module and, like "forkserver", starts a helper process that outlives the
  call. Its environment carries only what Python needs, none of the gateway's secrets, and
  `-I` keeps PYTHONPATH and the current folder out of its imports.
- The request and the result are JSON, not pickle: what comes back from a process that read
  a hostile file is data, never code to run.
- The result goes to a temporary file, not a pipe: RLIMIT_FSIZE caps a file in the kernel (a
  write past it fails; Python ignores SIGXFSZ), and the parent reads it only once the child
  has exited and its size is known: a result that reached the cap is not read at all.
"""

from __future__ import annotations

import json
import logging
import math
import os
import resource
import signal
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.kb.import_limits import Limits

COMMAND = (sys.executable, "-I", "-X", "utf8", "-m", "bot.kb.import_child")
# What the interpreter may need to start and find its libraries; nothing else is passed on.
_PASSED_ON = ("PATH", "LD_LIBRARY_PATH", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR")
# The request is a path, the software keys and the limits: a few kilobytes at most.
_REQUEST_BYTES = 1024 * 1024
_NOT_NEEDED = ("numpy", "PIL")

log = logging.getLogger(__name__)


class Stopped(Exception):
    """The child gave no result: `reason` is time, memory, result (too large) or failed."""

    def __init__(self, reason: str) -> None:
        """Say why the child gave no result."""
        super().__init__(reason)
        self.reason = reason


def run(request: dict[str, Any], limits: Limits, command: Sequence[str] | None = None) -> Any:
    """The child's answer to `request` (JSON data); Stopped if it gave none within `limits`.

    `command` is the child to start (COMMAND if None); tests start one that never answers.
    """
    environment = {name: os.environ[name] for name in _PASSED_ON if name in os.environ}
    with tempfile.TemporaryFile(prefix="kb-import-") as result:
        with subprocess.Popen(
            command or COMMAND,
            stdin=subprocess.PIPE,
            stdout=result,
            stderr=subprocess.DEVNULL,
            env=environment,
        ) as child:
            timed_out = False
            try:
                child.communicate(json.dumps(request).encode(), timeout=limits.seconds)
            except subprocess.TimeoutExpired:
                child.kill()
                timed_out = True
            except BaseException:
                child.kill()
                raise
            # Leaving the block waits for the child: a killed one is reaped, not left behind.
        if timed_out:
            raise Stopped("time")
        if result.seek(0, os.SEEK_END) >= limits.result_bytes:
            raise Stopped("result")
        if child.returncode != 0:
            log.warning("a trainer's file's reader ended with %s", child.returncode)
            # SIGXCPU: the CPU time of several threads can run out before the deadline.
            raise Stopped("time" if child.returncode == -signal.SIGXCPU else "failed")
        result.seek(0)
        try:
            answer = json.loads(result.read())
        except ValueError:
            answer = None
    if not isinstance(answer, dict) or not ("result" in answer or "stopped" in answer):
        log.warning("a trainer's file's reader gave no answer")
        raise Stopped("failed")
    if "stopped" in answer:
        if "error" in answer:
            log.warning("a trainer's file could not be read (%s)", answer["error"])
        raise Stopped(str(answer["stopped"]))
    return answer["result"]


def main() -> None:
    """Answer the request on standard input with the file's contents, as JSON on the output."""
    request = json.loads(sys.stdin.buffer.read(_REQUEST_BYTES))
    limits = Limits(**request["limits"])
    _limit_self(limits)
    # openpyxl uses numpy and Pillow when they are installed (Rasa brings them), and reading
    # needs neither: numpy's BLAS threads reserve 32 MB each and, short of memory, spin rather
    # than fail, and Pillow would decode a hostile workbook's images. Marked missing here.
    for name in _NOT_NEEDED:
        sys.modules[name] = None  # type: ignore[assignment]  # None: import raises ImportError
    try:
        answer: dict[str, Any] = {"result": _read(request, limits)}
    except MemoryError:
        answer = {"stopped": "memory"}
    except Exception as error:  # a broken file can fail anywhere in a library's reader
        answer = {"stopped": "failed", "error": type(error).__name__}
    # Written once the exception and what it held are gone, to have the memory to write.
    sys.stdout.write(json.dumps(answer, ensure_ascii=False))
    sys.stdout.flush()


def _read(request: dict[str, Any], limits: Limits) -> Any:
    # Imported here: the parent imports this module for `run` without the readers' libraries.
    from bot.kb import importing

    software = dict.fromkeys(request["software"])
    imported = importing.read_in_process(Path(request["path"]), software, limits)
    return importing.plain(imported)


def _limit_self(limits: Limits) -> None:
    """Caps set by the kernel, which the child cannot raise again."""
    # A CPU-bound child is stopped by SIGXCPU even if its parent died before the deadline.
    # (SIGKILL a second later, should it go on regardless.)
    seconds = math.ceil(limits.seconds) + 1
    _cap(resource.RLIMIT_AS, limits.memory_bytes)
    _cap(resource.RLIMIT_CPU, seconds, seconds + 1)
    _cap(resource.RLIMIT_FSIZE, limits.result_bytes)
    _cap(resource.RLIMIT_CORE, 0)


def _cap(kind: int, soft: int, hard: int | None = None) -> None:
    _, current = resource.getrlimit(kind)
    hard = soft if hard is None else hard
    if current != resource.RLIM_INFINITY:
        # A limit already set lower (ulimit) stays: only the owner may raise it.
        soft, hard = min(soft, current), min(hard, current)
    resource.setrlimit(kind, (soft, hard))


if __name__ == "__main__":
    main()
