"""Actor recognition (rasd.recognize.actors) on real corpus sentences.

Sentences are short excerpts from the ANT Corpus v2.1 (Al Arabiya, BBC Arabic,
CNN Arabic, France24, Sky News Arabia; 2018) and SaudiNewsNet (2015, CC BY-NC-SA
4.0), cited by doc_id.
"""
from __future__ import annotations

from datetime import date

import pytest

from rasd.document import Document
from rasd.pipeline import segment
from rasd.recognize.actors import ActorRecognizer

from helpers import break_words, corpus_articles


@pytest.fixture(scope="module")
def rec() -> ActorRecognizer:
    return ActorRecognizer()


def run(rec, text: str, focus: str | None = None) -> Document:
    doc = Document(text=text, published=date(2018, 5, 1))
    segment(doc)
    doc.focus_country = focus
    rec(doc)
    return doc


def actors(doc: Document) -> list[tuple[str, str, str | None]]:
    return [(sp.value.name, sp.value.inter, sp.value.country) for sp in doc.spans["actor"]]


def sides(doc: Document) -> set[tuple[str, str | None]]:
    return {(sp.value.inter, sp.value.country) for sp in doc.spans["actor"]}


# --------------------------------------------------------------------------- lexicon
def test_lexicon_is_large_and_built_once(rec):
    assert rec.n_names >= 400          # surface forms, templated ones included
    assert len(rec.matcher) >= 400     # distinct folded keys in the one PhraseMatcher


def test_new_name_needs_only_data():
    data = {"countries": {"SY": {"iso3": "SYR", "name": "Syria", "names": ["سوريا"]}},
            "actors": [{"names": ["لواء الاختبار الوهمي"], "canonical": "Test Brigade",
                        "inter": "militia", "country": "SYR"}]}
    doc = run(ActorRecognizer(data), "هاجم لواء الاختبار الوهمي بلدة في سوريا.")
    assert actors(doc) == [("لواء الاختبار الوهمي", "militia", "SYR")]
    assert doc.focus_country == "SY"


