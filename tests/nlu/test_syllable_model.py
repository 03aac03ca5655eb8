import pytest

from bot.nlu.syllable_model import END, START, SyllableModel

SENTENCES = [
    ["tôi", "quên", "mật", "khẩu"],
    ["tôi", "đổi", "mật", "khẩu"],
    ["chia", "sẻ", "màn", "hình"],
    ["quên", "mật", "khẩu", "email"],
]


def model(**settings: float) -> SyllableModel:
    unigrams: dict[str, float] = {}
    bigrams: dict[tuple[str, str], float] = {}
    trigrams: dict[tuple[str, str, str], float] = {}
    for sentence in SENTENCES:
        padded = [START, START, *sentence, END]
        for s in sentence:
            unigrams[s] = unigrams.get(s, 0.0) + 1
        for i in range(2, len(padded)):
            pair, triple = (padded[i - 1], padded[i]), (padded[i - 2], padded[i - 1], padded[i])
            bigrams[pair] = bigrams.get(pair, 0.0) + 1
            trigrams[triple] = trigrams.get(triple, 0.0) + 1
    # A pair only a word list knows, at a fraction of an occurrence.
    bigrams[("màn", "sẻ")] = 0.05
    return SyllableModel(unigrams, bigrams, trigrams, **settings)


VOCABULARY = sorted({s for sentence in SENTENCES for s in sentence} | {END})


@pytest.mark.parametrize(
    "history", [(START, START), ("tôi", "quên"), ("chia", "sẻ"), ("ai", "đó"), ("màn", "sẻ")]
)
def test_what_may_follow_a_history_is_a_distribution(history: tuple[str, str]) -> None:
    total = sum(model().following(*history, VOCABULARY))
    # Only the sliver kept for syllables never seen is missing (large in so small a text).
    assert 0.99 < total < 1.0


def test_a_triple_seen_outweighs_what_its_last_pair_alone_says() -> None:
    m = model()
    assert m.trigram("tôi", "quên", "mật") > m.bigram("quên", "mật") * 0.99
    assert m.trigram(START, "tôi", "quên") > m.trigram(START, "tôi", "đổi") / 2
    assert m.trigram(START, START, "tôi") > m.trigram(START, START, "quên")


def test_a_history_never_seen_falls_back_on_the_lower_orders() -> None:
    m = model()
    assert m.trigram("ai", "đó", "mật") == m.bigram("đó", "mật") == m.unigram("mật")
    assert m.trigram("ai", "quên", "mật") == m.bigram("quên", "mật")


def test_a_syllable_after_one_word_only_is_a_weaker_guess_elsewhere_than_its_count_says() -> None:
    counted = model(continuation=0.0)
    preceded = model(continuation=1.0)
    # "khẩu" occurs three times, always after "mật"; "mật" three times after two different words.
    assert counted.unigram("khẩu") == counted.unigram("mật")
    assert preceded.unigram("khẩu") < preceded.unigram("mật")


def test_the_share_handed_down_grows_with_the_backoff() -> None:
    low, high = model(trigram_backoff=0.5), model(trigram_backoff=50.0)
    # "email" after ("mật", "khẩu") was seen once in three; more backoff trusts that less.
    assert low.trigram("mật", "khẩu", "email") > high.trigram("mật", "khẩu", "email")
    assert 0.99 < sum(high.following("mật", "khẩu", VOCABULARY)) < 1.0
