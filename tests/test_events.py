"""Event assembly on real sentences (ANT corpus 2018, Al Arabiya / France24 / Sky News
Arabia, article ids beside each quote): the codebook's rules end to end."""
from datetime import date

import pytest

from rasd.pipeline import Pipeline


@pytest.fixture(scope="module")
def pipe() -> Pipeline:
    return Pipeline()


def events(pipe, text, published):
    return pipe(text, published=published).events


def test_casualties_with_breakdown(pipe):
    # ant-AL-internationalNews-341-20180304
    text = ("وكان تقرير حقوقي كشف عن مقتل 21 مدنيا، بينهم 5 أطفال و4 نساء، في قصف ميليشيا الحوثي "
            "الانقلابية على أحياء مدينة تعز السكنية، خلال شهر يناير/كانون الثاني الماضي، وإصابة 72 آخرين "
            "بينهم 18 طفلاً و10 نساء، بينهم حالات خطرة.")
    [e] = events(pipe, text, "2018-03-04")
    assert (e.event_type, e.sub_event_type) == ("Explosions/Remote violence", "Shelling/artillery/missile attack")
    assert (e.fatalities, e.children_killed, e.women_killed) == (21, 5, 4)
    assert (e.injuries, e.children_injured, e.women_injured) == (72, 18, 10)
    assert e.actor1.inter == "rebel" and e.civilian_targeting
    assert e.location.country == "YE" and "تعز" in e.location.name
    # "خلال شهر يناير/كانون الثاني الماضي": the whole month, precision 3
    assert (e.date_start, e.date_end, e.time_precision) == (date(2018, 1, 1), date(2018, 1, 31), 3)


@pytest.mark.parametrize("text, published, expected", [
    # a dual counts itself, and a singular after it counts one (the bundled example's first sentence)
    ("قُتل خمسة مدنيين، بينهم طفلان وامرأة، وأصيب أكثر من 12 آخرين بجروح، اليوم الجمعة، جراء غارات جوية "
     "شنتها طائرات حربية روسية على مدينة سراقب في ريف إدلب الشرقي.", "2019-12-27", (5, 2, 1)),
    # corpus sentences (ANT 2018 conflict): "بينهم امرأة", a singular then a figure, a dual then a singular
    ("قُتل ثلاثة مدنيين يمنيين بينهم امرأة، الثلاثاء، في انفجار لغم أرضي، زرعته ميليشيا الحوثي في مديرية حيس.",
     "2018-03-06", (3, None, 1)),
    ("وأحصى المرصد مقتل ستة مدنيين على الأقل بينهم امرأة وأربعة أطفال جراء القصف على بلدة صيدا.",
     "2018-03-06", (6, 4, 1)),
    ("قتل سبعة مدنيين بينهم امرأتان وطفل الأربعاء في قصف بالهاون طاول منزلين في دمشق.", "2018-03-07", (7, 1, 2)),
], ids=["dual-then-singular", "singular", "singular-then-figure", "dual-then-singular-2"])
def test_breakdown_duals_and_singulars(pipe, text, published, expected):
    [e] = events(pipe, text, published)
    assert (e.fatalities, e.children_killed, e.women_killed) == expected


@pytest.mark.parametrize("text, published, expected", [
    # a figure after "killed X and injured": the injured, not a combined toll; the singular counts one
    ("وأعلنت وكالة الأنباء الفلسطينية (وفا)، الأربعاء، مقتل فلسطيني وإصابة 14 آخرين، في سلسلة غارات "
     "إسرائيلية على قطاع غزة.", "2018-05-30", (1, 14, None)),
    ("وأدت الغارة إلى مقتل شخص وجرح أربعة في مدينة إدلب.", "2018-05-13", (1, 4, None)),
    # "killed and injured" side by side: one combined figure, neither field
    ("وأسفر القصف عن مقتل وجرح 30 مدنيا في مدينة دوما.", "2018-03-01", (None, None, "30")),
    ("وأفاد المرصد السوري لحقوق الإنسان بسقوط حوالي 70 قتيل وجريح من قوات النظام في هجوم للفصائل في جبال "
     "اللاذقية الشمالية.", "2018-03-01", (None, None, "70")),
    # a dual in -ان whose -ين form is a plural, and "another" after the injured word
    ("قتل فلسطينيان وأصيب آخر بجروح بالغة، في قصف إسرائيلي على قطاع غزة صباح الأحد.", "2018-07-15", (2, 1, None)),
    ("وأصيب عسكريان آخران في هجوم بسيارة قرب حاجز عسكري في غرب جنين.", "2018-03-17", (None, 2, None)),
    # "not any": none, not one
    ("قصفت الطائرات الحربية مدينة أريحا في ريف إدلب بعشرة صواريخ دون مقتل أي مدني.", "2018-04-14", (None, None, None)),
    # corpus sentences (Saudi News Net 2015, ANT 2018): a singular subject before "killed and
    # injured" is no combined toll; a numeral after its noun belongs to the toll before it, not
    # to the next clause; a place named "seven" counts nobody; the toll before a figure is its
    # own when the next clause starts
    ("وقال المصدر في تصريح صحافي أن شخصا قتل، وأصيب خمسة آخرون بتفجير مماثل في منطقة الحبيبية "
     "بمدينة الصدر، شرقي بغداد.", "2015-07-20", (1, 5, None)),
    ("وبيّن المصدر أن تفجيراً مماثلاً قرب سوق شعبية في منطقة سبع البور شمالي بغداد أدى إلى مقتل شخص "
     "واحد, وإصابة سبعة آخرين بجروح متفاوتة.", "2015-07-21", (1, 7, None)),
    ("وفي تعز المدينة قتل مدني واحد وأصيب أربعة آخرون جراء قصف ميليشيات الحوثي وصالح للأحياء السكنية.",
     "2015-07-20", (1, 4, None)),
    ("من جهتهم أعلن مسؤولون أمنيون عراقيون وأكراد أمس الخميس مقتل 11 من عناصر تنظيم داعش و10 مدنيين "
     "وإصابة 17 آخرين في موجة عنف جديدة شهدتها مناطق تابعة لمدينة بعقوبة.", "2015-07-17", (11, 17, None)),
    ("وأضافت المقاومة أن أكثر من 200 حوثي جرحوا خلال المواجهات في تعز، كما قتل 16 وجرح أكثر من 30 من "
     "الثوار.", "2015-07-20", (16, 200, None)),
    ("وقال مكتب الرئيس بول بيا ان 11 شخصا قتلوا و32 أصيبوا بجروح في هجوم انتحاري في مدينة ماروا.",
     "2015-07-23", (11, 32, None)),
    # a numeral in a breakdown is no toll of the next clause (CNN Arabic 2018, Ahvaz)
    ("وأدى الهجوم إلى مقتل 25 شخصا بينهم 12 جنديا وطفل واحد، وإصابة 25 على الأقل في مدينة الأهواز.",
     "2018-09-23", (25, 25, None)),
    # "one of the protesters" is one (Sky News Arabia 2018)
    ("وقال شهود ومسعفون فلسطينيون إنه في خان يونس بجنوب قطاع غزة أطلقت القوات الإسرائيلية أعيرة نارية وأصيب "
     "أحد المحتجين في ساقه.", "2018-05-14", (None, 1, None)),
], ids=["killed-one-injured-figure", "killed-one-injured-word", "combined", "combined-after", "dual-an-and-another",
        "dual-an-another-dual", "not-any", "singular-subject-then-pair", "numeral-after-noun", "one-civilian",
        "figure-noun-then-next-clause", "toll-before-figure", "figure-noun-killed-and-figure", "breakdown-numeral", "one-of-them"])
