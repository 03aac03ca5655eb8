import pytest

from bot.nlu.centroids import IntentCentroids, blend, features, promote

EXAMPLES = [
    (["quen", "mat", "khau"], "quen_mat_khau"),
    (["lay", "lai", "mat", "khau"], "quen_mat_khau"),
    (["doi", "mat", "khau"], "doi_mat_khau"),
    (["dat", "mat", "khau", "moi"], "doi_mat_khau"),
    (["xin", "chao"], "greet"),
]


def test_features_are_syllables_and_neighbouring_pairs() -> None:
    assert features(["mat", "khau", "moi"]) == {
        "mat": 1,
        "khau": 1,
        "moi": 1,
        "mat khau": 1,
        "khau moi": 1,
    }


def test_the_intent_sharing_the_rare_words_is_most_alike() -> None:
    centroids = IntentCentroids.learn(EXAMPLES)
    similar = centroids.similarities(["toi", "quen", "mat", "khau", "roi"])
    assert max(similar, key=lambda intent: similar[intent]) == "quen_mat_khau"
    assert similar["greet"] == 0.0


def test_unknown_words_are_alike_to_nothing_and_leave_the_ranking_alone() -> None:
    centroids = IntentCentroids.learn(EXAMPLES)
    ranking = [{"name": "greet", "confidence": 0.7}, {"name": "doi_mat_khau", "confidence": 0.3}]
    assert blend(ranking, centroids.similarities(["zzz"]), 0.5, 0.05) == ranking


def test_blend_can_overturn_a_close_classifier_decision() -> None:
    ranking = [
        {"name": "doi_mat_khau", "confidence": 0.5},
        {"name": "quen_mat_khau", "confidence": 0.45},
    ]
    mixed = blend(ranking, {"quen_mat_khau": 0.6, "doi_mat_khau": 0.2}, 0.5, 0.05)
    assert mixed[0]["name"] == "quen_mat_khau"
    assert sum(m["confidence"] for m in mixed) == pytest.approx(0.95 * 0.5 + 0.5)


def test_round_trip_through_the_saved_form() -> None:
    centroids = IntentCentroids.learn(EXAMPLES)
    again = IntentCentroids.from_dict(centroids.to_dict())
    assert again.similarities(["doi", "mat", "khau"]) == centroids.similarities(
        ["doi", "mat", "khau"]
    )


def test_promote_puts_an_intent_first_and_keeps_the_others_proportions() -> None:
    ranking = [
        {"name": "greet", "confidence": 0.6},
        {"name": "doi_mat_khau", "confidence": 0.3},
        {"name": "quen_mat_khau", "confidence": 0.1},
    ]
    promoted = promote(ranking, "quen_mat_khau", 0.95)
    assert [(p["name"], p["confidence"]) for p in promoted] == [
        ("quen_mat_khau", 0.95),
        ("greet", pytest.approx(0.05 * 0.6 / 0.9)),
        ("doi_mat_khau", pytest.approx(0.05 * 0.3 / 0.9)),
    ]
    assert promote([], "nlu_fallback", 0.95) == [{"name": "nlu_fallback", "confidence": 0.95}]
