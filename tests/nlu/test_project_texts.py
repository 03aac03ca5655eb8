from pathlib import Path

from bot.nlu import project_texts
from bot.texts import texts


def test_every_reply_text_is_read_without_its_placeholders() -> None:
    found = project_texts.reply_texts()

    assert "Không phải các mục trên" in found
    assert not any("{" in text or "}" in text for text in found)


def test_a_placeholder_cuts_the_text_where_it_was() -> None:
    assert project_texts.pieces(["Xem phiếu {code} ngay **bây giờ**", "{code}"]) == [
        "Xem phiếu",
        "ngay  bây giờ",
    ]


def test_the_packages_texts_and_the_actions_word_lists_are_read_in_a_fixed_order() -> None:
    files = project_texts.files()

    assert ("bot.gateway", "texts.yml") in files
    assert ("actions", "ticket_words.yml") in files
    paths = [f"{package.replace('.', '/')}/{name}" for package, name in files]
    assert paths[-1].startswith("actions/")
    assert paths == sorted(paths, key=lambda path: (path.startswith("actions/"), path))
    for package, name in files:
        assert any(texts(package, name).strings())


def test_software_names_and_domain_responses_are_read(root: Path, tmp_path: Path) -> None:
    software = {"vpdt": {"name": "Văn phòng điện tử", "label": "VPĐT"}}
    assert project_texts.software_texts(software) == ["Văn phòng điện tử", "VPĐT"]
    responses = project_texts.domain_responses(root / "domain.yml")
    assert any(text.startswith("Xin chào anh/chị!") for text in responses)
    assert project_texts.domain_responses(tmp_path / "missing.yml") == []