def test_tolls_around_figures(pipe, text, published, expected):
    [e] = events(pipe, text, published)
    # a combined toll is kept as text ("30" killed and injured), in neither count
    assert (e.fatalities, e.injuries, e.fatalities_text) == expected


def test_years_of_war_are_history_but_first_since_is_news(pipe):
    # ANT corpus sentences: a toll of the war since 2011 is not an event
    assert events(pipe, "وأوقع النزاع في سوريا منذ العام 2011 أكثر من 340 ألف قتيل وتسبب بتشريد ملايين الأشخاص.",
                  "2018-03-15") == []
    # "للمرة الأولى منذ عام" compares; the shelling is Monday's
    [e] = events(pipe, "قصفت قوات النظام السوري بعشرات الصواريخ وبالبراميل المتفجرة، للمرة الأولى منذ عام، أحياء تحت "
                       "سيطرة الفصائل المعارضة في مدينة درعا جنوبي سوريا، الاثنين.", "2018-06-25")
    assert (e.date_start, e.date_end) == (date(2018, 6, 25), date(2018, 6, 25))
    [e] = events(pipe, "وأفاد المرصد السوري لحقوق الإنسان، الثلاثاء، بسقوط حوالي 70 قتيل وجريح من قوات النظام خلال أعنف "
                       "هجوم للفصائل منذ نحو 3 أعوام في جبال اللاذقية الشمالية.", "2018-03-06")
    assert e.date_start == date(2018, 3, 6) and e.fatalities_text == "70"


def test_a_bare_targeting_needs_an_armed_side_or_a_weapon(pipe):
    # ANT corpus: a comedian's comment on the strike, and a foiled plot, are not strikes
    assert events(pipe, "علق الممثل الكوميدي الأمريكي، جيم كيري، السبت، على استهداف حافلة مدرسية في صعدة باليمن، منتقدا "
                        "الولايات المتحدة.", "2018-08-11") == []
    # ... while bombs that targeted a party's office are
    [e] = events(pipe, "استهدفت عبوتان ناسفتان مساء الجمعة مقر الحزب الشيوعي العراقي في وسط بغداد.", "2018-05-19")
    assert e.event_type == "Explosions/Remote violence" and e.location.country == "IQ"


def test_a_fall_after_a_toll_is_no_capture(pipe):
    # "بخلاف سقوط عشرات آخرين": the fall of men (a toll), not of a town
    evs = events(pipe, "واعترفت الميليشيات، الاثنين، بمصرع اثنين من قياداتها الميدانية البارزة في محافظة صعدة، بخلاف "
                       "سقوط عشرات آخرين لم تعلن عنهم.", "2018-06-18")
    assert evs and all(e.sub_event_type != "Non-state actor overtakes territory" for e in evs)


def test_an_agreement_is_an_event_only_between_sides_of_a_conflict(pipe):
    # ANT corpus: a labour agreement is not an ACLED event, a ceasefire is
    assert events(pipe, "وقع الوفد الكويتي أمس السبت في مانيلا على مسودة اتفاقية لتشغيل العمالة المنزلية في دولة الكويت.",
                  "2018-05-13") == []
    [e] = events(pipe, "توصلت الفصائل الفلسطينية في قطاع غزة السبت إلى اتفاق لوقف إطلاق النار مع إسرائيل.", "2018-07-15")
    assert (e.event_type, e.sub_event_type) == ("Strategic developments", "Agreement")


