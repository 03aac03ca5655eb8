import random
import unicodedata
from pathlib import Path

import pytest
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu import project_texts
from bot.nlu.vi_tokenizer import VietnameseTokenizer

TRAINING = [
    "Tôi quên mật khẩu phần mềm quản lý văn bản",
    "Làm sao để đổi mật khẩu tài khoản",
    "Máy tính không nhận USB token",
    "Ký số văn bản đi thế nào",
]


@pytest.fixture
def tokenizer(tmp_path: Path, root: Path) -> VietnameseTokenizer:
    """A tokenizer trained on a few sentences, as `rasa train` would make it."""
    config = {
        **VietnameseTokenizer.get_default_config(),
        "abbreviations": str(root / "knowledge_base" / "abbreviations.yml"),
    }
    storage = LocalModelStorage(tmp_path)
    resource = Resource("tokenizer")
    component = VietnameseTokenizer.create(config, storage, resource, None)
    assert isinstance(component, VietnameseTokenizer)
    component.train(TrainingData([Message({"text": t}) for t in TRAINING]))
    loaded = VietnameseTokenizer.load(config, storage, resource, None)
    assert isinstance(loaded, VietnameseTokenizer)
    return loaded


def tokens(tokenizer: VietnameseTokenizer, text: str) -> list[tuple[str, str, str]]:
    """(token text, lemma, the original text under its offsets)."""
    found = tokenizer.tokenize(Message({"text": text}), "text")
    return [(t.text, t.lemma, text[t.start : t.end]) for t in found]


def test_segments_words_as_underthesea_does(tokenizer: VietnameseTokenizer) -> None:
    assert [t[0] for t in tokens(tokenizer, "Tôi quên mật khẩu phần mềm")] == [
        "Tôi",
        "quên",
        "mật_khẩu",
        "phần_mềm",
    ]


def test_text_without_diacritics_is_restored_and_segmented(tokenizer: VietnameseTokenizer) -> None:
    assert tokens(tokenizer, "toi quen mat khau") == [
        ("tôi", "toi", "toi"),
        ("quên", "quen", "quen"),
        ("mật_khẩu", "mat khau", "mat khau"),
    ]


def test_lemma_is_the_same_with_or_without_diacritics(tokenizer: VietnameseTokenizer) -> None:
    with_marks = [t[1] for t in tokens(tokenizer, "Máy tính không nhận USB token")]
    without = [t[1] for t in tokens(tokenizer, "may tinh khong nhan usb token")]
    assert with_marks == without


def test_a_clause_telling_what_still_works_gives_no_token(tokenizer: VietnameseTokenizer) -> None:
    text = "Tiếng vẫn rõ, mạng không giật, nhưng hình bị mờ"
    assert [t[2] for t in tokens(tokenizer, text)] == ["nhưng", "hình", "bị", "mờ"]


def test_abbreviations_expand_and_keep_the_offsets_of_what_was_typed(
    tokenizer: VietnameseTokenizer,
) -> None:
    assert tokens(tokenizer, "mk ko dc") == [
        ("mật_khẩu", "mat khau", "mk"),
        ("không", "khong", "ko"),
        ("được", "duoc", "dc"),
    ]
    assert [t[0] for t in tokens(tokenizer, "e quên mk qlvb")] == [
        "em",
        "quên",
        "mật_khẩu",
        "quản_lý",
        "văn_bản",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Quên mật khẩu 😀😀 nhé!!!",
        "mật\tkhẩu\t\tqlvb",
        "??? !!! ...",
        "😀",
        "   ",
        "",
        "Пароль забыл, 密码 quên mk",
        unicodedata.normalize("NFD", "Đăng nhập phần mềm quản lý văn bản"),
        "HT-000123 gọi 0912.345.678 hoặc a@b.vn",
        "hoà thuý khoẻ",
        "\u200bẩn\u200b ký tự",
        "mật khẩu " * 600,
    ],
)
def test_offsets_always_match_the_text_rasa_holds(
    tokenizer: VietnameseTokenizer, text: str
) -> None:
    found = tokenizer.tokenize(Message({"text": text}), "text")
    assert found
    for token in found:
        assert 0 <= token.start <= token.end <= len(text)
        original = text[token.start : token.end]
        assert original.strip() == original
    starts = [t.start for t in found]
    assert starts == sorted(starts)


def test_offsets_hold_for_random_unicode(tokenizer: VietnameseTokenizer) -> None:
    pool = "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạếềểễệ ́̀ \t\n.,!?-_/@😀中Ж0123456789ĐÁ"
    generator = random.Random(7)
    for _ in range(300):
        text = "".join(generator.choice(pool) for _ in range(generator.randint(0, 80)))
        for token in tokenizer.tokenize(Message({"text": text}), "text"):
            assert 0 <= token.start <= token.end <= len(text)


def test_five_thousand_characters_are_tokenized(tokenizer: VietnameseTokenizer) -> None:
    text = ("Tôi quên mật khẩu, ko đăng nhập đc vào qlvb. " * 120)[:5000]
    found = tokenizer.tokenize(Message({"text": text}), "text")
    assert len(found) > 600
    assert found[-1].end <= 5000


