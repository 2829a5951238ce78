"""Moderation-evasion breaks (قصـ.ف, قتـ‌لى, الصو*اريخ) must not change what Rasd extracts,
and evidence must still point into the text the user gave (the broken one).

Texts: ANT corpus v2.1 (Al Arabiya, BBC Arabic, CNN Arabic, France24, Sky News Arabia, 2018).
"""
from __future__ import annotations

from collections import Counter

import pytest

import rasd
from rasd.text.normalize import fold, repair

from helpers import ANT_CONFLICT, SENSITIVE, VARIANTS, break_words, corpus_articles

TATWEEL = "ـ"

# Real sentences (ANT corpus, Al Arabiya), with the article's publication date.
SENTENCES = [
    # ant-AL-internationalNews-1365-20180528
    ("قتل فلسطيني وأصيب آخر بجروح في قصف إسرائيلي على شمال قطاع غزة الاثنين، وفقا لما أعلنته "
     "وزارة الصحة في غزة.", "2018-05-28T18:49:34+04:00"),
    # ant-AL-internationalNews-114-20180220
    ("قتل 12 عنصراً من #ميلشيا_الحوثي الانقلابية في غارات لطيران التحالف استهدفت تعزيزات وتجمعات "
     "للمليشيات على أطراف مديرية صرواح بين مأرب وصنعاء.", "2018-02-20T09:02:50+04:00"),
    # ant-AL-internationalNews-613-20180325
    ("اندلعت اشتباكات مسلحة بين قيادات ميليشيا الحوثي، الأحد، وسط مدينة دمت شمال الضالع جنوب "
     "#اليمن، ما أدى إلى سقوط 4 قتلى بينهم قيادات وجرح آخرين، بحسب إحصاءات أولية.",
     "2018-03-25T17:20:08+04:00"),
    # ant-AL-internationalNews-1287-20180523
    ("قتلت عبوة ناسفة زرعتها ميليشيا الحوثي الانقلابية، الثلاثاء، ثلاثة مدنيين، بالقرب من ميناء "
     "الحيمة العسكري بمديرية التحيتا، جنوبي محافظة الحديدة غرب اليمن.", "2018-05-23T02:37:51+04:00"),
]


def clean(s: str | None) -> str | None:
    """What a reader sees: breaks repaired, tatweel gone."""
    return None if s is None else repair(s).text.replace(TATWEEL, "")


def event_key(e) -> tuple:
    return (e.event_type, e.sub_event_type, e.date_start, e.date_end,
            clean(e.location.name) if e.location else None, e.fatalities, e.injuries)


def place_key(p) -> tuple:
    return clean(p.name), p.geonameid, p.geo_precision


def check_same(text: str, published: str, doc_id: str) -> int:
    """Assert the broken copy of ``text`` gives the same events; return how many there were."""
    broken = break_words(text)
    a = rasd.extract(text, published=published, doc_id=doc_id)
    b = rasd.extract(broken, published=published, doc_id=doc_id)
    assert Counter(map(event_key, b.events)) == Counter(map(event_key, a.events)), doc_id
    assert Counter(map(place_key, b.places)) == Counter(map(place_key, a.places)), doc_id
    refs = {(event_key(e), clean(e.evidence)): e for e in a.events}
    for e in b.events:
        s, t = e.evidence_span
        assert 0 <= s < t <= len(broken)
        assert broken[s:t] == e.evidence, (doc_id, "evidence is not the text at its span")
        ref = refs.get((event_key(e), clean(e.evidence)))
        assert ref is not None, (doc_id, "no event with this evidence on the clean text", e.evidence)
        for name, (fs, fe) in e.spans.items():
            assert 0 <= fs <= fe <= len(broken), (doc_id, name)
            if name in ref.spans:
                rs, re_ = ref.spans[name]
                assert clean(broken[fs:fe]) == clean(text[rs:re_]), (doc_id, name)
    for p in b.places:
        if p.span:
            assert clean(broken[p.span[0]:p.span[1]]) == clean(p.name), doc_id
    return len(a.events)


# --------------------------------------------------------------------------- the breaker itself

def test_break_words_seed_style():
    assert break_words("قصف", ["قصف"]) == "قصـ.ف"
    assert break_words("الخلافات", ["الخلافات"]) == "الخـ.لافات"
    # clitics around the word stay; the break falls inside the sensitive part
    assert break_words("والقصف", ["قصف"]) == "والقصـ.ف"


def test_break_words_uses_every_variant_deterministically():
    text = " ".join(["قصف"] * len(VARIANTS))
    broken = break_words(text, ["قصف"])
    assert [w[2:-1] for w in broken.split(" ")] == list(VARIANTS)
    assert break_words(text, ["قصف"]) == broken


@pytest.mark.parametrize("text,_pub", SENTENCES)
def test_repair_undoes_the_breaks_on_real_sentences(text, _pub):
    broken = break_words(text)
    assert broken != text and any(w in text for w in SENSITIVE)
    assert clean(broken) == clean(text)
    assert fold(broken).text == fold(text).text


# --------------------------------------------------------------------------- the pipeline reads through

def test_events_on_broken_real_sentences_are_the_same():
    found = sum(check_same(text, pub, f"sentence-{i}") for i, (text, pub) in enumerate(SENTENCES))
    assert found >= 3          # the sentences do report events: the comparison is not vacuous


def test_bundled_example_reads_through_breaks():
    from importlib import resources

    text = resources.files("rasd").joinpath("examples/idlib.txt").read_text(encoding="utf-8")
    assert check_same(text, "2019-12-27", "idlib") >= 2


@pytest.mark.skipif(not ANT_CONFLICT.exists(), reason="ANT corpus not present (/work/shared/data)")
def test_events_on_broken_corpus_articles_are_the_same():
    arts = corpus_articles(n=30)
    assert len(arts) == 30
    found = 0
    for rec in arts:
        assert break_words(rec["text"]) != rec["text"]
        found += check_same(rec["text"], rec["published"], rec["doc_id"])
    assert found >= 15         # 30 conflict articles report events: the comparison is not vacuous
