"""The running assistant and the publishing of an edited knowledge base, for trials and benchmarks.

`helpdesk run` on free ports with its state in a folder of the caller's, a trainer's edit
published as a new version, and an official's question over Rasa's REST channel: what the
end-to-end tests of live publishing and `make bench-kb` both exercise.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx
import yaml

from bot.assistant import local_desk
from bot.assistant.processes import free_port, wait_healthy
from bot.kb import folder, publishing
from bot.rasa import WEBHOOK, channel_headers
from bot.settings import RASA_API_TOKEN, RASA_CHANNEL_TOKEN
from tests.support.tiers import require_slow

# An article trainers might add: about something no article of the knowledge base answers.
SAMPLE_ARTICLE: dict[str, Any] = {
    "id": "qlvb.xuat_excel",
    "software": "qlvb",
    "title": "Xuất danh sách văn bản ra tệp Excel",
    "questions": [
        "Làm sao xuất danh sách văn bản đến ra tệp Excel?",
        "xuat danh sach van ban ra excel the nao",
        "Tôi cần tải bảng kê văn bản đi về máy dạng Excel",
        "cách kết xuất sổ văn bản thành file excel",
        "xuất excel danh sách công văn trong tháng",
        "muốn in danh sách văn bản thì xuất ra excel ở đâu",
        "phần mềm qlvb có xuất được excel không",
        "tải danh sách hồ sơ công việc về dạng bảng tính",
    ],
    "answer": {
        "intro": "Anh/chị xuất danh sách văn bản ra Excel như sau:",
        "steps": [
            "Vào **Văn bản đến** (hoặc **Văn bản đi**), lọc theo khoảng thời gian cần lấy.",
            "Bấm **Xuất Excel** ở góc trên bên phải danh sách.",
            "Lưu tệp về máy và mở bằng Excel hoặc LibreOffice Calc.",
        ],
    },
}


class RunningAssistant:
    """`helpdesk run --no-terminal` as `make run` starts it, stopped on leaving the block."""

    def __init__(self, root: Path, state: Path, timeout: float = 300.0) -> None:
        """Run the project at `root` with its state (published versions too) in `state`."""
        self.root = root
        self.state = state
        self._timeout = timeout
        self._ports = [free_port() for _ in range(4)]
        self.rasa_url = f"http://127.0.0.1:{self._ports[0]}"
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> RunningAssistant:
        """Start everything and wait until the chat answers."""
        require_slow("starting `helpdesk run`")
        rasa, actions, chat, desk = (str(port) for port in self._ports)
        command = [sys.executable, "-m", "bot.cli.main", "--root", str(self.root), "run"]
        command += ["--no-terminal", "--state-dir", str(self.state), "--rasa-port", rasa]
        command += ["--actions-port", actions, "--chat-port", chat, "--desk-port", desk]
        # The caller's HELPDESK_* settings would point the assistant at other servers.
        env = {k: v for k, v in os.environ.items() if not k.startswith("HELPDESK_")}
        self.state.mkdir(parents=True, exist_ok=True)
        log = (self.state / "run.log").open("ab")
        self._process = subprocess.Popen(
            command, cwd=self.root, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log
        )
        log.close()
        try:
            wait_healthy(f"http://127.0.0.1:{chat}/health", self._process, self._timeout)
        except BaseException:
            self._stop()
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        """Stop `helpdesk run`, which stops its children."""
        self._stop()

    def _stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
            try:
                self._process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()

    def say(
        self, text: str, sender: str | None = None, timeout: float = 60.0
    ) -> list[dict[str, Any]]:
        """The assistant's messages in reply to `text` (a new conversation unless `sender`)."""
        token = local_desk.stored_token(self.state, RASA_CHANNEL_TOKEN)
        assert token, "helpdesk run keeps HELPDESK_RASA_CHANNEL_TOKEN in local-secrets.env"
        answer = httpx.post(
            f"{self.rasa_url}{WEBHOOK}",
            json={"sender": sender or f"trial-{uuid.uuid4().hex}", "message": text},
            headers=channel_headers(token),
            timeout=timeout,
        )
        answer.raise_for_status()
        return list(answer.json())

    def parse(self, text: str) -> dict[str, Any]:
        """What the NLU makes of `text`: intent and ranking."""
        answer = httpx.post(
            f"{self.rasa_url}/model/parse", params=self.api_token(), json={"text": text}, timeout=60
        )
        answer.raise_for_status()
        return dict(answer.json())

    def status(self) -> dict[str, Any]:
        """Rasa's `/status`: the model it serves."""
        answer = httpx.get(f"{self.rasa_url}/status", params=self.api_token(), timeout=30.0)
        answer.raise_for_status()
        return dict(answer.json())

    @property
    def desk_url(self) -> str:
        """The built-in ticket desk `helpdesk run` started (its API and staff pages)."""
        return f"http://127.0.0.1:{self._ports[3]}"

    def api_token(self) -> dict[str, str]:
        """The query that opens Rasa's API: the token `helpdesk run` generated into the state."""
        token = local_desk.stored_token(self.state, RASA_API_TOKEN)
        assert token, "helpdesk run keeps HELPDESK_RASA_API_TOKEN in local-secrets.env"
        return {"token": token}


