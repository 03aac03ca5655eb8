from bot.assistant.reply import Reply
from bot.evaluation.dataset import Case
from bot.evaluation.scoring import Outcome, label, missed_targets, score
from bot.texts import texts


def outcome(
    kind: str,
    article: str | None,
    got_kind: str,
    got_article: str | None,
    style: str = "diacritics",
) -> Outcome:
    return Outcome(Case("q", style, kind, article), Reply("", got_kind, got_article, None, 0.0))


def test_clarify_with_the_right_topic_first_counts_as_top1_but_not_exact() -> None:
    result = outcome("answer", "hoc.diem_dat", "clarify", "hoc.diem_dat")
    assert result.top1
    assert not result.exact


def test_rows_count_per_style_software_and_kind() -> None:
    table = score(
        [
            outcome("answer", "hoc.diem_dat", "answer", "hoc.diem_dat"),
            outcome("answer", "qlvb.dang_nhap", "answer", "hoc.diem_dat", "no_diacritics"),
            outcome("fallback", None, "fallback", None),
        ]
    )
    assert table["all"] == (2, 2, 3)
    assert table["answerable top-1"] == (1, 1, 2)
    assert table["style no_diacritics"] == (0, 0, 1)
    assert table["software hoc"] == (1, 1, 1)
    assert table["kind fallback"] == (1, 1, 1)


def test_missed_targets_name_low_rows_and_styles_not_ahead_of_the_baseline() -> None:
    ours = {"answerable top-1": (90, 90, 100), "style long": (8, 8, 10)}
    stock = {"answerable top-1": (50, 50, 100), "style long": (9, 9, 10)}
    missed = missed_targets(ours, stock)
    said = texts("bot.evaluation")
    assert (
        said.say("targets.below", row=label("answerable top-1"), share="90.0%", minimum="95%")
        in missed
    )
    assert (
        said.say("targets.not_ahead", row=label("style long"), share="80.0%", baseline="90.0%")
        in missed
    )


def test_rows_are_named_in_vietnamese() -> None:
    said = texts("bot.evaluation")
    assert label("all") == said.say("table.rows.all")
    assert label("style no_diacritics") == said.say("table.groups.style", value="no_diacritics")
    assert label("software hoc") == said.say("table.groups.software", value="hoc")
