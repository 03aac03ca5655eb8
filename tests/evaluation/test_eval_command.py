"""`helpdesk eval` on the real models: both sets' tables and the restorer's accuracy are printed,
and ours leads the stock pipeline."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.evaluation.dataset import DOMAIN_TEXT, HELD_OUT
from bot.evaluation.scoring import label
from bot.texts import texts


def top1(path: Path) -> float:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    answerable = [r for r in rows if r["expected_kind"] == "answer"]
    hits: float = sum(r["top1"] for r in answerable)
    return hits / len(answerable)


@pytest.mark.slow
def test_eval_prints_both_sets_side_by_side_with_restoration_and_ours_leads(root: Path) -> None:
    # Without the folds: each would train both pipelines again (minutes each on two cores).
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli.main", "eval", "--no-folds"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    said = texts("bot.cli")
    printed = " ".join(result.stdout.split())  # sentences are wrapped to the terminal
    for name in ("current", "blind"):
        assert said.say(f"eval.sets.{name}") in printed
    for row in ("answerable", "style no_diacritics", "style abbreviations", "kind fallback"):
        assert label(row) in printed
    assert texts("bot.evaluation").say("table.columns.stock_top1") in printed
    assert str(DOMAIN_TEXT) in printed  # the restoration line names its file
    assert said.say("eval.targets_on", path=HELD_OUT["blind"]) in printed

    for name in ("current", "blind"):
        ours = top1(root / "build/eval" / name / "ours.jsonl")
        stock = top1(root / "build/eval" / name / "stock.jsonl")
        assert ours > stock, (name, result.stdout)