def test_an_agreement_sought_is_none_and_one_in_force_needs_no_place(pipe):
    # ANT / Saudi News Net corpus: efforts towards a truce and the nuclear deal are not agreements
    for text, published in [
        ("وجاءت التطورات الأخيرة رغم المحاولات التي يقوم بها مسؤولون من مصر والأمم المتحدة للتوصل إلى هدنة "
         "طويلة الأمد بين إسرائيل وحركة حماس في قطاع غزة.", "2018-08-10"),
        ("وأكد الصفدي في مؤتمر صحفي أن بلاده تبذل جهودا للتوصل إلى وقف لإطلاق النار في جنوب سوريا.", "2018-07-03"),
        ("غير أن هناك على ما يبدو تفاهما بين الفصائل المسلحة في الأنبار بعد توقيع الاتفاق النووي مؤخرا.",
         "2015-07-24"),
    ]:
        assert [e.sub_event_type for e in events(pipe, text, published)] == [], text
    # a truce reached, in an article about Gaza (ant-FR-internationalNews-2451-20180722), is one
    # though its sentence names no place
    text = ("قال وزير الدفاع الإسرائيلي أفيغدور ليبرمان اليوم الأحد إن إسرائيل ستعيد الثلاثاء فتح معبر \"كرم أبو "
            "سالم\" الرئيسي للبضائع مع قطاع غزة، بعد إغلاقه في التاسع من تموز/يوليو.\n"
            "وتصريحات ليبرمان ونتانياهو تأتي بعد التوصل الجمعة إلى اتفاق تهدئة بين الدولة العبرية والفصائل "
            "الفلسطينية بعد تصعيد عسكري خطير شهده القطاع المحاصر.")
    agreements = [e for e in events(pipe, text, "2018-07-22") if e.sub_event_type == "Agreement"]
    assert [(e.location.country, e.date_start) for e in agreements] == [("PS", date(2018, 7, 20))]
    # a truce with no side named is between the article's armed camps (Sky News Arabia 2018)
    text = ("وقصفت قوات النظام السوري مدينة دوما التي يسيطر عليها جيش الإسلام في الغوطة الشرقية أمس.\n"
            "وقال جيش الإسلام إن مقاتليه صدوا هجوما لقوات النظام السوري على أطراف حرستا.\n"
            "دخلت الهدنة الإنسانية لخمس ساعات حيز التنفيذ في الغوطة الشرقية المحاصرة قرب دمشق الثلاثاء.")
    [e] = [e for e in events(pipe, text, "2018-02-27") if e.sub_event_type == "Agreement"]
    assert (e.actor1.inter, e.actor2.canonical) == ("rebel", "Military Forces of Syria")


def test_dual_raids_and_the_coalition_as_an_air_agent(pipe):
    # ANT corpus (France24, 2018-08-02): "غارتين استهدفتا" are two air strikes' worth of one event
    [e] = events(pipe, "قتل عشرون شخصا على الأقل وأصيب عشرات آخرون الخميس، في غارتين استهدفتا سوق السمك وأمام مستشفى "
                       "الثورة، بمدينة الحديدة غرب اليمن.", "2018-08-02")
    assert e.sub_event_type == "Air/drone strike" and e.fatalities == 20 and "الحديدة" in e.location.name
    # the Saudi-led coalition destroying a depot is an air strike
    [e] = events(pipe, "ودمرت قوات التحالف العربي، الأربعاء، مخزنا للأسلحة تابعا لميليشيات الحوثي في مديرية يريم بمحافظة إب.",
                 "2018-05-09")
    assert e.sub_event_type == "Air/drone strike" and e.actor1 is not None


def test_north_gaza_and_a_ceasefire_in_force(pipe):
    # ANT corpus (CNN, 2018-08-10): "شمال غزة" is the governorate, not a name that needs "محافظة"
    [e] = events(pipe, "وردا على المتفجرات والاحتجاجات، ضربت دبابات الجيش الإسرائيلي موقعين لحركة حماس في شمال غزة.",
                 "2018-08-10")
    assert e.event_type == "Explosions/Remote violence" and e.location.admin1_code == "PS-NGZ"
    # "وقف إطلاق النار" is the ceasefire, not a call to stop; a call for one is no agreement
    [e] = events(pipe, "وكان وقف إطلاق النار بين إسرائيل وحماس دخل حيز التنفيذ في غزة، بعدما توسطت مصر لتطبيقه في "
                       "منتصف ليلة الخميس.", "2018-08-10")
    assert e.sub_event_type == "Agreement"
    assert events(pipe, "ودعت الأمم المتحدة إلى وقف إطلاق النار في غزة فورا.", "2018-08-10") == []


def test_air_strike_with_qualified_count_and_source(pipe):
    # ant-FR-internationalNews-579-20180406
    text = ("أفاد المرصد السوري لحقوق الإنسان بمقتل 27 مدنيا على الأقل، بينهم 5 أطفال في قصف جوي مكثف "
            "لقوات النظام السوري على مدينة دوما.")
    [e] = events(pipe, text, "2018-04-06")
    assert e.sub_event_type == "Air/drone strike"
    assert e.fatalities == 27 and e.children_killed == 5
    assert e.actor1.inter == "state" and e.actor1.country == "SYR"
    assert e.location.name.endswith("دوما") and e.location.admin1_code == "SY-RD"
    assert e.reported_by == ["المرصد السوري لحقوق الإنسان"]
    assert e.date_start == date(2018, 4, 6) and e.time_precision == 2  # no time given: published, week


def test_evidence_and_field_spans_point_into_the_original(pipe):
    text = ("أفاد المرصد السوري لحقوق الإنسان بمقتل 27 مدنيا على الأقل، بينهم 5 أطفال في قصـ.ف جوي مكثف "
            "لقوات النظام السوري على مدينة دوما.")
    [e] = events(pipe, text, "2018-04-06")
    s, t = e.evidence_span
    assert text[s:t] == e.evidence
    s, t = e.spans["trigger"]
    assert text[s:t] == "قصـ.ف جوي"
    s, t = e.spans["fatalities"]
    assert "27" in text[s:t]


