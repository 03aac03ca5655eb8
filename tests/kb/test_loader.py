from pathlib import Path

import pytest

from bot.kb.loader import KnowledgeBase, load

SOFTWARE = "qlvb:\n  name: Quản lý văn bản\n  label: QLVB\n"
QUESTIONS = [f"câu hỏi số {n} về đăng nhập" for n in range(8)]


def article(article_id: str = "qlvb.dang_nhap", **fields: object) -> dict[str, object]:
    data: dict[str, object] = {
        "id": article_id,
        "software": "qlvb",
        "title": "Đăng nhập",
        "questions": list(QUESTIONS),
        "answer": {"steps": ["Mở trình duyệt.", "Đăng nhập."]},
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def write_kb(tmp_path: Path, articles: dict[str, dict[str, object]]) -> KnowledgeBase:
    import yaml

    root = tmp_path / "knowledge_base"
    (root / "articles").mkdir(parents=True)
    (root / "software.yml").write_text(SOFTWARE, encoding="utf-8")
    for relative, data in articles.items():
        path = root / "articles" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load(root)


def test_project_knowledge_base_is_valid(knowledge_base: KnowledgeBase) -> None:
    assert knowledge_base.problems == []
    assert len(knowledge_base.articles) >= 47
    assert all(len(a.questions) >= 8 for a in knowledge_base.articles.values())


def test_a_valid_article_loads_with_numbered_steps(tmp_path: Path) -> None:
    kb = write_kb(tmp_path, {"qlvb/dang_nhap.yml": article()})
    assert kb.problems == []
    assert kb.articles["qlvb.dang_nhap"].answer.render() == "1. Mở trình duyệt.\n2. Đăng nhập."


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": None}, "qlvb/dang_nhap.yml: title: chưa có nội dung"),
        ({"questions": QUESTIONS[:5]}, "questions: cần ít nhất 8 câu hỏi, mới có 5"),
        ({"answer": None}, "answer: chưa có câu trả lời"),
        ({"answer": {"steps": []}}, "answer.steps: cần ít nhất một bước"),
        ({"answer": {"steps": ["Mở.", " "]}}, "answer.steps: mỗi bước phải có nội dung, bước 2"),
        ({"software": "zalo"}, "software: phần mềm «zalo» không có trong danh sách; các mã"),
        (
            {"id": "qlvb.khac"},
            "id: bài có mã «qlvb.khac» phải nằm trong tệp articles/qlvb/khac.yml",
        ),
        ({"id": "QLVB.Dang Nhap"}, "id: mã «QLVB.Dang Nhap» chưa đúng dạng «phần_mềm.chủ_đề»"),
        ({"answer": {"steps": ["x" * 4100]}}, "vượt quá một tin nhắn Telegram (4096 ký tự)"),
        ({"questions": [*QUESTIONS, "Câu hỏi số 1 về ĐĂNG NHẬP!"]}, "bị lặp lại trong cùng bài"),
    ],
)
def test_bad_content_is_rejected_naming_file_and_field(
    tmp_path: Path, fields: dict[str, object], message: str
) -> None:
    kb = write_kb(tmp_path, {"qlvb/dang_nhap.yml": article("qlvb.dang_nhap", **fields)})
    assert any(message in problem for problem in kb.problems), kb.problems
    assert "qlvb.dang_nhap" not in kb.articles or "lặp lại" in message


def test_same_question_in_two_articles_is_rejected(tmp_path: Path) -> None:
    other = article(
        "qlvb.quen_mat_khau",
        questions=[q.replace("đăng nhập", "mật khẩu") for q in QUESTIONS[1:]]
        + ["cau hoi so 0 ve dang nhap"],
    )
    kb = write_kb(tmp_path, {"qlvb/dang_nhap.yml": article(), "qlvb/quen_mat_khau.yml": other})
    assert any(
        "quen_mat_khau.yml: questions[8]" in p
        and "trùng với một câu hỏi của bài qlvb.dang_nhap (knowledge_base/articles/qlvb/" in p
        for p in kb.problems
    ), kb.problems


def test_duplicate_ids_are_rejected(tmp_path: Path) -> None:
    copy = article(questions=[q + " nữa" for q in QUESTIONS])
    kb = write_kb(tmp_path, {"qlvb/dang_nhap.yml": article(), "khac/dang_nhap.yml": copy})
    assert any("đã được dùng cho" in p or "phải nằm trong" in p for p in kb.problems), kb.problems


def test_invalid_yaml_is_reported_not_raised(tmp_path: Path) -> None:
    root = tmp_path / "knowledge_base"
    (root / "articles" / "qlvb").mkdir(parents=True)
    (root / "software.yml").write_text(SOFTWARE, encoding="utf-8")
    (root / "articles" / "qlvb" / "hong.yml").write_text("id: [unclosed", encoding="utf-8")
    kb = load(root)
    assert any("hong.yml: không phải YAML hợp lệ" in p for p in kb.problems)
