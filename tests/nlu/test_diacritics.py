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


def test_a_part_typed_without_marks_teaches_nothing_even_when_its_syllables_are_words() -> None:
    # A question typed bare after an opening written with marks (the training data's wrapped
    # copies): "may moi cai lai" are all words, but the text writes them with marks nearly always.
    accented = [
        "máy tính mới cài lại phần mềm",
        "tôi mới cài lại máy",
        "máy in của tôi không chạy",
        "cài lại phần mềm mới được",
        "mới cài lại thì máy chạy",
    ] * 3
    mixed = ["dạ em chào anh chị ạ may moi cai lai win"] * 2
    lexicon = [("may",), ("moi",), ("cai",), ("lai",)]

    learned = DiacriticsRestorer.learn((s.split() for s in accented + mixed), lexicon=lexicon)

    assert learned.restore(["may", "moi", "cai", "lai", "win"])[:4] == ["máy", "mới", "cài", "lại"]
    # The bare form counts only as the word list's fraction of an occurrence.
    assert learned.to_dict()["unigrams"]["moi"] < 1


def test_one_bare_syllable_the_text_seldom_writes_bare_is_still_trusted() -> None:
    # "vùng xa" (remote) is bare in a sentence written with marks, though "xã" is far more common.
    sentences = ["hồ sơ gửi về xã", "văn thư xã", "cán bộ xã", "ủy ban xã", "chủ tịch xã"] * 2
    learned = DiacriticsRestorer.learn(
        (s.split() for s in [*sentences, "ở vùng sâu vùng xa"]), lexicon=[("xa",)]
    )

    assert learned.to_dict()["unigrams"]["xa"] > 1