def test_denial_is_not_an_event(pipe):
    # ant-SK-middleEast-782-20180404
    assert events(pipe, "ونفى الرئيس السوري بشار الأسد إصدار أمر بالهجوم على دوما.", "2018-04-04") == []


def test_accident_is_not_political_violence(pipe):
    # ant-AL-internationalNews-1815-20180630 (fireworks factory)
    text = ("قتل فلسطينيان وأصيب ستة آخرون بجروح في قطاع غزة السبت في انفجار عرضي وقع في مصنع للألعاب "
            "النارية أدى إلى اندلاع حريق، بحسب ما أفاد مصدران طبي وأمني.")
    evs = events(pipe, text, "2018-06-30")
    assert all(e.event_type != "Violence against civilians" for e in evs)


def test_no_place_takes_the_governorate_with_precision_3(pipe):
    # the seed's style: an act with sides and a toll but no named place, in an article about Idlib
    text = ("قصفت قوات الأسد بلدة كفرنبل في ريف إدلب الجنوبي أمس. كما كثفت فصائل الفتح المبين مؤخراً من "
            "قصـ.فها لمواقع وتجمعات وآليات قوات الأسد موقعة عشرات العناصر قتـ.لى وجـ.رحى.")
    evs = events(pipe, text, "2019-12-27")
    fallback = [e for e in evs if e.actor1 and e.actor1.inter == "rebel"]
    assert fallback and fallback[0].location.geo_precision == 3
    assert fallback[0].location.admin1_code == "SY-ID"
    assert fallback[0].fatalities is None and fallback[0].fatalities_text == "عشرات"


def test_same_act_twice_is_one_event(pipe):
    text = ("قصفت الطائرات الحربية الروسية مدينة سراقب في ريف إدلب الشرقي اليوم الجمعة. "
            "وقال الدفاع المدني إن الغارات الروسية على سراقب أدت إلى مقتل خمسة مدنيين.")
    evs = events(pipe, text, "2019-12-27")
    strikes = [e for e in evs if e.sub_event_type == "Air/drone strike"]
    assert len(strikes) == 1 and strikes[0].fatalities == 5


def test_two_places_in_one_statement_are_two_events(pipe):
    # ant-FR-internationalNews-364 style: "القصف في حرستا وعربين"; shared toll stays on neither
    text = "وقال ناشطون إن القصف المدفعي لقوات النظام استهدف حرستا وعربين في الغوطة الشرقية وأسفر عن مقتل ثمانية مدنيين."
    evs = events(pipe, text, "2018-03-11")
    names = sorted(e.location.name for e in evs)
    assert names == ["حرستا", "عربين"]
    assert all(e.fatalities is None for e in evs)


def test_history_is_not_coded(pipe):
    # an act dated years before publication (background)
    text = "وكانت قوات النظام قد قصفت مدينة حماة في شباط/فبراير 1982 وقتلت الآلاف."
    assert events(pipe, text, "2018-02-02") == []


def test_capture_by_state_and_by_rebels(pipe):
    gov = events(pipe, "وسيطرت قوات النظام السوري على بلدة حرستا في الغوطة الشرقية يوم السبت.", "2018-03-25")
    assert [e.sub_event_type for e in gov] == ["Government regains territory"]
    reb = events(pipe, "وسيطرت هيئة تحرير الشام على مدينة سراقب في ريف إدلب يوم السبت.", "2018-03-25")
    assert [e.sub_event_type for e in reb] == ["Non-state actor overtakes territory"]


def test_a_sentence_with_only_a_non_event_phrase(pipe):
    # "السيطرة على الحريق" (bringing a fire under control) contains a capture word and is no act
    text = "وقالت الشركة إن الحريق المحدود الذي اندلع في المصفاة تمت السيطرة عليه. وتمت السيطرة على الحريق."
    assert events(pipe, text, "2018-07-18") == []


def test_bomb_with_soldiers_killed(pipe):
    # SaudiNewsNet (2015-07-23), on Rafah: a bomb planted "by the terrorist elements"
    text = ("قُتل ضابط و3 جنود بالجيش المصري، بالإضافة إلى إصابة 3 آخرين، في انفجار عبوة ناسفة تم زرعها "
            "بواسطة العناصر الإرهابية، وذلك أثناء تمشيط قوات الجيش لإحدى مناطق مدينة رفح في محافظة شمال سيناء، "
            "حسبما أعلن العميد أحمد سمير، المتحدث الرسمي للقوات المسلحة المصرية.")
    evs = events(pipe, text, "2015-07-23")
    ieds = [e for e in evs if e.sub_event_type == "Remote explosive/landmine/IED"]
    assert len(ieds) == 1
    e = ieds[0]
    assert e.location.country == "EG" and "رفح" in e.location.name
    assert e.actor1 is not None and e.actor1.inter != "state"   # the soldiers are the victims
    assert e.injuries == 3


def test_force_met_by_protesters_is_a_protest_event(pipe):
    # ANT (Sky News Arabia, 2018-03-30), Gaza border protests
    text = ("وتظاهر آلاف الفلسطينيين قرب السياج الحدودي شرقي قطاع غزة الجمعة. وقالت مصادر طبية فلسطينية إن 7 "
            "فلسطينيين قتلوا وأصيب أكثر من 1100 آخرين، في مواجهات بين القوات الإسرائيلية والمحتجين.")
    evs = events(pipe, text, "2018-03-30")
    assert [e.event_type for e in evs] == ["Protests"]
    e = evs[0]
    assert e.sub_event_type == "Excessive force against protesters"
    assert e.actor1.inter == "protesters" and e.actor2 is not None and e.actor2.country == "ISR"
    assert e.fatalities == 7


