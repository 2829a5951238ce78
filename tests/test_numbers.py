"""NumberRecognizer on real sentences.

Excerpts from the ANT Corpus v2.1 (Al Arabiya, BBC Arabic, CNN Arabic,
France24, Sky News Arabia; 2018) and SaudiNewsNet (2015), as shipped in
/work/shared/data/corpus; a few short sentences marked "constructed" stand in
for constructions the corpus lacks.
"""
from datetime import date

import pytest

from rasd.document import Document, Quantity
from rasd.pipeline import segment
from rasd.recognize.dates import DateRecognizer
from rasd.recognize.numbers import NumberRecognizer, dual_count, number_value

NR = NumberRecognizer()
DR = DateRecognizer()


def run(text, with_dates=False, published=date(2018, 5, 15)):
    doc = Document(text=text, published=published)
    segment(doc)
    NR(doc)
    if with_dates:
        DR(doc)
    return doc


def found(text, **kw):
    """[(span text as written, value, qualifier, vague)]"""
    doc = run(text, **kw)
    out = []
    for sp in doc.spans["number"]:
        assert sp.label == "NUMBER"
        assert isinstance(sp.value, Quantity)
        out.append((doc.text[sp.start:sp.end], sp.value.value, sp.value.qualifier, sp.value.vague))
    return out


# --- figures -------------------------------------------------------------------

def test_plain_figures_and_spans_point_into_original_text():
    # ANT (Al Arabiya): "أودت بحياة طفلين وإصابة 18 آخرين"
    text = "ما أدى إلى مقتل 9 أشخاص، وأودت بحياة طفلين وإصابة 18 آخرين غالبيتهم أطفال."
    assert found(text) == [("9", 9, None, False), ("طفلين", 2, None, False), ("18", 18, None, False)]


def test_obfuscated_text_still_yields_counts():
    # the moderation-evasion form from the project brief
    text = "قُتـ.ل 84 شخصًا بينهم 21 طفلًا"
    doc = run(text)
    spans = doc.spans["number"]
    assert [(doc.text[s.start:s.end], s.value.value) for s in spans] == [("84", 84), ("21", 21)]


def test_arabic_indic_digits():
    # ANT (BBC): "أعلن فصيل جيش الإسلام المعارض أنه قتل ٢٥ جنديا حكوميا"
    text = "وأعلن فصيل جيش الإسلام المعارض أنه قتل ٢٥ جنديا حكوميا على محور حوش الضواهرة."
    assert found(text) == [("٢٥", 25, None, False)]


@pytest.mark.parametrize("text,expected", [
    # ANT (France24): "353,935 شخصاً على الأقل بينهم 106,390 مدنياً"
    ("بلغت 353,935 شخصاً على الأقل بينهم 106,390 مدنياً",
     [("353,935", 353935, "at_least", False), ("106,390", 106390, None, False)]),
    # ANT (BBC): "إلى قتل أكثر من 10.000 شخص"
    ("وقد أدت الحرب في اليمن حتى الآن إلى قتل أكثر من 10.000 شخص",
     [("أكثر من 10.000", 10000, "more_than", False)]),
])
def test_thousands_separators(text, expected):
    assert found(text) == expected


def test_decimal_with_scale_and_plain_decimal():
    # constructed
    assert found("نزوح 2.5 مليون شخص") == [("2.5 مليون", 2500000, None, False)]
    assert found("على بعد 2.5 في الطريق") == []  # a fraction is no count


# --- number words ----------------------------------------------------------------

@pytest.mark.parametrize("text,span,value", [
    # ANT (Al Arabiya): "أسفرت عن مقتل ثلاثة وثلاثين شخصاً"
    ("هجمات أسفرت عن مقتل ثلاثة وثلاثين شخصاً وإصابة آخرين", "ثلاثة وثلاثين", 33),
    # ANT (BBC): "نحو خمس وعشرين غارة جوية استهدفت مناطق للمعارضين"
    ("وأشار المرصد إلى أن نحو خمس وعشرين غارة جوية استهدفت مناطق", "نحو خمس وعشرين", 25),
    # ANT (BBC): "سمحت لقرابة أربعة آلاف شخص بالفرار" (the clitic ل stays outside)
    ("سمحت لقرابة أربعة آلاف شخص بالفرار من المدينة", "قرابة أربعة آلاف", 4000),
    # ANT (BBC): "بحوالي عشرة آلاف مقاتل"
    ("الموجودين في إدلب بحوالي عشرة آلاف مقاتل", "حوالي عشرة آلاف", 10000),
    # SaudiNewsNet: "أكثر من أربعمائة وثلاثين ألف لاجئ"
    ("المخيم الذي يضم أكثر من أربعمائة وثلاثين ألف لاجئ سوري", "أكثر من أربعمائة وثلاثين ألف", 430000),
    # constructed compounds
    ("قتل أحد عشر شخصا", "أحد عشر", 11),
    ("اعتقال اثني عشر متهما", "اثني عشر", 12),
    ("أصيب ثلاثة عشر مدنيا", "ثلاثة عشر", 13),
    ("نزوح مئتي عائلة", "مئتي", 200),
    ("مقتل ثلاثمائة شخص", "ثلاثمائة", 300),
    ("وصول ثلاث مئة وخمسة وعشرين لاجئا", "ثلاث مئة وخمسة وعشرين", 325),
    ("مقتل ألف وخمسمئة شخص", "ألف وخمسمئة", 1500),
    ("نزوح نصف مليون شخص", "نصف مليون", 500000),
    ("مقتل خمسين ألفا", "خمسين ألفا", 50000),
])
def test_number_words(text, span, value):
    got = found(text)
    assert len(got) == 1, got
    assert got[0][0] == span and got[0][1] == value


