from typing import Any

import pytest

from actions import follow_up, follow_up_ranking
from actions.follow_up_ranking import Evidence
from actions.services import KnowledgeBaseSource

CONTRAST = follow_up.read("còn trên điện thoại thì sao")
UNMARKED = follow_up.read("tôi muốn biết thời hạn hoàn thành khóa học chuyển đổi số năm nay")
MARKED = follow_up.read("nếu hết hạn thì sao")


def ranking(*pairs: tuple[str, float]) -> list[dict[str, Any]]:
    return [{"name": name, "confidence": confidence} for name, confidence in pairs]


def test_declared_follow_ups_and_the_same_software_weigh_most(
    kb_source: KnowledgeBaseSource,
) -> None:
    previous = kb_source.get().articles["kyso.ky_van_ban"]
    assert "kyso.di_dong" in previous.follow_ups
    declared = follow_up_ranking.weight("kyso.di_dong", previous)
    same_software = follow_up_ranking.weight("kyso.het_han", previous)
    other = follow_up_ranking.weight("hoc.thoi_han", previous)
    assert declared > same_software > other == 1.0


def test_the_same_topic_in_another_software_weighs_more_than_an_unrelated_one(
    kb_source: KnowledgeBaseSource,
) -> None:
    previous = kb_source.get().articles["qlvb.dang_nhap"]
    weight = follow_up_ranking.weight
    assert weight("email.dang_nhap", previous) > weight("hoc.vao_hoc", previous)


def test_the_answer_just_sent_is_likely_again_except_after_what_about(
    kb_source: KnowledgeBaseSource,
) -> None:
    previous = kb_source.get().articles["kyso.ky_van_ban"]
    again = follow_up_ranking.weight(previous.id, previous, MARKED)
    sibling = follow_up_ranking.weight("kyso.het_han", previous, MARKED)
    after_contrast = follow_up_ranking.weight(previous.id, previous, CONTRAST)
    assert again > sibling > after_contrast


def test_the_software_a_what_about_names_takes_the_place_of_the_one_answered(
    kb_source: KnowledgeBaseSource,
) -> None:
    previous = kb_source.get().articles["qlvb.quen_mat_khau"]
    reading = follow_up.read("còn email thì sao")
    weight = follow_up_ranking.weight
    assert weight("email.dang_nhap", previous, reading) > weight(
        "qlvb.lap_ho_so", previous, reading
    )
    assert weight("email.dang_nhap", previous) < weight("qlvb.lap_ho_so", previous)


def test_a_message_that_does_not_look_like_a_follow_up_leans_less_on_the_context(
    kb_source: KnowledgeBaseSource,
) -> None:
    previous = kb_source.get().articles["kyso.ky_van_ban"]
    marked = follow_up_ranking.weight("kyso.di_dong", previous, MARKED)
    unmarked = follow_up_ranking.weight("kyso.di_dong", previous, UNMARKED)
    assert marked > unmarked > 1.0


def test_the_ranking_is_weighed_and_made_shares_without_the_fallback(
    kb_source: KnowledgeBaseSource,
) -> None:
    articles = kb_source.get().articles
    model = ranking(
        ("nlu_fallback", 0.35),
        ("kb_hoc__thoi_han", 0.46),
        ("kb_kyso__het_han", 0.22),
        ("greet", 0.05),
        ("kb_gone__article", 0.1),
    )
    shares = follow_up_ranking.reranked(model, articles["kyso.ky_van_ban"], articles, MARKED)
    assert [name for name, _ in shares] == ["kb_kyso__het_han", "kb_hoc__thoi_han", "greet"]
    assert sum(share for _, share in shares) == pytest.approx(1.0)
    assert follow_up_ranking.clear_choice(shares) == "kyso.het_han"


def test_the_messages_likeness_brings_an_article_the_model_did_not_rank(
    kb_source: KnowledgeBaseSource,
) -> None:
    articles = kb_source.get().articles
    model = ranking(("kb_hoc__thoi_han", 0.3), ("greet", 0.2))
    evidence = Evidence(likeness={"kyso.di_dong": 0.4, "hoc.vao_hoc": 0.05})
    shares = follow_up_ranking.reranked(
        model, articles["kyso.ky_van_ban"], articles, CONTRAST, evidence
    )
    names = [name for name, _ in shares]
    assert names[0] == "kb_kyso__di_dong"
    assert "kb_hoc__vao_hoc" not in names  # below the floor: says nothing


def test_likeness_to_the_answer_just_sent_brings_it_back(
    kb_source: KnowledgeBaseSource,
) -> None:
    articles = kb_source.get().articles
    model = ranking(("kb_chung__trinh_duyet", 0.62), ("kb_hoc__loi_video", 0.08))
    reading = follow_up.read("đổi sang chrome bản mới rồi vẫn ko xem đc")
    without = follow_up_ranking.reranked(model, articles["hoc.loi_video"], articles, reading)
    with_answer = follow_up_ranking.reranked(
        model, articles["hoc.loi_video"], articles, reading, Evidence(answer=0.33)
    )
    assert dict(with_answer)["kb_hoc__loi_video"] > dict(without)["kb_hoc__loi_video"]


@pytest.mark.parametrize(
    "shares",
    [
        [("kb_kyso__het_han", 0.18), ("kb_hoc__thoi_han", 0.1)],  # not enough of a share
        [("kb_kyso__het_han", 0.5), ("kb_hoc__thoi_han", 0.47)],  # no clear lead
        [("greet", 0.9), ("kb_hoc__thoi_han", 0.1)],  # not an article
        [],
    ],
)
def test_no_clear_choice_without_a_clear_article_lead(shares: list[tuple[str, float]]) -> None:
    assert follow_up_ranking.clear_choice(shares) is None


# (previous article, message) -> the step of that answer it is likeliest about
IN_ANSWER = [
    ("chung.trinh_duyet", "bấm ctrl f5 rồi vẫn thế", 3),
    ("qlvb.vb_di_phat_hanh", "cái bước cấp số là sao ạ, ai bấm", 4),
    ("kyso.ky_van_ban", "bấm hoàn thành xong thì văn bản đi đâu", 5),
]


@pytest.mark.parametrize(("previous", "text", "number"), IN_ANSWER)
def test_a_message_about_the_answer_just_sent_finds_its_step(
    kb_source: KnowledgeBaseSource, previous: str, text: str, number: int
) -> None:
    article = kb_source.get().articles[previous]
    shares, step = follow_up_ranking.in_context(text, [], article, kb_source)
    assert step == number
    assert shares[0][0] == article.intent
