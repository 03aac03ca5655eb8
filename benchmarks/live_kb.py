"""How soon a published change reaches officials, against a full retraining (`make bench-kb`).

One run of the real `helpdesk run` on a temporary state folder: a few versions that change an
article's answer and add a paraphrase nobody wrote before, each timed from the start of
publishing to the first reply that carries it; then a new article, answered before any
training; then `helpdesk retrain --wait` of that same data, timed by phase, while an official
keeps asking. Figures are printed, never asserted: the machines are shared and noisy.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bot import logs
from bot.assistant import retrain
from bot.assistant.training import Project, train
from tests.support.live_kb import (
    SAMPLE_ARTICLE,
    Asker,
    RunningAssistant,
    add_article,
    edit_article,
    publish_edit,
    reply_text,
)

ARTICLE = "qlvb.quen_mat_khau"
# Wordings of "I forgot my password" the trained model has never seen.
PARAPHRASES = (
    "Đầu óc trống rỗng, chẳng nhớ nổi dãy ký tự bí mật để vào hệ thống công văn",
    "Sáng nay ngồi vào máy mà dãy ký tự bí mật của hệ thống công văn bay đâu mất",
    "Mã bí mật để mở hệ thống công văn tôi để quên ở nhà rồi, giờ tính sao",
    "Cái chuỗi bí mật đăng vào hệ thống công văn tôi không tài nào nhớ ra",
    "Lỡ không nhớ dãy số bí mật để vào hệ thống công văn thì xoay xở thế nào",
)
POLL = 0.05  # seconds between two questions while waiting for a change


def served_after(assistant: RunningAssistant, question: str, expected: str) -> float:
    """Seconds until a reply to `question` contains `expected` (60 at most)."""
    start = time.monotonic()
    while expected not in reply_text(assistant.say(question)):
        if time.monotonic() - start > 60:
            return float("inf")
        time.sleep(POLL)
    return time.monotonic() - start


def paraphrase_rounds(assistant: RunningAssistant, root: Path) -> list[tuple[float, float]]:
    """(seconds to publish, seconds from publishing to being served) per new version."""
    timings = []
    for number, question in enumerate(PARAPHRASES, start=1):
        intro = f"Hướng dẫn cập nhật lần {number}: anh/chị làm theo các bước sau."

        def change(data: dict[str, Any], question: str = question, intro: str = intro) -> None:
            data["questions"].append(question)
            data["answer"]["intro"] = intro

        start = time.monotonic()
        publish_edit(
            assistant.state, root / "knowledge_base", lambda kb: edit_article(kb, ARTICLE, change)
        )
        published = time.monotonic() - start
        timings.append((published, published + served_after(assistant, question, intro)))
    return timings


class PhaseWatch(threading.Thread):
    """Notes when the retraining's progress file first shows each phase."""

    def __init__(self, state: Path) -> None:
        super().__init__(daemon=True)
        self._state = state
        self.seen: dict[str, float] = {}
        self.finished = threading.Event()

    def run(self) -> None:
        start = time.monotonic()
        while not self.finished.is_set():
            found = retrain.read_progress(self._state)
            if found is not None:
                self.seen.setdefault(found.phase, time.monotonic() - start)
            time.sleep(0.1)


def retraining(assistant: RunningAssistant, root: Path) -> dict[str, float]:
    """Times of `helpdesk retrain --wait` and of the answers given meanwhile."""
    asker = Asker(assistant, PARAPHRASES[-1], "lần 5")
    watch = PhaseWatch(assistant.state)
    command = [sys.executable, "-m", "bot.cli.main", "--root", str(root), "retrain", "--wait"]
    command += ["--state-dir", str(assistant.state), "--rasa-url", assistant.rasa_url]
    asker.start()
    watch.start()
    start = time.monotonic()
    subprocess.run(command, cwd=root, capture_output=True, check=False, timeout=3600)
    total = time.monotonic() - start
    watch.finished.set()
    asker.stop()
    latencies = [seconds for seconds, _ in asker.replies]
    seen = watch.seen
    return {
        "total": total,
        "training": seen.get("loading", total) - seen.get("training", 0.0),
        "loading": seen.get("done", total) - seen.get("loading", total),
        "answers": len(latencies),
        "wrong": sum(1 for _, answered in asker.replies if not answered) + len(asker.errors),
        "median": statistics.median(latencies) if latencies else float("nan"),
        "slowest": max(latencies, default=float("nan")),
    }


def main() -> None:
    """Run the benchmark on the project in the current folder and print the figures."""
    logs.configure(False)
    root = Path.cwd()
    train(Project(root), root / "config.yml")
    with tempfile.TemporaryDirectory(prefix="bench-kb-") as work:
        print("Starting `helpdesk run` on a fresh state folder...", flush=True)
        with RunningAssistant(root, Path(work) / "state") as assistant:
            rounds = paraphrase_rounds(assistant, root)
            start = time.monotonic()
            publish_edit(
                assistant.state, root / "knowledge_base", lambda kb: add_article(kb, SAMPLE_ARTICLE)
            )
            new_article = (time.monotonic() - start) + served_after(
                assistant, SAMPLE_ARTICLE["questions"][0], SAMPLE_ARTICLE["answer"]["intro"]
            )
            print("Retraining the same data in the background...", flush=True)
            retrained = retraining(assistant, root)
    served = [s for _, s in rounds]
    print(f"\nLive publishing ({len(rounds)} versions, answer and new paraphrase changed):")
    print(f"  writing the version       median {statistics.median(p for p, _ in rounds):6.2f} s")
    print(
        f"  publish -> served         median {statistics.median(served):6.2f} s,"
        f" max {max(served):.2f} s"
    )
    print(f"  new article -> answered   {new_article:6.2f} s (fallback path, no training)")
    print("Background retraining of the same data (`helpdesk retrain --wait`):")
    print(f"  total                     {retrained['total']:6.1f} s")
    print(f"  rasa train                {retrained['training']:6.1f} s")
    print(f"  loading into the server   {retrained['loading']:6.1f} s (PUT /model)")
    print(
        f"  answers meanwhile         {retrained['answers']:.0f}, {retrained['wrong']:.0f} wrong"
        f" or failed, median {retrained['median']:.2f} s, slowest {retrained['slowest']:.2f} s"
    )
    print(
        f"Live publishing is {retrained['total'] / statistics.median(served):.0f} times faster"
        " than retraining."
    )


if __name__ == "__main__":
    main()
