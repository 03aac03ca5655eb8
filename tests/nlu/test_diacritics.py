from bot.nlu.diacritics import DiacriticsRestorer
from bot.nlu.wordlist import vietnamese_words

SENTENCES = [
    "Tôi quên mật khẩu phần mềm quản lý văn bản",
    "Làm sao đổi mật khẩu tài khoản",
    "Bạn là ai",
    "Cái bàn này của ai",
    "Ký số văn bản đi bằng USB token",
]


def restorer() -> DiacriticsRestorer:
    return DiacriticsRestorer.learn(s.split() for s in SENTENCES)


def test_restores_domain_words_typed_without_diacritics() -> None:
    assert restorer().restore(["toi", "quen", "mat", "khau"]) == ["tôi", "quên", "mật", "khẩu"]


def test_context_chooses_between_words_that_fold_alike() -> None:
    assert restorer().restore(["ban", "la", "ai"])[0] == "bạn"
    assert restorer().restore(["cai", "ban", "nay"])[1] == "bàn"


def test_keeps_what_was_typed_with_diacritics_and_unknown_words() -> None:
    assert restorer().restore(["Quên", "zalo", "USB"]) == ["Quên", "zalo", "USB"]


def test_survives_a_round_trip_through_its_saved_form() -> None:
    saved = DiacriticsRestorer.from_dict(restorer().to_dict())
    assert saved.restore(["ky", "so", "van", "ban"]) == ["ký", "số", "văn", "bản"]


def test_ignores_sentences_typed_without_diacritics_when_learning() -> None:
    learned = DiacriticsRestorer.learn([["quen", "mat", "khau"], ["quên", "mật", "khẩu"]])
    assert learned.restore(["mat"]) == ["mật"]


def test_a_syllable_that_exists_nowhere_is_read_as_the_known_one_a_typo_away() -> None:
    # With the language's word list, as the tokenizer learns: a syllable in neither is a typo.
    learned = DiacriticsRestorer.learn((s.split() for s in SENTENCES), vietnamese_words())
    assert learned.restore(["qên", "mật", "khẩ"]) == ["quên", "mật", "khẩu"]
    assert learned.restore(["quen", "matt", "khau"]) == ["quên", "mật", "khẩu"]


def test_a_real_word_is_never_taken_for_a_typo() -> None:
    learned = DiacriticsRestorer.learn(
        (s.split() for s in SENTENCES), lexicon=[("dài",), ("rải", "rác")]
    )
    assert learned.restore(["dài", "rải", "rác"]) == ["dài", "rải", "rác"]


def test_the_word_list_teaches_how_a_word_the_domain_never_uses_is_written() -> None:
    learned = DiacriticsRestorer.learn(
        (s.split() for s in SENTENCES), lexicon=[("rải", "rác"), ("rác",)]
    )
    assert learned.restore(["rai", "rac"]) == ["rải", "rác"]
    assert learned.restore(["mat", "khau"]) == ["mật", "khẩu"]


def test_two_syllables_before_decide_where_the_one_before_cannot() -> None:
    # After "từ", "xa" (remote) and "xã" (commune) were each seen twice, both at the end: one
    # neighbour gives the same reading to both sentences; the word before "từ" tells them apart.
    # (The word list says "xa" is a word, not "xã" typed without its mark.)
    learned = DiacriticsRestorer.learn(
        (
            s.split()
            for s in [
                "cho phép đăng nhập từ xa",
                "máy tính truy cập từ xa",
                "văn bản gửi từ xã",
                "hồ sơ chuyển từ xã",
            ]
        ),
        lexicon=[("xa",)],
    )
    assert learned.restore(["dang", "nhap", "tu", "xa"])[-1] == "xa"
    assert learned.restore(["van", "ban", "gui", "tu", "xa"])[-1] == "xã"


def test_a_syllable_frequent_only_after_one_word_is_a_poor_guess_after_others() -> None:
    # "sẻ" is more frequent than "sẽ" here, but only ever after "chia"; "sẽ" follows many words.
    # Around "se" below are words never seen beside either: only that difference decides.
    learned = DiacriticsRestorer.learn(
        s.split()
        for s in [
            *["chia sẻ màn hình"] * 3,
            *["chia sẻ tệp"] * 3,
            "tôi sẽ gửi",
            "hệ thống sẽ báo",
            "lãnh đạo sẽ duyệt",
        ]
    )
    assert learned.restore(["anh", "se", "xem"])[1] == "sẽ"
    assert learned.restore(["chia", "se", "tep"]) == ["chia", "sẻ", "tệp"]


def test_a_restorer_saved_before_it_counted_triples_still_loads() -> None:
    saved = restorer().to_dict()
    del saved["trigrams"]
    assert DiacriticsRestorer.from_dict(saved).restore(["mat", "khau"]) == ["mật", "khẩu"]


def test_nothing_typed_restores_to_nothing() -> None:
    assert restorer().restore([]) == []