# --------------------------------------------------------------------------- country families
CASES = [
    # Syria (ant-BB-middleEast-54-20180220)
    ("وقال مدير المرصد المعارض رامي عبد الرحمن أن \"التصعيد الجديد يُمهد لهجوم بري لقوات النظام\" "
     "بعدما استكملت تعزيزاتها العسكرية قرب الغوطة.",
     [("قوات النظام", "state", "SYR")]),
    # Syria, Kurds and the US-led coalition (ant-SK-middleEast-3627-20180911)
    ("وأشار المرصد السوري لحقوق الإنسان إلى أن طائرات التحالف قصفت مواقع في آخر معاقل التنظيم بالتزامن "
     "مع العملية البرية، التي تشنها قوات سوريا الديمقراطية.",
     [("طائرات التحالف", "state", "USA"), ("قوات سوريا الديمقراطية", "rebel", "SYR")]),
    # Iraq (ant-SK-middleEast-224-20180312)
    ("وأوضح مصدر عسكري أن العملية محدودة النطاق، شاركت فيها قوات الشرطة الاتحادية، مدعومة بالمركبات المدرعة، "
     "وبإسناد من طيران الجيش العراقي، وميليشيا الحشد الشعبي.",
     [("قوات الشرطة الاتحادية", "state", "IRQ"), ("طيران الجيش العراقي", "state", "IRQ"),
      ("ميليشيا الحشد الشعبي", "militia", "IRQ")]),
    # Iraq, Peshmerga are state forces of Iraq (ant-BB-middleEast-43-20180219)
    ("وساعدت الجيش العراقي في استعادة مدينة كركوك الغنية بالنفط ومناطق أخرى متنازع عليها من أيدي "
     "مسلحي قوات البيشمركة الكردية.",
     [("الجيش العراقي", "state", "IRQ"), ("مسلحي قوات البيشمركة الكردية", "state", "IRQ")]),
    # Yemen (ant-AL-internationalNews-111-20180220)
    ("شنّ طيران التحالف أكثر من 20 غارة جوية على محافظة #صعدة ليلة الاثنين- الثلاثاء، استهدف آليات ومواقع "
     "متفرقة للحوثيين.",
     # ل + ال write one word ("للحوثيين"): the mention keeps it whole
     [("طيران التحالف", "state", "SAU"), ("للحوثيين", "rebel", "YEM")]),
    # Yemen (ant-AL-internationalNews-114-20180220)
    ("وفي مديرية نهم شرق العاصمة صنعاء، قصفت مدفعية الجيش الوطني تجمعاً لمليشيات الحوثي الانقلابية في منطقة "
     "\"المداريج\" شرق قطبين.",
     [("مدفعية الجيش الوطني", "state", "YEM"), ("مليشيات الحوثي الانقلابية", "rebel", "YEM")]),
    # Libya (ant-SK-middleEast-2144-20180604)
    ("وبالتزامن مع تقدم الجيش، انتفض أهالي منطقة باب طبرق غربي درنة، ضد مسلحي \"مجلس شورى مجاهدي درنة\" "
     "التابع للقاعدة.",
     [("الجيش", "state", "LBY"), ("أهالي", "civilians", "LBY"),
      ("مسلحي \"مجلس شورى مجاهدي درنة", "rebel", "LBY")]),
    # Lebanon / Hezbollah (ant-AL-internationalNews-617-20180325)
    ("نفى حزب الله استهداف أحد مواقعه على الحدود اللبنانية السورية بغارة إسرائيلية، بعدما كان سُمع دوي "
     "انفجارات مساء اليوم الأحد في تلك المنطقة وفي مدينة #بعلبك (شرق لبنان).",
     [("حزب الله", "militia", "LBN")]),
    # Palestine / Israel (ant-AL-internationalNews-1178-20180515)
    ("وقتلت القوات الإسرائيلية بالرصاص عشرات المحتجين الفلسطينيين الاثنين، بعد أن أجج افتتاح مقر "
     "#السفارة_الأميركية في #القدس رسمياً التوترات خلال مظاهرات بدأت قبل أسابيع.",
     [("القوات الإسرائيلية", "state", "ISR"), ("المحتجين الفلسطينيين", "protesters", "PSE"),
      ("مظاهرات", "protesters", "PSE")]),
    # Egypt (ant-BB-middleEast-80-20180223)
    ("وأعلنت جماعة \"ولاية سيناء\"، الفرع المصري لتنظيم الدولة الإسلامية، استهداف \"مركز قيادة العمليات في سيناء\".",
     [("جماعة \"ولاية سيناء", "rebel", "EGY"), ("تنظيم الدولة الإسلامية", "rebel", None)]),
    # Iran (ant-SK-middleEast-2285-20180610)
    ("وقال الجناح في بيان إن مواجهات بين الحرس الثوري الإيراني وقوات البيشمركة في كردستان إيران اندلعت في "
     "منطقة شنو الواقعة قرب الحدود العراقية الايرانية.",
     [("الحرس الثوري الإيراني", "state", "IRN"), ("قوات البيشمركة", "state", "IRQ")]),
    # Afghanistan (ant-AL-internationalNews-1194-20180516)
    ("تصدت القوات الحكومية الأفغانية لهجوم واسع النطاق شنته حركة #طالبان غرب البلاد، وفق مسؤول أفغاني.",
     [("القوات الحكومية الأفغانية", "state", "AFG"), ("حركة #طالبان", "rebel", "AFG")]),
    # Somalia (ant-BB-middleEast-911-20180902)
    ("ويعاني الصومال من صراع مسلح وحرب أهلية منذ 1991، وتخوض الحكومة الحالية المدعومة من الغرب حربا ضد "
     "حركة الشباب المتشددة.",
     [("حركة الشباب المتشددة", "rebel", "SOM")]),
    # unidentified attackers, Iraq (ant-FR-internationalNews-2449-20180722)
    ("لكن مصادر محلية أشارت إلى مقتل متظاهر بنيران الشرطة، وآخر برصاص مجهولين. "
     "وقتل مواطن عراقي آخر جراء إصابته برصاص مجهولين.",
     [("متظاهر", "protesters", "IRQ"), ("الشرطة", "state", "IRQ"), ("مجهولين", "external", "IRQ"),
      ("مواطن عراقي", "civilians", "IRQ"), ("مجهولين", "external", "IRQ")]),
]


