"""reported_by chains from attribution (ANT corpus, seed-style sentences)."""
from datetime import date

from rasd.document import Document
from rasd.pipeline import segment
from rasd.recognize.sources import SourceRecognizer, chain

SRC = SourceRecognizer()


def _chain(text):
    d = Document(text=text, published=date(2018, 5, 1))
    segment(d)
    SRC(d)
    return chain(d.spans.get("source", []))


def test_known_monitor_after_speech_verb():
    assert _chain("قال المرصد السوري لحقوق الإنسان إنه وثق مقتل 20 مدنيا") == ["المرصد السوري لحقوق الإنسان"]


def test_channel_before_speaker():
    c = _chain('كشفت مصادر عسكرية لصحيفة "المدن"، عن عدم توصل روسيا وتركيا لاتفاق هدنة')
    assert c[0] == "المدن" and "مصادر عسكرية" in c


def test_generic_sources_after_bihasab():
    c = _chain("حققت قوات الشرعية اليمنية، الأحد، اختراقات نوعية في جبهة الساحل الغربي، بحسب مصادر ميدانية.")
    assert c == ["مصادر ميدانية"]


def test_quoted_source():
    c = _chain("ووثق “الدفاع المدني السوري” تنفيذ قوات النظام السوري سبع مجـ.ازر")
    assert c == ["الدفاع المدني السوري"]


def test_own_voice_is_empty():
    assert _chain("قصفت الطائرات الحربية بلدة كفرنبل") == []


def test_anaphora_refers_to_the_last_source_of_its_kind():
    # seed style: a newspaper, then a website; "الصحيفة ذاتها" is the newspaper
    text = ('كشفت مصادر عسكرية لصحيفة "المدن"، عن عدم توصل روسيا وتركيا لاتفاق. '
            'وقالت المصادر بحسب ما رصد موقع الوسيلة، إن روسيا أصرت على مطالبها. '
            'وأشارت الصحيفة ذاتها إلى أن المعارضة استخدمت أكثر من 30 صاروخاً.')
    d = Document(text=text, published=date(2019, 12, 27))
    segment(d)
    SRC(d)
    last = [s for s in d.spans["source"] if s.sent == 2]
    assert chain(last) == ["المدن"]
