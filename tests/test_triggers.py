"""Triggers and modality on real sentences (ANT corpus; seed-style obfuscation)."""
from datetime import date

from rasd.document import Document
from rasd.pipeline import segment
from rasd.recognize.modality import ModalityRecognizer, blocked
from rasd.recognize.triggers import TriggerRecognizer
from rasd.text.segment import clause_ids

TRIG = TriggerRecognizer()
MOD = ModalityRecognizer()


def _doc(text):
    d = Document(text=text, published=date(2018, 5, 1))
    segment(d)
    TRIG(d)
    MOD(d)
    return d


def _triggers(d, live_only=False):
    cl = clause_ids(d.norm.text, d.tokens)
    mods = d.spans.get("modality", [])
    out = []
    for t in d.spans.get("trigger", []):
        if live_only and blocked(t, [m for m in mods if m.sent == t.sent], cl):
            continue
        out.append((d.text[t.start:t.end], t.value.cls))
    return out


def test_classes_on_corpus_sentences():
    d = _doc("حققت قوات الشرعية اليمنية، الأحد، اختراقات نوعية في جبهة الساحل الغربي، بالسيطرة على مواقع استراتيجية")
    assert ("السيطرة على", "territory") in _triggers(d)
    d = _doc("وقال الحارثي إن العملية العسكرية جاءت بإسناد من طيران التحالف الذي استهدف بعدة غارات مواقع وتعزيزات للانقلابيين")
    assert ("غارات", "airstrike") in _triggers(d)
    d = _doc("أفاد شهود عيان أمس الاثنين بمقتل 33 مسلحاً من تنظيم داعش بانفجار سيارة مفخخة، يقودها انتحاري")
    classes = {c for _, c in _triggers(d)}
    assert {"killing", "ied", "suicide"} <= classes


def test_obfuscated_trigger_found_in_original_text():
    d = _doc("ومع استمرار القـ.صف على مناطق سيطرة المعارضة, تصـ.دت فصائل المعارضة السورية لعدة محاولات من قوات الأسد")
    found = _triggers(d)
    assert ("القـ.صف", "bombard") in found
    assert ("تصـ.دت", "clash") in found


def test_denial_blocks():
    d = _doc("نفى حسن محاولة القتل.")
    assert _triggers(d) and not _triggers(d, live_only=True)


def test_question_blocks():
    d = _doc("هل حصلت المعارضة على دعم عسكري نوعي بعد المعارك؟")
    assert _triggers(d) and not _triggers(d, live_only=True)


def test_threat_and_call_block_but_not_next_clause():
    d = _doc("وحذر مندوب روسيا من أن استخدام القوة العسكرية ضد سوريا قد يفضي إلى هجوم")
    assert not _triggers(d, live_only=True)
    # speculation is scoped to its clause: the later clause reports a real shelling
    d = _doc("ورجحت الصحيفة أن الفصائل حصلت أيضاً على صواريخ غراد، وكميات من الذخائر، استخدم جزء منها مؤخراً في قصـ.ف مواقع المليشيات")
    live = _triggers(d, live_only=True)
    assert ("قصـ.ف", "bombard") in live


def test_still_is_not_negation():
    d = _doc("ولا تزال الاشتباكات مستمرة في المنطقة")
    assert ("الاشتباكات", "clash") in _triggers(d, live_only=True)


def test_court_sentence_is_not_the_act():
    # ANT corpus (France24, 2018-05-22)
    d = _doc("أصدرت المحكمة الجنائية المركزية العراقية حكما بالإعدام شنقا بحق الجهادي البلجيكي طارق جدعون")
    assert ("الإعدام", "execution") in _triggers(d)
    assert not _triggers(d, live_only=True)


def test_court_sentence_reaches_its_far_object_but_not_elimination():
    # ANT corpus: the sentence's object is 14 words after the court
    d = _doc("وحكمت محاكم بغداد منذ بداية العام الجاري على أكثر من 300 من المسلحين الأجانب، بالإعدام أو السجن مدى الحياة")
    assert _triggers(d) and not _triggers(d, live_only=True)
    # "القضاء على" is eliminating, not the judiciary; "إحكام السيطرة" is not "أحكام" (sentences)
    d = _doc("أعلن الجيش المصري، صباح الخميس، القضاء على 13 من العناصر التكفيرية المسلحة خلال تبادل لإطلاق النار بمناطق المداهمات")
    assert _triggers(d, live_only=True)
    d = _doc("نجحت قوات الشرعية اليمنية، الأربعاء، في إحكام سيطرتها على مواقع استراتيجية في محافظة البيضاء")
    assert _triggers(d, live_only=True)