@pytest.mark.parametrize("text,expected", CASES, ids=[f"case{i}" for i in range(len(CASES))])
def test_country_families(rec, text, expected):
    assert actors(run(rec, text)) == expected


def test_turkey_and_kurdish_rebels(rec):
    # ant-AL-internationalNews-100-20180219 (title) + SaudiNewsNet-style PKK naming
    doc = run(rec, "أردوغان يخيّر الوحدات الكردية بين الخروج أو الاستسلام. "
                   "وقصف الجيش التركي مواقع لحزب العمال الكردستاني في عفرين.")
    assert ("الوحدات الكردية", "rebel", "SYR") in actors(doc)
    assert ("الجيش التركي", "state", "TUR") in actors(doc)
    assert ("حزب العمال الكردستاني", "rebel", "TUR") in actors(doc)


# --------------------------------------------------------------------------- context
def test_national_army_depends_on_the_country(rec):
    # Syria: the Turkish-backed Syrian National Army (ant-BB-middleEast-920-20180830)
    sy = run(rec, "وأعلنت جميع الفصائل في شمال محافظة حلب وشرقها في ديسمبر/كانون الأول عام 2017 عن تشكيل "
                  "\" الجيش الوطني\" ويضم 20 ألف مقاتل مكون من أكثر من 30 فصيل.")
    assert sy.focus_country == "SY"
    assert ("الجيش الوطني", "rebel", "SYR") in actors(sy)
    # Libya: Haftar's LNA, coded as Libya's state forces
    # (snn-www-3alyoum-com-news-pol-a-سلاح-الجو-الليبي-ينفذ-ضربات-على-عد-ة-مح-)
    ly = run(rec, "وكانت مصادر عسكرية قد أكدت الثلاثاء الماضي سيطرة الجيش الوطني على ميناء بنغازي وطريق "
                  "المطار ومعسكر 21 بعد معارك عنيفة.")
    assert ly.focus_country == "LY"
    assert [(a.canonical, a.inter, a.country) for a in (sp.value for sp in ly.spans["actor"])] == [
        ("Military Forces of Libya (Haftar/LNA)", "state", "LBY")]
    # Yemen: the government army (ant-AL-internationalNews-1012-20180506)
    ye = run(rec, "شنَّ الجيش الوطني هجوماً على مواقع ميليشيات الحوثي في منطقة البرح غرب تعز.")
    assert actors(ye) == [("الجيش الوطني", "state", "YEM"), ("ميليشيات الحوثي", "rebel", "YEM")]


def test_focus_given_by_an_earlier_stage_is_kept(rec):
    text = "وكانت مصادر عسكرية قد أكدت الثلاثاء الماضي سيطرة الجيش الوطني على ميناء بنغازي."
    doc = run(rec, text, focus="YE")
    assert doc.focus_country == "YE"
    assert sides(doc) == {("state", "YEM")}


def test_bare_army_refers_back_to_the_named_army(rec):
    # ant-AL-internationalNews-1207-20180517: "الجيش" and "جنود" are the Israeli army
    doc = run(rec, "شن جيش الاحتلال الإسرائيلي ليل الأربعاء الخميس غارة جوية على منشآت لحركة حماس في قطاع غزة، "
                   "وذلك رداً على إطلاق نار على جنود وعلى مدينة سديروت، وفق ما أعلن الجيش في بيان.")
    assert actors(doc) == [("جيش الاحتلال الإسرائيلي", "state", "ISR"), ("حركة حماس", "rebel", "PSE"),
                           ("جنود", "state", "ISR"), ("الجيش", "state", "ISR")]


def test_bare_names_without_context_are_dropped(rec):
    # nothing says which army or coalition: no guess
    doc = run(rec, "وقال الجيش إن التحالف نفذ غارات.")
    assert doc.focus_country is None
    assert actors(doc) == []