def test_dispersed_protest_is_a_protest_with_intervention(pipe):
    # ANT (France24, 2018-07-22)
    [e] = events(pipe, "كما شهدت بغداد أمس السبت مظاهرة فرقتها قوات الأمن.", "2018-07-22")
    assert (e.event_type, e.sub_event_type) == ("Protests", "Protest with intervention")
    assert e.date_start == date(2018, 7, 21) and e.location.name == "بغداد"


def test_a_toll_since_a_date_is_an_aggregate_until_publication(pipe):
    # ANT (BBC Arabic, 2018-03-13)
    text = "وقتل أكثر من 1100 شخص وأصيب 4 آلاف منذ كثفت الحكومة عملياتها العسكرية ضد الغوطة الشرقية في 18 فبراير/ شباط."
    [e] = events(pipe, text, "2018-03-13")
    assert (e.date_start, e.date_end, e.time_precision) == (date(2018, 2, 18), date(2018, 3, 13), 2)
    assert e.fatalities == 1100 and e.injuries == 4000


def test_a_roundup_has_no_governorate_to_fall_back_to(pipe):
    # France24 press review (ANT, 2018-06-29): Maryland, Daraa, Libya, Tunisia, Morocco in one article;
    # the Annapolis shooting names no place Rasd knows and must not land in Daraa
    text = ('في الصحف اليوم: الاعتداء الذي استهدف مقر صحيفة "كابيتال غازيت" المحلية خلف خمسة قتلى بحسب ما ذكرت '
            'الأجهزة الأمنية. ثم ننتقل للحديث عن درعا في ظل مواصلة النظام السوري حملته. وفي ليبيا وتونس والمغرب '
            'تتواصل أزمة الهجرة.')
    evs = events(pipe, text, "2018-06-29")
    assert not any(e.location.admin1_code == "SY-DR" and e.fatalities == 5 for e in evs)


def test_a_sentence_with_no_place_but_in_the_area_takes_the_last_acts_place(pipe):
    # ant-BB-middleEast-127-20180303 (BBC Arabic): "في المنطقة" with no place named in the
    # sentence is the place of the act told just before (Afrin), not the governorate (Aleppo)
    text = ("قتل 36 شخصا، على الأقل، في غارات للطيران التركي استهدفت قوات موالية للحكومة في منطقة عفرين "
            "شمالي سوريا السبت، بحسب المرصد السوري لحقوق الإنسان.\n"
            "وأوضح المرصد أن القصف استهدف \"القوات الشعبية\" الموالية للحكومة السورية في منطقة كفر جنه في "
            "ريف عفرين الشمالي الشرقي.\n"
            "وكانت هذه القوات دخلت إلى منطقة عفرين قبل نحو أسبوعين لدعم المقاتلين الأكراد في أعقاب شن القوات "
            "التركية وفصائل معارضة سورية موالية لها هجوما عليها.\n"
            "وقالت قوات سوريا الديمقراطية إن الغارات التركية استهدفت مواقع القوات الموالية للنظام، لكنها لم "
            "تحدد حصيلة القتلى من جرائها.\n"
            "وجاءت بعد غارات على أجزاء أخرى في المنطقة قُتل فيها 24 من القوات الموالية للحكومة الخميس "
            "وأربعة آخرون الجمعة، بحسب المرصد.")
    [e] = [e for e in events(pipe, text, "2018-03-03") if e.fatalities == 24]
    assert (e.location.name, e.location.geo_precision) == ("عفرين", 1)


def test_a_supporting_side_is_not_the_means_of_the_act(pipe):
    # Saudi News Net 2015 (al-jazirah, 2015-07-21): security forces "supported by the PMF and the
    # air force" killed 19 IS fighters: a clash of the security force, not an air strike; the
    # air force joined by و to the supporting PMF supports too
    text = ("وقال المصدر إن قوة أمنية تابعة لقيادة عمليات دجلة، وبمساندة الحشد الشعبي والطيران العسكري، "
            "تمكنت من قتل 19 مسلحاً من داعش في ناحية العظيم شمال بعقوبة.")
    [e] = events(pipe, text, "2015-07-21")
    assert (e.sub_event_type, e.fatalities) == ("Armed clash", 19)
    assert e.actor1.canonical == "Police Forces of Iraq" and e.actor2.canonical == "Islamic State (IS)"


def test_things_counted_views_and_places_of_detention_are_no_tolls_or_acts(pipe):
    # Saudi News Net 2015 (aawsat): "three hospitals" after "the wounded" is no count of wounded
    text = ("وأوضحت اللجنة العليا للإغاثة أن المصابين الذين أصيبوا في قصف الحوثيين على تعز سيتلقون العلاج "
            "اللازم في ثلاثة مستشفيات خاصة بالأردن.")
    assert all(e.injuries is None for e in events(pipe, text, "2015-08-08"))
    # ANT 2018 (BBC, France24): concern about fighting and a detention centre are no events
    assert events(pipe, "كانت بعثة الأمم المتحدة للدعم في ليبيا قد أعربت عن قلقها البالغ إزاء تجدد الاشتباكات "
                        "في جنوب ليبيا، بين قبيلتي التبو وأولاد سليمان.", "2018-03-01") == []
    assert events(pipe, "ونقل مئات المهاجرين إلى مراكز احتجاز أخرى، بينما أغلق مطار طرابلس يوم الجمعة لمدة يومين.",
                  "2018-09-04") == []