def test_two_figures_in_a_range_stay_apart():
    # ANT (BBC): "وجود ما بين ألفين إلى ثلاثة آلاف عنصر"
    got = found("وجود ما بين ألفين إلى ثلاثة آلاف عنصر من شركة أمنية روسية")
    assert [(g[0], g[1]) for g in got] == [("ألفين", 2000), ("ثلاثة آلاف", 3000)]


def test_one_of_is_not_one():
    # ANT (Al Arabiya): "وأحد أبرز المشرفين" folds like "واحد" but is و + أحد
    assert found("أحد القيادات الميدانية الحوثية، وأحد أبرز المشرفين على هجمات") == []
    assert found("قتل شخص واحد في القصف") == [("واحد", 1, None, False)]
    assert found("تعد واحدة من أكبر المدن") == []


def test_duals():
    # ANT (Al Arabiya): "عن سقوط قتيلين وثلاثة جرحى"
    got = found("وتحدثت وسائل الإعلام عن سقوط قتيلين وثلاثة جرحى.")
    assert got == [("قتيلين", 2, None, False), ("ثلاثة", 3, None, False)]
    assert dual_count("قتيلين") == 2 and dual_count("ولطفلين") == 2
    assert dual_count("مدنيين") is None  # a plural, not a dual
    # "قتيلين اثنين": the number word counts, once
    assert found("سقوط قتيلين اثنين") == [("اثنين", 2, None, False)]


def test_number_value_helper():
    assert number_value("خمس وعشرين") == 25
    assert number_value("ثلاثه الاف") == 3000
    assert number_value("48") == 48
    assert number_value("قتل") is None


# --- vague quantities --------------------------------------------------------------

@pytest.mark.parametrize("text,span", [
    # ANT (Al Arabiya): "سقوط عشرات القتلى والجرحى من ميليشيات الحوثي"
    ("وأوضح في بيان، سقوط عشرات القتلى والجرحى من ميليشيات الحوثي", "عشرات"),
    # ANT (BBC): "إن العشرات من المدنيين قتلوا"
    ("وقال ناشطون سوريون إن العشرات من المدنيين قتلوا", "العشرات"),
    # ANT (Al Arabiya): "وتسببت في نزوح مئات الآلاف من السكان"
    ("وتسببت في نزوح مئات الآلاف من السكان", "مئات الآلاف"),
    # ANT (Al Arabiya): "شارك فيها عشرات آلاف الفلسطينيين"
    ("تظاهرات شارك فيها عشرات آلاف الفلسطينيين", "عشرات آلاف"),
    # constructed
    ("قتل عدد من عناصر الحرس الثوري", "عدد من"),
    ("أصيب بضعة أشخاص", "بضعة"),
    ("فر آلاف المدنيين", "آلاف"),
])
def test_vague(text, span):
    got = found(text)
    assert got == [(span, None, None, True)]


def test_vague_text_is_the_expression_as_written():
    doc = run("سقوط عشرات القتلى")
    q = doc.spans["number"][0].value
    assert q.text == "عشرات" and q.value is None and q.vague


# --- qualifiers ----------------------------------------------------------------------