def test_who_holds_a_place_is_no_capture():
    # ANT corpus: "الخاضعة لسيطرتهم" says who holds Sanaa, "سيطرتهم" is not "سيطرت" with a suffix
    d = _doc("كشفت مصادر يمنية، الأحد، عن مقتل أحد قادة ميليشيا الحوثي في العاصمة اليمنية صنعاء الخاضعة لسيطرتهم")
    assert not any(c == "territory" for _, c in _triggers(d, live_only=True))
    d = _doc("وأوضح عبد الرحمن أن قوات النظام نشرت دفاعات جوية في المنطقة لحماية مناطق سيطرتها في شمال حلب")
    assert not any(c == "territory" for _, c in _triggers(d, live_only=True))
    d = _doc("وبسطت قوات النظام سيطرتها على بلدة التح في ريف إدلب الجنوبي")
    assert any(c == "territory" for _, c in _triggers(d, live_only=True))


def test_ability_and_far_warnings_are_not_acts_but_projectiles_are():
    # ANT corpus: being able to fire is not firing
    d = _doc("ونقلت عن مصادر بالحكومة قولها إن بريطانيا تفعل كل ما يلزم لضمان أن تكون قادرة على إطلاق صواريخ توماهوك")
    assert not _triggers(d, live_only=True)
    # SaudiNewsNet: a warning 12 words before the massacre it fears
    d = _doc("وحذر الناطق باسم الائتلاف سالم المسلط من قيام قوات نظام الأسد بارتكاب مجزرة بحق المدنيين والمحاصرين")
    assert not _triggers(d, live_only=True)
    # SaudiNewsNet: a projectile from across the border is shelling, not a capture ("سقوط")
    d = _doc("لقي عامل يمني مصرعه، مساء أمس الجمعة؛ إثر سقوط مقذوف عسكري من داخل الأراضي اليمنية في قرية القنبورة")
    live = _triggers(d, live_only=True)
    assert any(c == "bombard" for _, c in live) and not any(c == "territory" for _, c in live)


def test_a_capture_as_an_aim_is_an_offensive_not_a_capture():
    # ANT corpus: "للسيطرة على" names what the operation is for
    d = _doc("أطلقت قوات المقاومة الوطنية اليمنية، بدعم من قوات التحالف العربي، عملية عسكرية للسيطرة على مفرق المخا")
    live = _triggers(d, live_only=True)
    assert ("للسيطرة على", "offensive") in live and not any(c == "territory" for _, c in live)
    d = _doc("وكانت اللجنة الرباعية العربية المعنية بالتصدي للتدخلات الإيرانية قد التقت في الرياض")
    assert not any(c in ("clash", "territory") for _, c in _triggers(d, live_only=True))


def test_accident_blocks_a_bare_toll_only():
    # ANT corpus: a fire in a clinic in Baku is not political violence
    d = _doc("قتل 24 شخصا في حريق اندلع، الجمعة، داخل عيادة لتأهيل المدمنين في باكو")
    assert not _triggers(d, live_only=True)
    # ... but a fire set by gunfire in a prison uprising still has its act (إطلاق النار)
    d = _doc("أن مسلحي الميليشيات واجهوا انتفاضة السجناء بإطلاق النار عليهم، مما أدى إلى اندلاع حريق داخل السجن")
    assert any(c == "shooting" for _, c in _triggers(d, live_only=True))


def test_qad_is_modal_only_before_an_imperfect():
    # "وقد يسمح ... بالتوصل إلى اتفاق" (may allow) is not an agreement reached
    d = _doc("وقد يسمح فتح طريق آمن لعناصر المعارضة المسلحة بالتوصل إلى اتفاق يفضي إلى تركهم أكبر معقل لهم")
    assert _triggers(d) and not _triggers(d, live_only=True)
    # "وكانت قوات الجيش الوطني في اليمن قد شنت عمليات" (had launched) is told as done
    d = _doc("وبحسب سكان محليين، فقد شن طيران التحالف غارات مركزة استهدفت آليات عسكرية للحوثيين في شوارع الحديدة")
    assert ("غارات", "airstrike") in _triggers(d, live_only=True)