def test_a_capture_that_describes_a_side_and_a_policy_of_confronting_are_no_acts(pipe):
    # Saudi News Net 2015 (aawsat, aleqt): "the IS fighters who seized vast areas" describes
    # them (no time of its own); "a role in confronting IS" is a policy
    for text in ["ويشير هذا القرار إلى تكثيف للدور التركي في مكافحة مقاتلي تنظيم داعش الذين سيطروا على مناطق "
                 "شاسعة من العراق وسوريا.",
                 "ويعكس هذا القرار تكثيفا للدور التركي في التصدي لمقاتلي تنظيم داعش في العراق وسوريا."]:
        assert events(pipe, text, "2015-08-05") == [], text
    # told with its time, the capture in a relative clause is news
    [e] = events(pipe, "وأكدت المصادر أن الحوثيين الذين سيطروا أمس على مدينة الحوطة بدأوا بنهب المنازل.", "2015-08-05")
    assert e.sub_event_type == "Non-state actor overtakes territory"
    # and a force that confronted an attack fought it
    [e] = events(pipe, "وقال المتحدث إن الجيش السعودي تصدى لهجوم من جانب الحوثيين في جازان أمس.", "2015-08-05")
    assert e.sub_event_type == "Armed clash"


def test_a_call_a_failure_and_an_expulsion_are_no_acts(pipe):
    # ANT 2018 (Al Arabiya): a call for an offensive, a failed strike, a deportation
    for text, published in [
        ("دعا الرئيس اليمني، عبدربه منصور هادي، اليوم الأربعاء، الجيش الوطني والمقاومة الشعبية إلى اللجوء "
         "للحسم العسكري لتحرير مدينة وميناء الحديدة.", "2018-06-13"),
        ("اندلع حريق هائل في ميناء الاصطياد في الحديدة غربي اليمن، إثر فشل ميليشيات الحوثي في استهداف بارجة "
         "حربية تابعة للتحالف العربي.", "2018-03-31"),
        ("أعلنت أنقرة الخميس أن جهاز الاستخبارات التركي تمكن من إعادة 80 شخصا إلى البلاد بعد عملية طرد سرية "
         "من كوسوفو الشهر الماضي.", "2018-04-05"),
    ]:
        assert events(pipe, text, published) == [], text
    # what an inquiry is called for did happen (ANT 2018, CNN Arabic)
    [e] = events(pipe, "دعا مجلس الأمن الدولي، الجمعة، إلى إجراء تحقيق في الهجوم الذي شهدته مدينة صعدة اليمنية، الخميس.",
                 "2018-08-10")
    assert e.location.name == "صعدة" and e.sub_event_type == "Armed clash"
    # a toll glued to its figure ("الخميس22") is counted
    [e] = events(pipe, "وفي جنوب دمشق، قتل الخميس22 مقاتلا مواليا للنظام في هجمات مفاجئة شنها التنظيم المتطرف.",
                 "2018-07-27")
    assert e.fatalities == 22


def test_dawn_is_a_time_an_expected_strike_is_none_and_a_missile_attack_is_shelling(pipe):
    # ANT 2018 (France24, Al Arabiya, CNN Arabic)
    gathered = events(pipe, "وأفاد مراسلو فرانس برس أن نحو 1300 شخص تجمعوا مساء في منطقة الشميساني في وسط عمان "
                            "وبقوا حتى الساعة 02,30 من فجر الأربعاء وسط إجراءات أمنية مشددة.", "2018-06-06")
    assert not any(e.event_type == "Explosions/Remote violence" for e in gathered)
    assert events(pipe, "وقال السفير إن الوقت يمر بسرعة، في إشارة إلى الغارات المحتملة على سوريا.", "2018-04-12") == []
    # ... but a "possible" attack with its victims counted is a suspected one (CNN Arabic)
    [e] = events(pipe, "تأثر حوالي 500 شخص بهجوم كيماوي محتمل على مدينة دوما التي تسيطر عليها المعارضة السورية.",
                 "2018-04-08")
    assert e.sub_event_type == "Chemical weapon"
    [e] = events(pipe, "أعلنت وكالة أنباء فارس الإيرانية أن الحرس الثوري في البلاد شن، فجر الإثنين، \"هجوما صاروخيا\" "
                       "على مقر من وصفهم بالإرهابيين في البوكمال شرق سوريا.", "2018-10-01")
    assert e.sub_event_type == "Shelling/artillery/missile attack" and e.date_start == date(2018, 10, 1)


def test_a_fight_with_one_side_named_takes_the_other_camp_of_the_article(pipe):
    # Sky News Arabia 2018 (Derna): the army's captures and a clash "with the militants" in an
    # article on the army's war with them: both sides coded
    text = ("أحكم الجيش الوطني الليبي، السبت، سيطرته بشكل كامل على منطقة شيحة في مدينة درنة، وذلك بعد طرد "
            "المتشددين منها.\n"
            "وقال الناطق باسم الجيش إن الاشتباكات مع المتشددين في درنة لا تزال مستمرة في بعض الأزقة.\n"
            "وحرر الجيش الليبي، الأحد، منطقة البلاد وسط درنة.")
    battles = [e for e in events(pipe, text, "2018-06-10") if e.event_type == "Battles"]
    assert battles and all(e.actor2 is not None for e in battles)
    assert all({e.actor1.inter, e.actor2.inter} == {"state", "rebel"} for e in battles)
    # the Iranian state's "hostile armed group" is an armed opposition (Sky News Arabia 2018)
    [e] = events(pipe, "وقال حاكم مدينة مريوان غربي إيران إن 11 عنصرا من الحرس الثوري قتلوا في اشتباك مع مجموعة "
                       "مسلحة معادية بمنطقة مريوان أمس.", "2018-07-21")
    assert {e.actor1.inter, e.actor2.inter} == {"state", "rebel"}