@pytest.mark.parametrize("text,span,value,qual", [
    # ANT (Al Arabiya): "مقتل ما لا يقل عن 20 عنصراً من الميليشيات"
    ("أسفرت عن مقتل ما لا يقل عن 20 عنصراً من الميليشيات", "ما لا يقل عن 20", 20, "at_least"),
    # ANT (Al Arabiya): "وخلفت الانتفاضة أكثر من 1100 قتيل"
    ("وخلفت الانتفاضة أكثر من 1100 قتيل، معظمهم من المسلحين", "أكثر من 1100", 1100, "more_than"),
    # ANT (Al Arabiya): "إن نحو 300 رجل يعملون مع شركة عسكرية روسية"
    ("وكانت رويترز قالت إن نحو 300 رجل يعملون مع شركة", "نحو 300", 300, "about"),
    # ANT (Al Arabiya): "ما يقارب الـ 100 صاروخ"
    ("بعد إطلاق ما يقارب الـ 100 صاروخ من قطاع غزة", "ما يقارب الـ 100", 100, "about"),
    # ANT (Al Arabiya): "ما أسفر عن مقتل 14 شخصا على الأقل"
    ("ما أسفر عن مقتل 14 شخصا على الأقل.", "14", 14, "at_least"),
    # constructed: qualifier right after the figure joins the span
    ("قتل 12 على الأقل", "12 على الأقل", 12, "at_least"),
    ("قتل أقل من 10 أشخاص", "أقل من 10", 10, "less_than"),
    ("نزوح ما يزيد على 5 آلاف شخص", "ما يزيد على 5 آلاف", 5000, "more_than"),
    ("يحتجز ما يصل إلى 40 شخصا", "ما يصل إلى 40", 40, "at_most"),
    ("قتل زهاء 30 مدنيا", "زهاء 30", 30, "about"),
    ("نزوح 300 تقريبا", "300 تقريبا", 300, "about"),
])
def test_qualifiers(text, span, value, qual):
    got = found(text)
    assert got == [(span, value, qual, False)]


def test_post_qualifier_after_counted_noun():
    # ANT (Al Arabiya): "وقتل 132 فلسطينياً على الأقل على أيدي قوات الاحتلال"
    got = found("وقتل 132 فلسطينياً على الأقل على أيدي قوات الاحتلال")
    assert got == [("132", 132, "at_least", False)]


# --- not counts ------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    # ANT (Al Arabiya): "وأكد قائد اللواء ١٠٢ خاصة"
    "وأكد قائد اللواء ١٠٢ خاصة العميد ياسر الحارثي",
    # ANT (Al Arabiya): "خطط نعيم الرحمن زكريا (20 عاما)"
    "خطط نعيم الرحمن زكريا (20 عاما) لتفجير بوابة",
    # ANT (Al Arabiya): "خرج ابني وليد الساعة ٦:٣٠ مساء"
    "خرج ابني وليد الساعة ٦:٣٠ مساء بسيارة أخيه",
    # ANT (Al Arabiya): "مقاتلات من طراز إف-15 إي"
    "وشاركت فيها مقاتلات من طراز إف-15 إي وطائرات بلا طيار",
    # ANT (Sky News): "تسيطر على 58،8% من مساحة محافظة درعا"
    "باتت تسيطر على 58% من مساحة محافظة درعا",
    # ANT (Al Arabiya): "بتطبيق القرار الأممي 2216"
    "أن تتم بتطبيق القرار الأممي 2216، الذي يلزم ميليشيا الحوثي",
    # ANT (Al Arabiya): "بمبلغ شهري يعادل ٤٠٠٠ دولار"
    "حيث كان يعمل هناك بمبلغ شهري يعادل ٤٠٠٠ دولار",
    # ANT (Al Arabiya): "تترواح بين 14 و30 عاما" (both ages)
    "وقالت وفا إن أعمار القتلى الفلسطينيين تترواح بين 14 و30 عاما.",
    # ANT (Al Arabiya): "لأكثر من 3 ساعات"
    "ضربات جوية نفذتها قوات التحالف لأكثر من 3 ساعات",
    # SaudiNewsNet: "1 – تعيين نبيل" (a list marker)
    "وذلك على النحو التالي :\n 1 – تعيين نبيل بن عبدالله",
    # constructed: an ordinal, a year, a road
    "في الذكرى الحادي عشر للهجوم",
    "وقعت الهجمات عام 2011",
    "على الطريق M5 الدولي",
])
def test_not_counts(text):
    assert found(text) == []


def test_date_recogniser_removes_day_numbers_and_years():
    # ANT (BBC): "لهجمات بين 18 و22 فبراير/ شباط الماضي"
    text = "حيث تعرض 14 مستشفى و3 مراكز طبية لهجمات بين 18 و22 فبراير/ شباط الماضي."
    before = [g[1] for g in found(text)]
    assert 18 in before and 22 in before
    after = [g[1] for g in found(text, with_dates=True)]
    assert after == [14, 3]


def test_repeated_text_gives_every_number_each_run():
    # (speed is measured by `rasd bench`, not by timed tests)
    text = ("وقتل 132 فلسطينياً على الأقل على أيدي قوات الاحتلال منذ 30 آذار/مارس، "
            "وأصيب أكثر من 13 ألفا آخرين بجروح، بحسب وزارة الصحة. ") * 15
    doc = Document(text=text, published=date(2018, 6, 19))
    segment(doc)
    for _ in range(3):
        doc.spans.clear()
        NR(doc)
        assert len(doc.spans["number"]) >= 30
