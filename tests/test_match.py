"""Clitic-aware whole-word matching (sentences from the ANT corpus)."""
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