def test_al_qaeda_is_not_any_base(rec):
    # ant-CN (CNN Arabic), 2018-04-09: "قاعدة" is an air base here
    doc = run(rec, "وجّهت وزارة الدفاع الروسية أصابع الاتهام إلى إسرائيل، الإثنين، بضلوعها في الهجوم الجوي على "
                   "قاعدة \"تيفور\" بحمص، صباح الإثنين.")
    assert all(sp.value.canonical != "Al Qaeda" for sp in doc.spans["actor"])
    # the bare name after a named mention of the group is al-Qaeda
    # (ant-SK-middleEast-2652-20180629)
    doc = run(rec, "وبدأ الجيش الوطني قبل أسابيع عملياته في المدينة الساحلية شرقي البلاد، لطرد المجموعات المتطرفة "
                   "المرتبطة بتنظيم \"القاعدة\" منها. وقتل الجيش قياديين في القاعدة في درنة.")
    names = [(sp.value.name, sp.value.canonical) for sp in doc.spans["actor"]]
    assert ("تنظيم \"القاعدة", "Al Qaeda") in names and ("القاعدة", "Al Qaeda") in names


# --------------------------------------------------------------------------- words and spans
def test_clitics_stay_outside_the_mention(rec):
    # ant-BB-middleEast-148-20180307
    text = "وكتبت المجموعة على حسابها بموقع تويتر أن \" أكثر من 30 حالة اختناق\"، بما فيها نساء وأطفال سجلت بعد ما " \
           "وصفته في مرحلة أولى بأنه \"هجوم بالغاز لقوات النظام\"."
    doc = run(rec, text, focus="SY")
    assert ("قوات النظام", "state", "SYR") in actors(doc)
    sp = next(s for s in doc.spans["actor"] if s.value.inter == "state")
    assert text[sp.start - 1] == "ل"          # the preposition is not part of the name
    # ant-BB-middleEast-625-20180616: "وبالطائرات" = و + ب + الطائرات, the helicopters of the UAE strikes
    doc = run(rec, "وتقدمت في اليومين الأخيرين ثلاث كتائب يمنية من المشاة نحو المدينة، مدعومة بالغارات الجوية "
                   "الإماراتية، وبالطائرات العمودية.")
    assert actors(doc) == [("الغارات الجوية الإماراتية", "state", "ARE"), ("الطائرات العمودية", "state", "ARE")]


def test_obfuscated_names_are_found(rec):
    # ant-AL-internationalNews-1117-20180511, with the name broken as moderation-dodging pages do
    text = "وأتت الغارات بعد مقتل تسعة مقاتلين موالين لقـ.وات النظام السوري ليل الثلاثاء الأربعاء جراء قصف " \
           "صاروخي استهدف منطقة الكسوة في ريف دمشق."
    doc = run(rec, text)
    assert ("قـ.وات النظام السوري", "state", "SYR") in actors(doc)
    broken = break_words("اشتباكات بين قوات الأسد ومقاتلي هيئة تحرير الشام في ريف إدلب.",
                         ("قوات", "مقاتلي", "هيئة"))
    assert broken != "اشتباكات بين قوات الأسد ومقاتلي هيئة تحرير الشام في ريف إدلب."
    assert sides(run(rec, broken)) == {("state", "SYR"), ("rebel", "SYR")}


def test_spans_point_into_the_original_text(rec):
    text = "وقصفت قُوّات الأَسَد وطــائرات النظام مدينة دوما، واشتبك مسلحو «داعش» مع قوات سوريا الديمقراطية."
    doc = run(rec, text)
    assert [sp.value.name for sp in doc.spans["actor"]] == [
        "قُوّات الأَسَد", "طــائرات النظام", "مسلحو «داعش", "قوات سوريا الديمقراطية"]
    for sp in doc.spans["actor"]:
        assert sp.label == "ACTOR"
        assert sp.value.span == (sp.start, sp.end)
        assert text[sp.start:sp.end] == sp.value.name
        assert 0 <= sp.tok_start < sp.tok_end <= len(doc.tokens)


