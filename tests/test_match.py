"""Clitic-aware whole-word matching (sentences from the ANT corpus)."""
import re

from rasd.text.match import PhraseMatcher
from rasd.text.normalize import fold
from rasd.text.segment import analyses, clause_ids, segment, tokenize


def _match(matcher, text):
    f = fold(text)
    toks = tokenize(f.text)
    out = []
    for m in matcher.find(toks):
        s, e = f.to_original(m.start, m.end)
        out.append((text[s:e], m.payloads[0]))
    return out


def test_analyses_strip_proclitics():
    stems = dict(analyses("وبلدات"))
    assert "بلدات" in stems and stems["بلدات"] == 1
    assert "قصف" in dict(analyses("لقصف"))
    assert "ريف" in dict(analyses("بريف"))
    assert "قوات" in dict(analyses("للقوات"))
    assert "طايرات" in dict(analyses("والطايرات"))


def test_clitics_and_suffixes():
    m = PhraseMatcher()
    m.add("قصف", "bombard")
    m.add("بلدات", "towns", allow_suffix=False)
    m.add("الطائرات الحربية الروسية", "ru_air")
    text = "إلا أن استئناف الطائرات الحربية الروسية لقصـ.ف مناطق وبلدات ريف إدلب"
    assert _match(m, text) == [("الطائرات الحربية الروسية", "ru_air"), ("قصـ.ف", "bombard"), ("بلدات", "towns")]
    # pronoun suffix: "كثفت فصائل الفتح المبين مؤخراً من قصـ.فها"
    assert _match(m, "كما كثفت فصائل الفتح المبين مؤخراً من قصـ.فها لمواقع") == [("قصـ.فها", "bombard")]


def test_whole_words_only():
    m = PhraseMatcher()
    m.add("بالس", "place", allow_suffix=False)
    # "بالس" (Balis, a village) must not fire inside "بالسلاح"
    assert _match(m, "وخيّر أردوغان الوحدات الكردية بين الذهاب إلى أحضان داعميها، أو إلقاء السلاح") == []
    assert _match(m, "هاجموا المدنيين بالسلاح الأبيض") == []


def test_longest_match_wins():
    m = PhraseMatcher()
    m.add("قوات", "generic")
    m.add("قوات النظام", "regime")
    assert _match(m, "قصفت قوات النظام بلدة كفرنبل") == [("قوات النظام", "regime")]


def test_sentences_and_clauses():
    text = "قتل 20 مدنيا، بينهم أربعة أطفال. وقال المرصد إنه وثق ذلك؟\nسطر آخر"
    f = fold(text)
    toks, sents, _ = segment(f)
    assert len(sents) == 3
    assert [(s.tok_start, s.tok_end) for s in sents] == [(0, 6), (6, 11), (11, 13)]
    assert [t.sent for t in toks] == [0] * 6 + [1] * 5 + [2] * 2
    cl = clause_ids(f.text, toks, sents)
    assert cl[0] == cl[2] and cl[3] != cl[2]  # the comma opens a new clause
    assert cl == clause_ids(f.text, toks)     # the same without the sentences given


def test_folded_ta_marbuta_is_not_a_pronoun_suffix():
    # "مناطق سيطرة المعارضة" (areas the opposition holds) is not the verb "سيطر" + a suffix
    m = PhraseMatcher()
    m.add("سيطر", "captured")
    assert _match(m, "ومع استمرار القصف على مناطق سيطرة المعارضة") == []
    assert _match(m, "وكانت قوات الأسد قد سيطر على القرية") == [("سيطر", "captured")]


def test_real_ha_is_a_pronoun_suffix_but_folded_ta_marbuta_is_not():
    from datetime import date
    from rasd.document import Document
    from rasd.pipeline import segment
    m = PhraseMatcher()
    m.add("اعتراض", "intercept")
    m.add("سيطر", "captured")
    # SPA via ANT corpus (2018-04-16): "وقد تمكنت قوات الدفاع الجوي الملكي السعودي من اعتراضه"
    d = Document(text="وقد تمكنت قوات الدفاع الجوي الملكي السعودي من اعتراضه، ومناطق سيطرة المعارضة", published=date(2018, 4, 16))
    segment(d)
    found = [(d.text[slice(*d.orig_span(x.start, x.end))], x.payloads[0]) for x in m.find(d.tokens)]
    assert found == [("اعتراضه", "intercept")]


def test_word_index_registration_lives_as_long_as_its_matcher():
    import gc

    from rasd.document import Document
    from rasd.text import wordindex

    before = len(wordindex._TESTS)
    m = PhraseMatcher()
    m.add("قصف", "bombard")
    assert len(wordindex._TESTS) == before + 1
    f = fold("تجدد القصف على المدينة")
    toks, _, wi = segment(f)
    doc = Document(text=f.text, norm=f, tokens=toks, word_index=wi)
    assert wordindex.positions(doc, m.words) == [1]          # the index names القصف
    assert [x.payloads for x in m.find(toks, doc=doc)] == [["bombard"]]
    del m
    gc.collect()
    assert len(wordindex._TESTS) == before                   # gone with its matcher


