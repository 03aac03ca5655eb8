from typing import Any

import pytest

from bot.assistant.reply import classify


def user(intent: str, confidence: float, *others: tuple[str, float]) -> dict[str, Any]:
    ranking = [{"name": intent, "confidence": confidence}]
    ranking += [{"name": n, "confidence": c} for n, c in others]
    return {"event": "user", "parse_data": {"intent": ranking[0], "intent_ranking": ranking}}


def bot(response: str) -> dict[str, Any]:
    return {"event": "bot", "text": "...", "metadata": {"utter_action": response}}


def action(name: str) -> dict[str, Any]:
    return {"event": "action", "name": name}


@pytest.mark.parametrize(
    ("events", "kind", "article", "intent"),
    [
        (
            [
                user("kb_qlvb__dang_nhap", 0.9),
                action("action_answer_article"),
                {"event": "slot", "name": "last_article", "value": "qlvb.dang_nhap"},
                bot("utter_article"),
                bot("utter_ask_feedback"),
            ],
            "answer",
            "qlvb.dang_nhap",
            "kb_qlvb__dang_nhap",
        ),
        (
            [
                user("nlu_fallback", 0.5, ("kb_hoc__diem_dat", 0.4), ("kb_hoc__chung_nhan", 0.3)),
                action("action_clarify"),
                bot("utter_clarify"),
            ],
            "clarify",
            "hoc.diem_dat",
            "kb_hoc__diem_dat",
        ),
        (
            [
                user("nlu_fallback", 0.5, ("greet", 0.2)),
                action("action_clarify"),
                bot("utter_fallback"),
            ],
            "fallback",
            None,
            "greet",
        ),
        # Unsure, but a follow-up of the previous answer: answered by action_clarify.
        (
            [
                user("nlu_fallback", 0.35, ("kb_qlvb__in_so_vb", 0.17)),
                action("action_clarify"),
                bot("utter_article_step"),
                bot("utter_ask_feedback"),
                {"event": "slot", "name": "last_article", "value": "kyso.ky_van_ban"},
            ],
            "answer",
            "kyso.ky_van_ban",
            "kb_qlvb__in_so_vb",
        ),
        (
            [
                user("nlu_fallback", 0.35, ("kb_email__dang_nhap", 0.3)),
                action("action_clarify"),
                bot("utter_article"),
                {"event": "slot", "name": "last_article", "value": "email.gui_tep_lon"},
            ],
            "answer",
            "email.gui_tep_lon",
            "kb_email__dang_nhap",
        ),
        ([user("out_of_scope", 0.99), bot("utter_out_of_scope")], "fallback", None, "out_of_scope"),
        (
            [user("request_human", 0.9), action("action_offer_ticket"), bot("utter_offer_ticket")],
            "handoff",
            None,
            "request_human",
        ),
        (
            [
                user("ticket_status", 0.9),
                action("action_ticket_status"),
                bot("utter_ticket_status_none"),
            ],
            "ticket_status",
            None,
            "ticket_status",
        ),
        (
            [
                user("nlu_fallback", 0.3),
                action("action_clarify"),
                action("action_offer_ticket"),
                bot("utter_offer_ticket_after_fallback"),
            ],
            "handoff",
            None,
            "nlu_fallback",
        ),
        ([user("greet", 0.9), bot("utter_greet")], "smalltalk", None, "greet"),
        (
            [user("feedback_helpful", 1.0), bot("utter_feedback_helpful")],
            "smalltalk",
            None,
            "feedback_helpful",
        ),
    ],
)
def test_kind_article_and_intent_are_read_off_the_turn(
    events: list[dict[str, Any]], kind: str, article: str | None, intent: str
) -> None:
    reply = classify(events, [{"text": "một"}, {"text": "hai"}])
    assert (reply.kind, reply.article, reply.intent) == (kind, article, intent)
    assert reply.text == "một\n\nhai"