def test_who_holds_the_place_is_no_side_of_the_act(pipe):
    # ANT 2018 (Al Arabiya): the army took a range "the Houthis held": a government capture
    [e] = events(pipe, "انتزعت قوات الجيش اليمني، الخميس، آخر سلسلة جبلية كانت تسيطر عليها ميليشيا الحوثي "
                       "الانقلابية في مديرية نهم شرق صنعاء.", "2018-03-15")
    assert e.sub_event_type == "Government regains territory" and e.actor1.inter == "state"
    # France24 2018: an indefinite "فصائل معارضة" is a side; "قوات مناوئة للنظام" holding a town
    # is not the one that shelled it; civilians are named by their country
    text = ("وأفادت وكالة الأنباء الرسمية السورية سانا بأن طفلا قتل وأصيب أربعة مدنيين السبت في شرق دمشق جراء "
            "قصف نفذته فصائل معارضة في الغوطة.\n"
            "وقتلت المسعفة مع أفراد من أسرتها عندما طال القصف منزلهم ببلدة كفرسجنة بمحافظة إدلب التي تسيطر عليها "
            "قوات مناوئة للنظام السوري.")
    damascus, idlib = events(pipe, text, "2018-03-11")
    assert damascus.actor1.canonical == "Opposition Rebels (Syria)"
    # (nobody is named for the Idlib strike here: not the rebels of the Damascus one)
    assert idlib.actor1 is None and idlib.actor2.canonical == "Civilians (Syria)"


def test_a_year_is_no_toll(pipe):
    # BBC Arabic 2018 (Cuba): "the rebels killed in the 1953 coup attempt"
    evs = events(pipe, "وزرت معسكر مونكادا في سانتياغو في كوبا حيث رميت جثث الثوار الذين قتلوا في محاولة 1953 "
                       "الانقلابية أمس.", "2018-04-20")
    assert all(e.fatalities != 1953 for e in evs)
    # ... but a figure of that size with its victims is one
    [e] = events(pipe, "وأعلنت وزارة الصحة في غزة مقتل 58 فلسطينيا وإصابة 2000 شخص برصاص الجيش الإسرائيلي شرق "
                       "مدينة غزة أمس.", "2018-05-15")
    assert (e.fatalities, e.injuries) == (58, 2000)


def test_protesters_killed_is_excessive_force_and_an_ambush_at_an_unknown_place_is_an_event(pipe):
    # BBC Arabic 2018 (Basra): protesters killed
    [e] = events(pipe, "وقال رئيس مجلس حقوق الإنسان في البصرة، مهدي التميمي، إن \"ستة محتجين قتلوا، وجرح أكثر من 20 "
                       "آخرين\".", "2018-09-05")
    assert (e.sub_event_type, e.fatalities, e.injuries) == ("Excessive force against protesters", 6, 20)
    # Saudi News Net 2015 (aawsat): an ambush at a place the gazetteer lacks, in an article on Sanaa
    text = ("وشنت طائرات التحالف غارات على مواقع الحوثيين في أرحب شمال العاصمة صنعاء أمس.\n"
            "وقال البيان إن الهجوم كان عبارة عن كمين نصب عند جسر مسور بمنطقة خولان، وأسفر عن مقتل 6 من عناصر "
            "الميليشيات الحوثية وإصابة 3 آخرين.")
    ambush = [e for e in events(pipe, text, "2015-07-25") if e.fatalities == 6]
    assert [(e.sub_event_type, e.injuries, e.location.country) for e in ambush] == [("Armed clash", 3, "YE")]


def test_people_shot_during_confrontations_is_one_attack_by_the_shooters(pipe):
    # France24 2018: "four Palestinians killed by the Israeli army's fire during confrontations"
    [e] = events(pipe, "قالت وزارة الصحة في غزة اليوم الجمعة إن أربعة فلسطينين على الأقل قتلوا برصاص الجيش الإسرائيلي "
                       "خلال مواجهات على حدود القطاع الشرقية.", "2018-04-06")
    assert (e.sub_event_type, e.fatalities) == ("Attack", 4)
    assert e.actor1.canonical == "Military Forces of Israel" and e.actor2.inter == "civilians"


def test_people_shot_where_a_protest_met_force_are_its_toll(pipe):
    # ANT 2018 (Al Arabiya, Gaza border, 14 May): the shooting and the demonstration it met are one
    # event, the protest with excessive force, with the shooting's toll
    text = ("قتل 25 فلسطينياً وأصيب أكثر من 900 آخرين برصاص الاحتلال الإسرائيلي، الاثنين، خلال المواجهات على حدود "
            "قطاع غزة.\n"
            "وكان آلاف الفلسطينيين احتشدوا قرب حدود القطاع مع إسرائيل في وقت سابق الاثنين، وأطلق الجيش الإسرائيلي "
            "الغاز المسيل للدموع على المتظاهرين.")
    [e] = events(pipe, text, "2018-05-14")
    assert (e.sub_event_type, e.fatalities, e.injuries) == ("Excessive force against protesters", 25, 900)
    assert e.actor1.inter == "protesters" and e.actor2.canonical == "Military Forces of Israel"


