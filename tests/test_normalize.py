"""Normalisation keeps offsets into the original text (sentences from the ANT
corpus and the seed-style obfuscation seen in Syrian opposition media)."""
from rasd.text.normalize import fold, repair


SEED_STYLE = "إلا أن استئناف الطائرات الحربية الروسية لقصـ.ف مناطق وبلدات ريف إدلب"


def test_repair_removes_evasion_breaks_only():
    assert repair("قصـ.ف").text == "قصف"
    assert repair("قُتـ.ل 84 شخصًا").text == "قُتل 84 شخصًا"  # diacritics stay: nothing else changed
    assert repair("وجُـ.رح").text == "وجُرح"
    assert repair("اسـ.تهدفت").text == "استهدفت"
    assert repair("مجـ.ازر").text == "مجازر"


def test_repair_cousins_of_the_break():
    assert repair("قت\u200bلى").text == "قتلى"            # zero-width space
    assert repair("قت\u200fلى").text == "قتلى"            # bidi mark
    assert repair("اشتبـــاكات").text == "اشتبـاكات"      # doubled tatweel -> one (typography)
    assert repair("قص*ف").text == "قصف"
    assert repair("قص.ف").text == "قصف"                   # a fragment too short to be a word


def test_repair_leaves_real_punctuation():
    # a missing space after a full stop, an abbreviation and the Hijri year mark are not breaks
    assert repair("إدلب.وقال").text == "إدلب.وقال"
    assert repair("د.محمد").text == "د.محمد"
    s = "خلال حكمها لليمن في الفترة من 628 إلى 858هـ. ثم"
    assert repair(s).text == s


def test_fold_matching_form():
    f = fold("أُصيب ٣٠ شخصاً في إدلب")
    assert f.text == "اصيب 30 شخصا في ادلب"
    assert fold("ﻻ").text == "لا"  # presentation form (NFKC)
    assert fold("مستشفى المدينة").text == "مستشفي المدينه"


def test_offsets_point_into_original():
    f = fold(SEED_STYLE)
    i = f.text.index("لقصف")
    s, e = f.to_original(i, i + len("لقصف"))
    assert SEED_STYLE[s:e] == "لقصـ.ف"
    j = f.text.index("ادلب")
    s, e = f.to_original(j, j + 4)
    assert SEED_STYLE[s:e] == "إدلب"


def test_offsets_with_diacritics_and_digits():
    orig = "وثّق الدفاع المدني مقتل ٨٤ شخصًا"
    f = fold(orig)
    i = f.text.index("84")
    s, e = f.to_original(i, i + 2)
    assert orig[s:e] == "٨٤"
    k = f.text.index("شخصا")
    s, e = f.to_original(k, k + 4)
    assert orig[s:e] == "شخصًا"


def test_every_token_maps_back_on_real_articles():
    """On real articles (with obfuscation added), each folded token's original span folds to the token."""
    import json
    import pathlib
    from rasd.text.segment import tokenize
    from helpers import break_words  # the seed-style obfuscation breaker

    sample = pathlib.Path(__file__).parent / "fixtures/corpus_sample.jsonl"
    texts = [json.loads(line)["text"] for line in sample.open(encoding="utf-8")]
    for text in texts + [break_words(t) for t in texts]:
        f = fold(text)
        for t in tokenize(f.text):
            s, e = f.to_original(t.start, t.end)
            assert fold(text[s:e]).text == t.text, (text[s:e], t.text)
