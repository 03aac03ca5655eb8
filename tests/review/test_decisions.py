"""A trainer's decision on a group, published through the knowledge base's versioned path."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.kb import publishing
from bot.kb.loader import load
from bot.review.decisions import NewArticle, ReviewProblem, article_id, plan_dismiss
from bot.review.queue import QueueGroup
from bot.review.service import ReviewService
from bot.store.review_decisions import ATTACHED, DISMISSED, NEW, ReviewDecisions
from tests.review.conftest import DISLIKED, RECORDING

TRAINER = "Phạm Thu Hà"
STEPS = "Bấm «Ghi hình» ở thanh công cụ cuộc họp.\nKết thúc họp, tải tệp ghi từ mục «Bản ghi»."


def recording_group(service: ReviewService) -> QueueGroup:
    return next(g for g in service.queue() if g.representative in RECORDING)


def new_article(**changed: str) -> NewArticle:
    fields = {
        "software": "hntt",
        "title": "Ghi âm, ghi hình cuộc họp trực tuyến",
        "steps": STEPS,
        "questions": "\n".join(
            [
                RECORDING[0],
                RECORDING[2],
                "Làm sao ghi hình hội nghị truyền hình?",
                "Muốn lưu lại nội dung cuộc họp trực tuyến",
                "Cuộc họp trực tuyến có bản ghi không",
                "Tải bản ghi cuộc họp ở đâu",
                "ghi hinh cuoc hop online the nao",
                "Có cách nào thu âm buổi họp qua mạng không",
            ]
        ),
    }
    return NewArticle(**{**fields, **changed})


def test_attaching_publishes_the_groups_phrasings_as_questions_of_the_article(
    service: ReviewService, state: Path, decisions: ReviewDecisions
) -> None:
    group = recording_group(service)
    plan = service.plan_attach(group, "hntt.tham_gia")
    assert publishing.current_version(state) == 1  # a plan publishes nothing

    version = service.carry_out(plan, TRAINER, "desk")

    assert version is not None and version.number == 2
    assert (version.author, version.source) == (TRAINER, "hang-cho")
    assert version.summary["questions_added"] == 2 and not version.needs_training
    article = load(publishing.live_dir(state, state)).articles["hntt.tham_gia"]
    assert set(group.phrasings) <= set(article.questions)
    assert [g.representative for g in service.queue()] == [DISLIKED]
    (decided,) = decisions.recent()
    assert (decided.decision, decided.article_id, decided.kb_version) == (
        ATTACHED,
        "hntt.tham_gia",
        2,
    )
    assert (decided.acted_by, decided.via) == (TRAINER, "desk")


def test_an_attached_version_rolls_back_like_any_other(service: ReviewService, state: Path) -> None:
    group = recording_group(service)
    service.carry_out(service.plan_attach(group, "hntt.tham_gia"), TRAINER, "desk")
    publishing.rollback(state, 1, author=TRAINER)
    article = load(publishing.live_dir(state, state)).articles["hntt.tham_gia"]
    assert not set(group.phrasings) & set(article.questions)


def test_attaching_questions_the_article_already_has_is_refused(service: ReviewService) -> None:
    group = recording_group(service)
    service.carry_out(service.plan_attach(group, "hntt.tham_gia"), TRAINER, "desk")
    with pytest.raises(ReviewProblem) as refused:
        service.plan_attach(group, "hntt.tham_gia")
    assert "đã có sẵn trong kho tri thức" in refused.value.messages[0]


def test_attaching_to_an_article_that_is_not_live_is_refused(service: ReviewService) -> None:
    with pytest.raises(ReviewProblem) as refused:
        service.plan_attach(recording_group(service), "hntt.khong_co")
    assert "Không tìm thấy bài «hntt.khong_co»" in refused.value.messages[0]


def test_a_plan_made_before_another_version_went_live_is_refused_and_not_recorded(
    service: ReviewService, state: Path, root: Path, decisions: ReviewDecisions
) -> None:
    plan = service.plan_attach(recording_group(service), "hntt.tham_gia")
    publishing.publish(state, root / "knowledge_base", author="khác", source="x", based_on=1)
    with pytest.raises(publishing.Conflict):
        service.carry_out(plan, TRAINER, "desk")
    assert decisions.recent() == []


def test_a_new_article_is_published_and_asks_for_retraining(
    service: ReviewService,
    state: Path,
    root: Path,
    decisions: ReviewDecisions,
    retrain_requests: list[tuple[object, ...]],
) -> None:
    plan = service.plan_new(recording_group(service), new_article())
    assert plan.article_id == "hntt.ghi_am_ghi_hinh_cuoc_hop_truc_tuyen"
    version = service.carry_out(plan, TRAINER, "telegram")
    assert version is not None and version.needs_training
    article = load(publishing.live_dir(state, state)).articles[plan.article_id]
    assert article.answer.steps == tuple(STEPS.splitlines())
    assert decisions.recent()[0].decision == NEW
    assert retrain_requests == [(state, root, None)]


def test_a_new_article_breaking_the_rules_is_refused_with_their_words(
    service: ReviewService, state: Path
) -> None:
    group = recording_group(service)
    with pytest.raises(ReviewProblem) as refused:
        service.plan_new(group, new_article(questions="\n".join(RECORDING), steps=""))
    said = "\n".join(refused.value.messages)
    assert "Câu hỏi:" in said and "Các bước trả lời:" in said
    with pytest.raises(ReviewProblem) as shared:
        taken = "Trong cuộc họp trực tuyến không nghe được tiếng thì làm sao?"
        service.plan_new(group, new_article(questions=new_article().questions + "\n" + taken))
    assert "hntt.mat_tieng" in "\n".join(shared.value.messages)
    assert publishing.current_version(state) == 1


def test_dismissing_publishes_nothing_and_the_group_leaves_the_queue(
    service: ReviewService, state: Path, decisions: ReviewDecisions
) -> None:
    assert service.carry_out(plan_dismiss(recording_group(service)), TRAINER, "desk") is None
    assert publishing.current_version(state) == 1
    assert [g.representative for g in service.queue()] == [DISLIKED]
    assert decisions.recent()[0].decision == DISMISSED


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Ghi âm cuộc họp", "hntt.ghi_am_cuoc_hop"),
        ("2 màn hình", "hntt.bai_2_man_hinh"),
        ("!!!", "hntt.bai_moi"),
        ("Mất tiếng", "hntt.mat_tieng_2"),
    ],
)
def test_a_new_articles_id_is_made_of_its_title_and_never_taken(
    title: str, expected: str, state: Path
) -> None:
    assert article_id("hntt", title, load(state / "kb" / "current")) == expected