def test_a_campaign_a_penalty_and_worshippers_turned_out_are_no_political_violence(pipe):
    # ANT 2018 (BBC Arabic, Sky News Arabia)
    for text, published in [
        ("في كازاخستان المحافظة، لا تجرؤ العديد من النساء على الحديث عن الاغتصاب، لكن حملة محلية بدأت بتشجيعهن "
         "على رفع أصواتهن في ألماتي أمس.", "2018-05-10"),
        ("وتصل عقوبة سب الزعيم الأعلى لكوريا الشمالية حد الإعدام في كوريا الشمالية.", "2018-06-10"),
    ]:
        assert events(pipe, text, published) == [], text
    evs = events(pipe, "أغلقت الشرطة الإسرائيلية أبواب المسجد الأقصى في القدس الشرقية الجمعة وقامت بطرد المصلين من "
                       "الساحات.", "2018-07-27")
    assert not any(e.event_type == "Battles" for e in evs)


def test_a_machine_that_blew_up_is_no_attack(pipe):
    # CNN Arabic 2018: an airliner's engine exploded; ANT 2018: an accidental blast in a workshop
    assert events(pipe, "وكان محرك طائرة الرحلة رقم 1380 التابعة لشركة ساوث وست إيرلاينز قد انفجر فوق بنسلفانيا، "
                        "الثلاثاء، بعد إقلاع الطائرة من مطار لاغارديا في نيويورك.", "2018-04-20") == []
    assert events(pipe, "قتل فلسطينيان وأصيب ستة آخرون بجروح في قطاع غزة السبت في انفجار عرضي وقع في مصنع.",
                  "2018-06-30") == []


def test_the_same_toll_told_twice_is_one_act(pipe):
    # Saudi News Net 2015 (al-madina, Aleppo): the lead and the monitor's quote give the same 18
    text = ("قتل 18 شخصًا وأصيب العشرات بجروح أمس الثلاثاء في سقوط صاروخ مصدره قوات النظام السوري على حي شعبي في "
            "وسط مدينة حلب في شمال سوريا، بحسب ما ذكر المرصد السوري لحقوق الإنسان.\n"
            "وقال مدير المرصد رامي عبدالرحمن: «سقط الصاروخ على حي المغاير الشعبي في حلب القديمة الواقع تحت سيطرة "
            "المعارضة، ما تسبب بمقتل 18 شخصًا بينهم طفل، ووقوع عشرات الجرحى».")
    [e] = [e for e in events(pipe, text, "2015-07-22") if e.fatalities == 18]
    assert e.location.admin1 == "Aleppo"
    # ... and when the detail names its place apart (one the gazetteer lacks) and its other side
    text = ("وأفاد مصدر أمني عراقي أمس الاثنين بمقتل 12 مسلحاً من تنظيم داعش شمال شرق بغداد.\n"
            "وقال المصدر إن قوة أمنية تابعة لقيادة عمليات دجلة تمكنت من قتل 12 مسلحاً من داعش في ناحية العظيم.")
    [e] = [e for e in events(pipe, text, "2015-07-21") if e.fatalities == 12]
    assert {e.actor1.inter, e.actor2.inter} == {"state", "rebel"}


def test_bodies_with_no_count_are_what_an_act_left(pipe):
    # France24 2018 (Ghouta): a UN official smelt "the bodies still under the rubble" in Douma
    assert events(pipe, "واعتبر ممثل مفوضية الأمم المتحدة لشؤون اللاجئين في سوريا الجمعة أن الوضع صعب، مشيراً بعد "
                        "زيارته دوما إلى رائحة نفاذة نتيجة الجثث التي لا تزال تحت الأنقاض.", "2018-03-10") == []


def test_protesters_who_storm_or_burn_are_a_violent_demonstration_and_a_raid_that_met_fire_is_a_fight(pipe):
    # France24 2018 (Najaf); CNN Arabic 2018 (Sinai)
    [e] = events(pipe, "واقتحم متظاهرون غاضبون مساء الجمعة مطار النجف الدولي.", "2018-07-15")
    assert e.sub_event_type == "Violent demonstration"
    evs = events(pipe, "وأضاف المتحدث أنه تم القضاء على 30 عنصرا تكفيريا مسلحا خلال تبادل لإطلاق النار مع قوة "
                       "المداهمات بمناطق العمليات في شمال سيناء أمس.", "2018-02-20")
    assert [e.sub_event_type for e in evs] == ["Armed clash"]


def test_arrests_are_the_states(pipe):
    # BBC Arabic 2018 (Sinai): the army killed 71 and arrested five "takfiris": the army arrests
    text = ("أعلن متحدث باسم الجيش المصري أن الجيش المصري قتل 16 مسلحا في شمال سيناء أمس.\n"
            "وأعلن متحدث باسم الجيش المصري إلقاء القبض على خمسة آخرين من التكفيريين في العريش أمس.")
    [e] = [e for e in events(pipe, text, "2018-02-22") if e.sub_event_type == "Arrests"]
    assert e.actor1.canonical.startswith("Military Forces of Egypt") and e.actor2.inter == "rebel"


def test_a_war_of_words_a_prison_camp_and_a_road_accident_are_no_acts(pipe):
    # ANT 2018 (CNN Arabic, BBC Arabic)
    for text, published in [
        ("وجاءت القمة الكورية التي عقدت على الحدود بين البلدين في بانمونجوم بعد أشهر من معارك كلامية بين "
         "الجانبين.", "2018-04-27"),
        ("وكان ترامب قد وقع قبل أسابيع أمرا تنفيذيا لإبقاء مركز الاعتقال في خليج غوانتانامو بكوبا مفتوحا.", "2018-02-01"),
        ("قُتل 19 شخصا، بينهم أطفال، في تركيا بعد انحراف شاحنة نقل عملاقة عن الطريق في ولاية بورصة أمس.", "2018-05-01"),
    ]:
        assert events(pipe, text, published) == [], text