@pytest.fixture
def with_knowledge_base(tmp_path: Path, root: Path) -> VietnameseTokenizer:
    """A tokenizer trained with the project's knowledge base folder: thesaurus and articles."""
    config = {
        **VietnameseTokenizer.get_default_config(),
        "knowledge_base": str(root / "knowledge_base"),
    }
    storage, resource = LocalModelStorage(tmp_path), Resource("tokenizer")
    component = VietnameseTokenizer.create(config, storage, resource, None)
    assert isinstance(component, VietnameseTokenizer)
    component.train(TrainingData([Message({"text": t}) for t in TRAINING]))
    loaded = VietnameseTokenizer.load(config, storage, resource, None)
    assert isinstance(loaded, VietnameseTokenizer)
    return loaded


def test_the_knowledge_base_term_follows_the_officials_word_under_its_offsets(
    with_knowledge_base: VietnameseTokenizer,
) -> None:
    found = tokens(with_knowledge_base, "quên mã đăng nhập")

    lemmas = " ".join(lemma for _, lemma, _ in found)
    assert lemmas == "quen ma dang nhap mat khau"
    assert found[-1][2] == "nhập"


def test_a_word_with_its_own_marks_gets_no_term_of_a_word_spelt_alike(
    with_knowledge_base: VietnameseTokenizer,
) -> None:
    # "vắng" (absent) is a synonym of "vắng mặt"; "vàng" (gold) folds to the same letters.
    lemmas = [lemma for _, lemma, _ in tokens(with_knowledge_base, "giá vàng hôm nay")]

    assert "vang mat" not in lemmas


def test_a_typo_in_a_word_reaches_the_lemma_of_the_word_meant(
    with_knowledge_base: VietnameseTokenizer,
) -> None:
    found = tokens(with_knowledge_base, "qên mật khẩ phần mềm văn bản")

    assert " ".join(lemma for _, lemma, _ in found) == "quen mat khau phan mem van ban"
    assert [original for _, _, original in found][:2] == ["qên", "mật khẩ"]


def test_words_only_the_answers_use_are_restored(
    with_knowledge_base: VietnameseTokenizer,
) -> None:
    # "Gửi yêu cầu" is in a step of an article, in no question of TRAINING.
    assert [t[0] for t in tokens(with_knowledge_base, "bam gui yeu cau")][-2:] == [
        "gửi",
        "yêu_cầu",
    ]


def test_words_only_the_replies_use_are_restored(tokenizer: VietnameseTokenizer) -> None:
    # "Không đọc được tệp" is a reply of the gateway (bot/gateway/texts.yml), in no question of
    # TRAINING; the word list alone reads "khong doc duoc tep" as "không độc dược tép".
    assert "Không đọc được tệp" in " ".join(project_texts.reply_texts())

    restored = " ".join(t[0] for t in tokens(tokenizer, "khong doc duoc tep")).replace("_", " ")

    assert restored == "không đọc được tệp"


def test_the_domain_responses_teach_the_restorer(tmp_path: Path, root: Path) -> None:
    domain = tmp_path / "domain.yml"
    domain.write_text('responses:\n  utter_x:\n    - text: "Vùng sâu vùng xa {name}"\n', "utf-8")
    config = {**VietnameseTokenizer.get_default_config(), "domain": str(domain)}
    storage, resource = LocalModelStorage(tmp_path), Resource("tokenizer")
    component = VietnameseTokenizer.create(config, storage, resource, None)
    assert isinstance(component, VietnameseTokenizer)
    component.train(TrainingData([Message({"text": t}) for t in TRAINING]))
    assert component.restorer is not None

    assert component.restorer.restore(["vung", "sau", "vung", "xa"]) == [
        "vùng",
        "sâu",
        "vùng",
        "xa",
    ]


def test_a_tokens_fingerprint_is_stable_and_tells_tokens_apart(
    tokenizer: VietnameseTokenizer,
) -> None:
    first = tokenizer.tokenize(Message({"text": "quên mật khẩu"}), "text")
    again = tokenizer.tokenize(Message({"text": "quên mật khẩu"}), "text")
    assert [t.fingerprint() for t in first] == [t.fingerprint() for t in again]
    assert len({t.fingerprint() for t in first}) == len(first)
    shifted = tokenizer.tokenize(Message({"text": " quên mật khẩu"}), "text")
    assert first[0].fingerprint() != shifted[0].fingerprint()
    first[0].set("pos", "V")
    assert first[0].fingerprint() != again[0].fingerprint()


def test_a_loaded_tokenizer_has_the_segmentation_model_ready_for_the_first_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import underthesea.pipeline.word_tokenize as segmentation

    config = VietnameseTokenizer.get_default_config()
    storage, resource = LocalModelStorage(tmp_path), Resource("tokenizer")
    trained = VietnameseTokenizer.create(config, storage, resource, None)
    assert isinstance(trained, VietnameseTokenizer)
    trained.train(TrainingData([Message({"text": t}) for t in TRAINING]))
    # As in a replica just started: underthesea's model not loaded yet.
    monkeypatch.setattr(segmentation, "word_tokenize_model", None)
    VietnameseTokenizer.load(config, storage, resource, None)
    assert segmentation.word_tokenize_model is not None