def test_head_words_join_the_mention(rec):
    # ant-SK-middleEast-537-20180324: "مسلحين من" + IS is one mention of IS, not an unknown group
    doc = run(rec, "واندلعت في 24 مارس الجاري، اشتباكات بين مسلحين من تنظيم داعش وقوات الشرطة الاتحادية في أطراف "
                   "قضاء طوز خورماتو جنوبي محافظة كركوك.")
    assert actors(doc) == [("مسلحين من تنظيم داعش", "rebel", None),
                           ("قوات الشرطة الاتحادية", "state", "IRQ")]


def test_nationalities_and_titles_are_not_actors(rec):
    # ant-AL-internationalNews-100-20180219
    doc = run(rec, "قال الرئيس التركي رجب طيب #أردوغان إنه لا يمكن اتخاذ قرار في أي قضية تتعلق بالمنطقة دون "
                   "وجود تركيا.")
    assert actors(doc) == []
    doc = run(rec, "ودعا مجلس الأمن الدولي هيئة الطيران المدني والحكومة الروسية إلى التحقيق.")
    assert actors(doc) == []


# --------------------------------------------------------------------------- mechanism
def test_fast_scan_equals_the_phrase_matcher(rec):
    for art in corpus_articles(n=40):
        doc = Document(text=art["text"])
        segment(doc)
        slow = [(m.tok_start, m.tok_end, m.start, m.end) for m in rec.matcher.find(doc.tokens)]
        fast = [m[:4] for m in rec.find(doc.tokens)]
        assert fast == slow


def test_whole_articles_sane(rec):
    arts = corpus_articles(n=60)
    docs = []
    for art in arts:
        doc = Document(text=art["text"], published=date(2018, 5, 1))
        segment(doc)
        docs.append(doc)
    for doc in docs:
        rec(doc)
    found = [sp for d in docs for sp in d.spans["actor"]]
    assert len(found) > 5 * len(docs)
    inters = {"state", "rebel", "militia", "identity", "rioters", "protesters", "civilians", "external"}
    for d in docs:
        for sp in d.spans["actor"]:
            a = sp.value
            assert a.inter in inters
            assert a.inter != "state" or (a.country and len(a.country) == 3)
            assert d.text[sp.start:sp.end] == a.name


def test_a_head_before_a_name_that_starts_with_a_generic_word(rec):
    # Saudi News Net 2015 (aawsat): "عناصر الميليشيات الحوثية" is the Houthis, not generic militias
    # that the next word rules out; "فصائل معارضة" (indefinite) is the Syrian opposition
    doc = run(rec, "وأسفر الكمين عن مقتل 6 من عناصر الميليشيات الحوثية وإصابة 3 آخرين في تعز.", "YE")
    assert [a.value.canonical for a in doc.spans["actor"]] == ["Ansar Allah (Houthis)"]
    doc = run(rec, "قتل طفل جراء قصف نفذته فصائل معارضة في الغوطة.", "SY")
    assert [a.value.canonical for a in doc.spans["actor"] if a.value.inter == "rebel"] == ["Opposition Rebels (Syria)"]


@pytest.mark.parametrize("text, focus, canonical", [
    ("هاجم مسلحي الجماعة الحوثية مواقع الجيش في مأرب", "YE", "Ansar Allah (Houthis)"),
    ("هاجم عناصر التنظيم الانفصالي مركزا للشرطة", "TR", "PKK: Kurdistan Workers' Party"),
    ("قتل عناصر الوحدات الكردية في عفرين", "SY", "YPG: People's Protection Units"),
    ("هاجمت قوات النخبة الشبوانية مواقع القاعدة", "YE", "Popular Resistance (Yemen)"),
], ids=["group", "organisation", "units", "listed-whole"])
def test_a_head_word_does_not_hide_a_longer_name(rec, text, focus, canonical):
    # "عناصر التنظيم" listed whole took "التنظيم" away from "التنظيم الانفصالي"; a head plus the
    # name the head precedes is the longer name
    assert [a.value.canonical for a in run(rec, text, focus).spans["actor"]][:1] == [canonical]
