"""`helpdesk eval` on the real models: the table is printed and ours leads the stock pipeline."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.evaluation.scoring import label
from bot.texts import texts


def top1(path: Path) -> float:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    answerable = [r for r in rows if r["expected_kind"] == "answer"]
    hits: float = sum(r["top1"] for r in answerable)
    return hits / len(answerable)


@pytest.mark.slow
def test_eval_prints_both_pipelines_side_by_side_and_ours_leads(root: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli.main", "eval"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    for row in ("answerable top-1", "style no_diacritics", "style abbreviations", "kind fallback"):
        assert label(row) in result.stdout
    assert texts("bot.evaluation").say("table.columns.stock_top1") in result.stdout

    ours, stock = top1(root / "build/eval/ours.jsonl"), top1(root / "build/eval/stock.jsonl")
    assert ours > stock, result.stdout