class Asker(threading.Thread):
    """An official asking the same question every half second, timing each reply."""

    def __init__(self, assistant: RunningAssistant, question: str, expected: str) -> None:
        """Ask `question` of `assistant` until stopped; a good reply contains `expected`."""
        super().__init__(daemon=True)
        self._assistant, self._question, self._expected = assistant, question, expected
        self.replies: list[tuple[float, bool]] = []  # (seconds, answered as expected)
        self.errors: list[str] = []
        self._stop_asking = threading.Event()

    def run(self) -> None:
        """Ask until `stop`."""
        while not self._stop_asking.is_set():
            start = time.monotonic()
            try:
                answered = self._expected in reply_text(self._assistant.say(self._question))
                self.replies.append((time.monotonic() - start, answered))
            except httpx.HTTPError as error:
                self.errors.append(repr(error))
            self._stop_asking.wait(0.5)

    def stop(self) -> None:
        """Stop asking and wait for the last reply."""
        self._stop_asking.set()
        self.join()


def reply_text(messages: list[dict[str, Any]]) -> str:
    """All the text of a reply, one message a paragraph."""
    return "\n\n".join(str(m.get("text") or "") for m in messages)


def publish_edit(state: Path, repository_kb: Path, edit: Callable[[Path], None]) -> int:
    """Publish the live knowledge base with `edit` applied to a copy of it; the new version."""
    with tempfile.TemporaryDirectory(prefix="kb-edit-") as work:
        draft = Path(work) / "knowledge_base"
        draft.mkdir()
        folder.copy(publishing.live_dir(state, repository_kb), draft)
        edit(draft)
        return publishing.publish(state, draft, author="trial", source="trial").number


def edit_article(kb: Path, article_id: str, change: Callable[[dict[str, Any]], None]) -> None:
    """Change the article's fields in its file in the knowledge base folder `kb`."""
    path = kb / folder.article_path(article_id)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def add_article(kb: Path, data: dict[str, Any]) -> None:
    """Write a new article into the knowledge base folder `kb`."""
    path = kb / folder.article_path(str(data["id"]))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def remove_article(kb: Path, article_id: str) -> None:
    """Take the article out of the knowledge base folder `kb`, and out of others' follow-ups
    (as a trainer must: a follow-up naming no article is refused)."""
    (kb / folder.article_path(article_id)).unlink()
    prune_follow_ups(kb)


def prune_follow_ups(kb: Path) -> None:
    """Drop the follow-ups that name no article of the folder `kb` (after taking some out)."""
    paths = list((kb / "articles").rglob("*.yml"))
    present = {f"{path.parent.name}.{path.stem}" for path in paths}
    for path in paths:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        kept = [i for i in data.get("follow_ups") or [] if i in present]
        if kept != (data.get("follow_ups") or []):
            data.pop("follow_ups")
            if kept:
                data["follow_ups"] = kept
            path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
