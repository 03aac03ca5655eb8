from pathlib import Path

import pytest

from bot.cli import eval_followups
from bot.evaluation.conversations import FOLLOW_UPS, Score
from bot.texts import texts


def test_an_evaluation_set_not_written_yet_is_said_absent_without_loading_a_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scores = eval_followups.play(
        tmp_path, {"ours": tmp_path / "no-model.tar.gz"}, "", {"eval": None}
    )
    printed = " ".join(capsys.readouterr().out.split())
    said = texts("bot.cli")
    name = said.say("eval.followups_sets.eval")
    assert scores == {}
    assert said.say("eval.followups_absent", name=name, path=FOLLOW_UPS["eval"]) in printed
    assert eval_followups.missed(scores) == []


def test_the_development_run_plays_both_development_sets_and_not_the_evaluation_one() -> None:
    assert eval_followups.set_names(dev=True) == ("dev", "dev_blind")
    assert set(eval_followups.set_names(dev=False)) == set(FOLLOW_UPS)


def test_the_target_is_read_on_the_evaluation_set_only() -> None:
    low = Score(conversations=40, right=30, right_or_offered=35, follow_ups=50, follow_ups_right=40)
    high = Score(
        conversations=40, right=37, right_or_offered=38, follow_ups=50, follow_ups_right=47
    )
    assert eval_followups.missed({"dev": low}) == []
    assert eval_followups.missed({"eval": high}) == []
    [missed] = eval_followups.missed({"eval": low, "dev": high})
    assert "75.0% < 90%" in missed


def test_a_figure_line_names_the_pipeline_and_each_count() -> None:
    line = eval_followups.figures("Trợ lý", Score(40, 37, 38, 50, 47))
    assert line.startswith("Trợ lý: hội thoại đúng ngay 37/40 (92.5%)")
    assert "38/40" in line and "47/50 (94.0%)" in line
