"""`bot.kb.safe_yaml`: a trainer's YAML as plain data, without references or merge keys."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from bot.kb import safe_yaml
from bot.kb.import_limits import Limits

DEPTH = 20


def refusal(text: str) -> str:
    with pytest.raises(safe_yaml.Refused) as refused:
        safe_yaml.load(text, DEPTH)
    return refused.value.reason


def test_plain_articles_load_as_with_the_safe_loader() -> None:
    text = "articles:\n- id: qlvb.x\n  questions: [một, hai]\n  note: null\nthesaurus: {a: [b]}\n"
    assert safe_yaml.load(text, DEPTH) == yaml.safe_load(text)


@pytest.mark.parametrize(
    "text",
    [
        "a: &x [1, 2]\nb: *x\n",
        "- &x một\n",  # an anchor alone, never referred to
        "a: &x {b: 1}\n",
        "q: &q 'câu hỏi'\nquestions: [*q, *q, *q]\n",
    ],
)
def test_an_anchor_or_an_alias_is_refused(text: str) -> None:
    assert refusal(text) == "references"


def test_a_merge_key_is_refused_even_without_an_alias() -> None:
    assert refusal("- {<<: {software: qlvb}, id: qlvb.x}\n") == "merge"


def test_a_quoted_merge_sign_is_an_ordinary_key() -> None:
    assert safe_yaml.load("'<<': 1\n", DEPTH) == {"<<": 1}


def test_nesting_deeper_than_the_limit_is_refused_before_python_recursion_fails() -> None:
    assert safe_yaml.load("[" * DEPTH + "]" * DEPTH, DEPTH) is not None
    assert refusal("[" * (DEPTH + 1) + "]" * (DEPTH + 1)) == "depth"
    assert refusal("[" * 100_000) == "depth"


def test_a_tag_that_builds_an_object_is_still_refused_as_not_yaml() -> None:
    with pytest.raises(yaml.YAMLError):
        safe_yaml.load("!!python/object/apply:os.system ['true']\n", DEPTH)


LIMITS = Limits(rows=3, columns=4, cell_characters=20)


def checked(articles: list[Any], terms: dict[Any, Any] | None = None) -> tuple[str, int | None]:
    with pytest.raises(safe_yaml.Refused) as refused:
        safe_yaml.check(articles, terms or {}, LIMITS)
    return refused.value.reason, refused.value.row


def test_articles_within_the_limits_pass() -> None:
    safe_yaml.check([{"id": "a", "questions": ["x" * 9, "y" * 10]}] * 3, {"t": ["u"]}, LIMITS)


def test_more_articles_or_terms_than_rows_are_refused() -> None:
    assert checked([{}] * 4) == ("items", None)
    assert checked([], {str(n): ["x"] for n in range(4)}) == ("items", None)


def test_an_article_with_more_fields_than_columns_is_named() -> None:
    assert checked([{}, dict.fromkeys("abcde", "x")]) == ("fields", 2)


@pytest.mark.parametrize(
    "value",
    ["x" * 21, ["x" * 10, "y" * 10], [["x" * 30]], {"x" * 30: 1}],
    ids=["text", "list as a cell", "nested list", "mapping"],
)
def test_a_field_longer_than_a_cell_is_named(value: object) -> None:
    assert checked([{"id": "a"}, {"id": "b"}, {"questions": value}]) == ("value", 3)


def test_a_thesaurus_term_longer_than_a_cell_is_named_as_a_term() -> None:
    with pytest.raises(safe_yaml.Refused) as refused:
        safe_yaml.check([], {"a": ["b"], "c": ["d" * 30]}, LIMITS)
    assert (refused.value.reason, refused.value.row, refused.value.thesaurus) == ("value", 2, True)