def test_words_are_the_token_pattern_s_words():
    """``words`` takes shortcuts (whole chunks, punctuation stripped, lines split): it must
    give exactly the words and offsets of the token pattern, on awkward strings and on the
    500 real articles of the fixture."""
    import json
    import lzma
    from pathlib import Path

    from rasd.text.segment import _EDGE, _GLUED, _GLUED_PARTS, _TOKEN, words

    assert not any(c.isalnum() for c in _EDGE)   # stripping them never cuts into a word

    def by_regex(t):
        # each token of the pattern, split where Arabic letters touch a figure
        ws, ss = [], []
        for m in _TOKEN.finditer(t):
            w = m.group()
            glued = _GLUED.search(w) and not re.fullmatch(r"و[0-9]+", w)
            for part in (_GLUED_PARTS.finditer(w) if glued else [re.match(r".*", w)]):
                ws.append(part.group())
                ss.append(m.start() + part.start())
        return ws, ss

    awkward = ["a.5", ".5", "5.", "1,000.", '"1,000"', "«2.5»،", "x_y", "_a_", "--a--", "a\nb\n\nc",
               "\n", "", "  ", "«»", "(2.5)", "a,b", "a.b.c", "١٢", "x—y", "ـــ", "a\r\nb", "إدلب،\"قال",
               "#صعدة", "(شمال محافظة عمران)", "قتلى.\nوقال", "3,5.7,x", "...", "حينها61", "و14ايار", "و32",
               "F35", "«ديالي57»،", "اوقعت13 قتيلا", "2.5كم"]
    for t in awkward:
        assert words(t) == by_regex(t), t
    fixture = Path(__file__).parent / "fixtures" / "corpus500.jsonl.xz"
    n = 0
    with lzma.open(fixture, "rt", encoding="utf-8") as f:
        for line in f:
            t = json.loads(line)["text"]
            for x in (t, fold(t).text):
                assert words(x) == by_regex(x)
                n += 1
    assert n == 1000


def test_pronoun_suffix_on_the_last_word_of_a_phrase():
    m = PhraseMatcher()
    m.add("إطلاق نار", "fire")                       # suffixes allowed
    m.add("مواقع الجيش", "army", allow_suffix=False)
    m.add("مواقع", "positions", allow_suffix=False)
    assert _match(m, "أعلن إطلاق نارهم على الحاجز") == [("إطلاق نارهم", "fire")]
    assert _match(m, "وإطلاق النار") == [("إطلاق النار", "fire")]
    # no suffix where the entry forbids it: the one-word entry is what matches
    assert _match(m, "قصف مواقع جيشهم") == [("مواقع", "positions")]
    assert _match(m, "قصف مواقع الجيش") == [("مواقع الجيش", "army")]


def test_sentence_bounds_are_the_sentence_pattern_s():
    """``sentence_bounds`` finds the sentence ends with str.find and checks them with the
    pattern: the same sentences as scanning with the pattern, on awkward strings and on the
    500 real articles of the fixture."""
    import json
    import lzma
    from pathlib import Path

    from rasd.text.segment import _SENT_END, sentence_bounds

    def by_pattern(text):
        out, pos = [], 0
        for m in _SENT_END.finditer(text):
            r = text[pos:m.end()].rstrip()
            if r:
                out.append((pos + len(r) - len(r.lstrip()), pos + len(r)))
            pos = m.end()
        r = text[pos:].rstrip()
        if r:
            out.append((pos + len(r) - len(r.lstrip()), pos + len(r)))
        return out

    for t in ["", ".", "..", "a.b. c", 'a?!" b', "x\n\n\ny", "؟؟", "a.)", "1.5 و 2.", "a\n", "a. \n b .", "قال: «نعم». ثم"]:
        assert sentence_bounds(t) == by_pattern(t), t
    fixture = Path(__file__).parent / "fixtures" / "corpus500.jsonl.xz"
    with lzma.open(fixture, "rt", encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in f]
    assert len(texts) == 500
    for t in texts:
        for x in (t, fold(t).text):
            assert sentence_bounds(x) == by_pattern(x)


def test_arabic_letters_glued_to_a_figure_are_two_words():
    # corpus text with a missing space: "إذ قتل حينها61 فلسطينيا", "محافظة ديالى57 كم"
    from rasd.text.segment import words
    assert words("قتل حينها61 فلسطينيا")[0] == ["قتل", "حينها", "61", "فلسطينيا"]
    assert words("ديالي57 كم و32 F35")[0] == ["ديالي", "57", "كم", "و32", "F35"]


def test_an_initial_does_not_end_a_sentence():
    # Saudi News Net 2015: "(د. ب. أ)" (dpa) and "د." (Dr.) are initials
    from rasd.text.segment import sentence_bounds
    t = "وقالت مصادر لوكالة الأنباء الألمانية (د. ب. أ) إن طيران الجيش نفذ طلعاته. وقال د. محمد إن القصف مستمر."
    assert len(sentence_bounds(t)) == 2
