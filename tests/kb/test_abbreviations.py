from pathlib import Path

import pytest

from bot.kb.abbreviations import AbbreviationError, load_abbreviations


def test_project_dictionary_expands_common_chat_abbreviations(root: Path) -> None:
    table = load_abbreviations(root / "knowledge_base" / "abbreviations.yml")
    expected = {
        "ko": "không",
        "k": "không",
        "kh": "không",
        "đc": "được",
        "dc": "được",
        "vb": "văn bản",
        "mk": "mật khẩu",
        "tk": "tài khoản",
        "cks": "chữ ký số",
        "vpđt": "văn phòng điện tử",
        "qlvb": "quản lý văn bản",
        "ad": "quản trị viên",
    }
    assert {key: " ".join(table[key]) for key in expected} == expected


def test_an_abbreviation_with_two_expansions_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "abbreviations.yml"
    path.write_text("không: [k]\nkhông biết: [k]\n", encoding="utf-8")
    with pytest.raises(AbbreviationError, match="'k' is given two expansions"):
        load_abbreviations(path)


def test_a_malformed_dictionary_is_rejected_with_its_path(tmp_path: Path) -> None:
    path = tmp_path / "abbreviations.yml"
    path.write_text("không: k\n", encoding="utf-8")
    with pytest.raises(AbbreviationError, match=str(path)):
        load_abbreviations(path)
