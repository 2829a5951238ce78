"""Event assembly: codebook rules over the recognised spans.

For each sentence, each trigger that is not in the scope of a modality cue
becomes an event coded by its trigger class and the cues of its clause
(``knowledge/triggers.yaml``); its sides, place, date, counts and sources come
from the spans around it.  One event per (type, place, date, sides): repeated
mentions of the same act in the article are merged.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from math import asin, cos, radians, sin, sqrt

from ..document import Actor, DateValue, Document, Event, Place, Quantity, Span
from ..recognize.modality import blocked
from ..recognize.numbers import dual_count
from ..recognize.sources import chain
from ..resources import load
from ..text.match import PhraseMatcher
from ..text.normalize import fold_key
from ..text.segment import Sentence, analyses, clause_ids

BATTLES = "Battles"
EXPLOSIONS = "Explosions/Remote violence"
VAC = "Violence against civilians"

# tokens that, right before an actor, make it the target / other side
_TARGET_MARKERS = {"علي", "ضد", "مواقع", "تجمعات", "نقاط", "نقطه", "اليات", "اليه", "مقرات", "مقر", "ثكنه", "حاجز",
                   "استهدفت", "استهدف", "استهداف", "مع", "عناصر", "صفوف", "مقاتلي", "جنود", "دوريه", "رتل",
                   "معاقل", "مناطق", "مسلحي", "عنصرا", "قتلي", "مقتل", "قتل", "صالح", "حساب", "امام", "مواجهه",
                   "اسر", "اعتقال", "اعتقل", "اعتقلت", "مواقعها", "مواقعه", "تحصينات", "معسكر", "قاعده"}
_SUPPORT_MARKERS = {"اسناد", "باسناد", "دعم", "بدعم", "مسانده", "بمسانده", "بمشاركه", "مشاركه", "بغطاء", "غطاء",
                    "مدعومه", "مدعوم", "المدعومه", "المدعوم", "الموالیه", "حليفه", "حلفاء"}
_FIRE_OF = {"برصاص", "رصاص", "بنيران", "نيران", "بنار", "بقذائف", "بصواريخ", "بغارات", "بغاره", "بقصف"}
_HOLD_MARKERS = {"سيطره", "لسيطره", "بسيطره", "قبضه", "لقبضه"}
_HOLD_VERBS = {"تسيطر", "يسيطر", "سيطرت", "سيطر", "يسيطرون", "تهيمن", "يهيمن"}
_HOME_INSTITUTIONS = ("السلطات", "الشرطة", "وزارة", "الأمن الداخلي", "الداخلية")
_LAM_HEADS = {"قوات", "ميليشيات", "مليشيات", "ميليشيا", "عناصر", "مواقع", "جماعه", "تنظيم", "حركه", "فصايل", "مسلحي",
              "مقاتلي", "تجمعات", "معاقل"}
_FORCEFUL_PROTEST = ("Excessive force against protesters", "Protest with intervention")
# words naming the kind of place: "في قضاء المقدادية وناحية كنعان"
_PLACE_TYPES = {"ناحيه", "قضاء", "بلده", "بلدات", "قريه", "قري", "مدينه", "حي", "احياء", "منطقه", "مخيم", "مديريه",
                "محافظه", "بلدتي", "مدينتي", "قريتي", "مناطق", "مركز", "جبل", "سهل", "وادي", "معسكر", "مطار"}
# tokens between a trigger and a following actor that make it the agent
_AGENT_MARKERS = {"قبل", "بواسطه", "شنها", "نفذها", "شنتها", "نفذتها", "طائرات", "طيران", "مروحيات", "نفذته", "شنته",
                  "ارتكبها", "ارتكبته", "تبنته", "تبناها", "تبنت", "تبني", "اطلقها", "اطلقته"}


def _km(a: Place, b: Place) -> float | None:
    if a.lat is None or b.lat is None:
        return None
    # the gazetteer sets a place's lat and lon together
    assert a.lon is not None and b.lon is not None
    la1, lo1, la2, lo2 = radians(a.lat), radians(a.lon), radians(b.lat), radians(b.lon)
    h = sin((la2 - la1) / 2) ** 2 + cos(la1) * cos(la2) * sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * asin(min(1.0, sqrt(h)))


class EventAssembler:
    # per-article state, set by __call__
    clause: list[int]                      # token -> clause number
    cas_at: dict[int, str]                 # token -> casualty word group
    singular_at: set[int]                  # tokens of a singular victim word
    combined_at: set[int]                  # first tokens of "قتيل وجريح" and the like
    compare_words: set[str]                # folded words that make "منذ" a comparison
    _pairs: list[tuple[Actor, Actor]]      # the sides of the fights told so far
    _last_loc: dict[str, Place]            # event type -> the place of the last such act named
    _a1_admin: dict[str, str | None]       # event type / sub-type -> governorate of its last actor1's act
    _weak: set[int]                        # id() of the events coded from a toll alone

    def __init__(self) -> None:
        data = load("triggers.yaml")
        self.classes = {c["id"]: c for c in data["classes"]}
        cas = load("casualties.yaml")
        self.cas = PhraseMatcher()
        for group in ("killed", "injured", "cumulative", "breakdown", "children", "women", "victims", "another",
                      "none_of", "things"):
            self.cas.add_all(cas[group], group, allow_suffix=False)
        countries = load("actors.yaml")["countries"]
        self.iso2_of = {v["iso3"]: k for k, v in countries.items() if v.get("iso3")}
        self.country_names = {k: v["name"] for k, v in countries.items() if v.get("name")}
        self.singular = PhraseMatcher()
        self.singular.add_all(cas["singular"], "singular", allow_suffix=False)
        self.compare_words = {fold_key(w) for w in load("time_expressions.yaml")["comparison_before_since"]}
        self.combined = PhraseMatcher()
        self.combined.add_all(cas["combined_after"], "combined", allow_suffix=False)

    # ------------------------------------------------------------------ main
    def __call__(self, doc: Document) -> None:
        toks = doc.tokens
        if not toks or not doc.spans.get("trigger"):
            doc.events = []      # no act named: nothing to assemble
            return
        self.clause = clause_ids(doc.norm.text, toks, doc.sentences)
        by_sent: dict[str, dict[int, list[Span]]] = {}
        for kind in ("trigger", "cue", "actor", "place", "date", "number", "source", "modality"):
            d: dict[int, list[Span]] = {}
            for sp in doc.spans.get(kind, ()):
                d.setdefault(sp.sent, []).append(sp)
            by_sent[kind] = d
        cas_spans = self.cas.find(toks, longest_only=True, doc=doc)
        self.cas_at = {}
        for m in cas_spans:
            for k in range(m.tok_start, m.tok_end):
                self.cas_at[k] = m.payloads[0]
        self.singular_at = {m.tok_start for m in self.singular.find(toks, doc=doc)}
        self.combined_at = {m.tok_start for m in self.combined.find(toks, doc=doc)}

        events: list[tuple[Event, int, bool]] = []  # event, sentence, location was a fallback
        weak_events: set[int] = set()
        last_actor1: dict[str, Actor] = {}   # by event type and sub-type: who did it last
        self._pairs = []
        self._a1_admin = {}
        self._last_loc = {}
        last_chain: list[str] = []
        for si in range(len(doc.sentences)):
            trig = by_sent["trigger"].get(si, [])
            srcs = by_sent["source"].get(si, [])
            rb = chain(srcs)
            if not rb and last_chain and self._continues_speech(doc, si):
                rb = list(last_chain)
            last_chain = rb
            if not trig:
                continue
            mods = by_sent["modality"].get(si, [])
            names = by_sent["actor"].get(si, []) + by_sent["place"].get(si, [])
            # a trigger inside a name ("هيئة تحرير الشام") is no act; one that opens it is ("غارات إسرائيلية")
            dates_here = by_sent["date"].get(si, [])
            # "بهجوم كيماوي محتمل" with its victims counted is a suspected act, not a possible one
            if any(m.value.unless_toll for m in mods) and self._has_toll(doc, si):
                mods = [m for m in mods if not m.value.unless_toll]
            live = [t for t in trig if blocked(t, mods, self.clause) is None
                    and not any(n.start < t.start and t.end <= n.end for n in names)
                    # "فجر الأربعاء" is a time (dawn), not "فجّر" (detonated)
                    and not any(d.start <= t.start < d.end for d in dates_here)
                    and self._needs_ok(t, doc.sentences[si], by_sent["cue"].get(si, []),
                                       by_sent["actor"].get(si, []))]
            if not live:
                continue
            live = [t for t in live if t.value.cls != "non_event" and not (
                t.value.cls == "territory" and not dates_here and self._describes(doc, t))]
            if not live:
                continue
            strong = [t for t in live if t.value.strong]
            violent = {self.classes[t.value.cls]["event_type"] for t in strong}
            strong = [t for t in strong if not self._subsumed(doc, t, violent)]
            weapons = [t for t in live if t.value.cls == "bombard" and not t.value.strong]
            if len({self._form(doc, t) for t in weapons} & {"weapon", "aim"}) == 2:
                # a weapon and its aim named together ("استخدمت ... 30 صاروخاً ... استهدفت مدرعات"):
                # the fire is reported as an act (codebook: missiles at positions -> Shelling)
                # ... and the fighting around it is its setting, not a second act
                strong = [t for t in strong if t.value.cls != "clash"]
                strong.append(next(t for t in weapons if self._form(doc, t) == "aim"))
            if any(t.value.cls == "territory" for t in strong):
                # the fighting of a capture is part of it: "سيطرت على ... خلال معارك محتدمة"
                strong = [t for t in strong if t.value.cls != "clash"]
            if any(t.value.cls == "clash" for t in strong):
                # a raid that met fire is the fight: "القضاء على 30 عنصرا خلال تبادل لإطلاق النار مع
                # قوة المداهمات" (an arrest in it stays: "ألقت القبض على")
                strong = [t for t in strong if not (t.value.cls == "arrests" and "داهم" in doc.tokens[t.tok_start].text)]
            if any(t.value.cls in ("shooting", "execution") for t in strong) and any(t.value.cls == "clash" for t in strong) \
                    and not any(a.value.inter in ("rebel", "militia", "identity", "external")
                                for a in by_sent["actor"].get(si, [])):
                # people shot "during confrontations" with no armed side facing the shooters: the
                # shooting is the act, the confrontations its setting ("قتلوا برصاص الجيش الإسرائيلي
                # خلال مواجهات على حدود القطاع")
                strong = [t for t in strong if t.value.cls != "clash"]
            if strong:
                chosen = strong
            elif self._weak_counts(doc, si, live, by_sent):
                # a weak word that names the means ("بتفجير عبوة") says more than the toll ("قتلا")
                # ... but not a weak capture word: "بخلاف سقوط عشرات آخرين" is a toll, not a fall
                means = [t for t in live if t.value.cls != "territory"] or live
                chosen = [min(means, key=lambda t: t.value.cls in ("killing", "injuring"))]
            else:
                continue
            # one event per trigger class per clause: "القصف والغارات" in one clause is one act
            seen: set[tuple[str, int]] = set()
            for t in chosen:
                key = (t.value.cls, self.clause[t.tok_start])
                if key in seen:
                    continue
                seen.add(key)
                for ev, fallback in self._events_for(doc, si, t, by_sent, last_actor1, chosen):
                    ev.reported_by = list(rb)
                    if not strong and t.value.cls in ("killing", "injuring"):
                        weak_events.add(id(ev))
                    if not fallback:
                        assert ev.location is not None  # every assembled event has a place
                        self._last_loc[ev.event_type] = ev.location
                        self._last_loc["*"] = ev.location
                    events.append((ev, si, fallback))
                    if ev.actor1 is not None:
                        last_actor1[ev.event_type] = ev.actor1
                        last_actor1[ev.sub_event_type] = ev.actor1
                        self._a1_admin[ev.event_type] = self._a1_admin[ev.sub_event_type] = \
                            ev.location.admin1 if ev.location is not None else None
                        if ev.actor2 is not None and ev.actor2.inter not in ("civilians",):
                            self._pairs.append((ev.actor1, ev.actor2))
        self._inherit_types(events, weak_events)
        self._weak = weak_events
        # a headline repeats the story: its events stand only where the body has none of their type
        head = self._headline(doc)
        if head is not None:
            body_types = {ev.event_type for ev, si, _ in events if si != head}
            events = [x for x in events if not (x[1] == head and x[0].event_type in body_types)]
        doc.events = self._fold_into_protests(self._merge(events))

    @staticmethod
    def _headline(doc: Document) -> int | None:
        """The index of the headline sentence: the title, or a short first line with no full stop."""
        if not doc.sentences:
            return None
        first = doc.sentence_text(0).strip()
        if doc.title and first.strip(" .") == doc.title.strip(" ."):
            return 0
        s0 = doc.sentences[0]
        ends_line = doc.norm.text[s0.end:s0.end + 1] in ("\n", "")
        if ends_line and not first.endswith((".", "!", "؟", "?", ":")) and s0.tok_end - s0.tok_start <= 25 \
                and len(doc.sentences) > 1:
            return 0
        return None

    @staticmethod
    def _inherit_types(events: list[tuple[Event, int, bool]], weak_events: set[int]) -> None:
        """A toll with no act named ("سقط 45 قتيلا في الغوطة") is the toll of the
        act the article reports: it takes the type of the nearest strong event."""
        strong = [(si, ev) for ev, si, _ in events if id(ev) not in weak_events
                  and (ev.event_type in (EXPLOSIONS, BATTLES, VAC) or ev.sub_event_type in _FORCEFUL_PROTEST)]
        if not strong:
            return
        for ev, si, _ in events:
            if id(ev) not in weak_events:
                continue
            _, ref = min(strong, key=lambda x: (abs(x[0] - si), x[0] > si))
            if ev.event_type == BATTLES and ev.sub_event_type == "Armed clash" and ev.actor1 is not None:
                continue  # fighters killed: a clash stays a clash
            ev.event_type, ev.sub_event_type = ref.event_type, ref.sub_event_type
            if ev.actor1 is None:
                ev.actor1 = ref.actor1

    # ------------------------------------------------------------ one trigger
    def _events_for(self, doc: Document, si: int, t: Span, by_sent: dict[str, dict[int, list[Span]]],
                    last_actor1: dict[str, Actor], chosen: Sequence[Span] = ()) -> list[tuple[Event, bool]]:
        cls = self.classes[t.value.cls]
        sent = doc.sentences[si]
        cues = by_sent["cue"].get(si, [])
        win = self._window(t, sent)
        srcs = by_sent["source"].get(si, [])
        actors = [a for a in by_sent["actor"].get(si, [])  # "الدفاع المدني" as a source is not a side
                  if not any(s.start <= a.start < s.end or a.start <= s.start < a.end for s in srcs)]
        # a supporting side's words say nothing of the act's means: "قوة أمنية، وبمساندة الحشد
        # الشعبي والطيران العسكري، تمكنت من قتل 19 مسلحا" is no air strike (the words of the act
        # itself stay: "طيران التحالف" named in its own trigger)
        backing = self._supporting(doc, actors)
        groups = {c.value for c in cues if win[0] <= c.tok_start < win[1]
                  and (c.tok_start not in backing or t.tok_start <= c.tok_start < t.tok_end)}
        sent_groups = {c.value for c in cues}
        etype, sub = cls["event_type"], cls["sub_event_type"]
        civ = bool(cls.get("civilian_targeting", False))
        if cls.get("refine_scope") == "sentence":
            groups = sent_groups
        for r in cls.get("refine", ()):
            if r["cues"] in groups or (r["cues"] in ("protest_force", "protest_intervention", "protest_violent")
                                        and r["cues"] in sent_groups):
                etype = r.get("event_type", etype)
                sub = r.get("sub_event_type", sub)
                civ = r.get("civilian_targeting", civ)
                break

        a1, a2 = self._sides(doc, t, actors, etype, backing)
        if sub == "Air/drone strike" and a1 is not None and a1.inter in ("rebel", "militia", "identity") \
                and not (groups & {"drone"}):
            # warplanes and helicopters are flown by states: a non-state side named here is the target
            a2, a1 = (a1 if a2 is None else a2), None
        if a1 is None and sub in ("Remote explosive/landmine/IED", "Suicide bomb", "Grenade"):
            # a bomb nobody claimed is the act of an unidentified armed group (ACLED)
            cc = doc.focus_country
            a1 = Actor("", f"Unidentified Armed Group ({self._country_name(doc)})" if cc else "Unidentified Armed Group",
                       "external")
        inherited: str | None = None
        if a1 is None and etype == EXPLOSIONS:
            # an unattributed strike: the article's last attributed strike, else its main armed state
            inherited = sub if sub in last_actor1 else etype if etype in last_actor1 else None
            a1 = last_actor1.get(sub) or last_actor1.get(etype) or self._main_state(doc)
            if a1 is not None and sub == "Air/drone strike" and a1.inter != "state":
                a1 = self._main_state(doc)
        if etype == BATTLES and a1 is None and a2 is not None:
            # only the side that lost is named ("كمين ... أسفر عن مقتل 6 من عناصر الميليشيات
            # الحوثية"): the other camp of the article fought it
            a1 = self._opponent(a2, self._pairs) or self._main_adversary(doc, a2)
        if etype == BATTLES and a1 is not None and a2 is None:
            # a fight has two sides: the other side of this side's last fight, else the armed
            # side of the other camp the article names most ("اشتباكات مع المتشددين" told by
            # the Libyan army; "حرر الجيش الليبي منطقة البلاد" in an article on its war with them)
            a2 = self._opponent(a1, self._pairs) or self._main_adversary(doc, a1)
        if etype == BATTLES and not cls.get("by_actor1") and a1 is not None and a1.inter == "civilians" and a2 is None:
            # a "battle" whose only side is civilians is an attack on them
            etype, sub, civ = VAC, "Attack", True
            # two statements, not "a1, a2 = None, a1": mypy types the a1 read there after
            # assigning None to a1 (so mypyc would compile it as None)
            a2 = a1
            a1 = None
        if "by_actor1" in cls:
            inter = a1.inter if a1 else None
            sub = cls["by_actor1"].get(inter, cls["by_actor1"]["default"])
        counts = self._counts(doc, si, t, by_sent["number"].get(si, []))
        civ_victims = "civilian_target" in groups or counts.get("civ", False)
        if etype == VAC and a2 is None:
            civ = True
        if civ_victims and etype in (EXPLOSIONS, VAC) and (a2 is None or a2.inter == "civilians"):
            civ = True
        if civ and a2 is None and etype in (EXPLOSIONS, VAC):
            a2 = Actor("", self._civilians_canonical(doc), "civilians")
        if etype == VAC and a2 is not None and a2.inter not in ("civilians", "protesters", "external"):
            if cls["id"] in ("killing", "injuring", "shooting"):
                etype, sub, civ = BATTLES, "Armed clash", False
        if etype == VAC and a1 is not None and a1.inter == "civilians":
            a1, a2 = a2, a1
        protesters = [a.value for a in actors if a.value.inter == "protesters"]
        protest_here = any(tt.value.cls == "protest" for tt in by_sent["trigger"].get(si, []))
        if etype in (VAC, BATTLES) and (protesters or protest_here) and (
                cls["id"] in ("killing", "injuring", "shooting", "execution", "clash")):
            # force used on a demonstration is coded as the protest it met (ACLED)
            etype, sub, civ = "Protests", "Excessive force against protesters", False
            state = a1 if a1 is not None and a1.inter in ("state", "militia") else None
            a1 = protesters[0] if protesters else None
            a2 = state
        if etype == "Protests" and a1 is not None and a1.inter in ("state", "militia"):
            # the demonstrators act; the forces that met them are the other side
            a1, a2 = (protesters[0] if protesters else None), a1
        if sub == "Arrests" and (a1 is None or a1.inter != "state"):
            # arrests are a state's: a non-state side named is the one arrested ("وإلقاء القبض على
            # خمسة آخرين من التكفيريين"); the arresting forces are the article's main state
            if a1 is not None and a2 is None:
                a2 = a1
            st = self._main_state(doc)
            a1 = st if st is not None and (a2 is None or not self._same_side(st, a2)) else None
        if etype == "Protests" and a1 is None:
            a1 = Actor("", f"Protesters ({self._country_name(doc)})".replace(" ()", ""), "protesters")

        camps = False  # the sides were taken from the article, not named here
        if sub == "Agreement" and a1 is None:
            # a truce with no side named is between the article's armed camps ("دخلت الهدنة حيز
            # التنفيذ في الغوطة" in an article on the regime and the rebels)
            st = self._main_state(doc)
            a1 = self._main_adversary(doc, st) if st is not None else None
            if a1 is not None:
                a2, camps = st, True
        ds, de, prec = self._date(doc, si, t, by_sent["date"].get(si, []))
        published = doc.published
        assert published is not None  # Pipeline.run dates every document before its stages
        if de < published - timedelta(days=365) or ds > published + timedelta(days=1):
            return []  # history or future: not news of an event
        if de - ds > timedelta(days=366):
            return []  # years of a war summed up ("منذ عام 2012"): history, not an event

        names = by_sent["actor"].get(si, []) + by_sent["source"].get(si, [])
        # not a place inside a name ("مركز دمشق الإعلامي") or where the reporter is ("وقال مراسلنا في إدلب")
        src_ends = {s_.tok_end for s_ in srcs}
        places_here = [p for p in by_sent["place"].get(si, [])
                       if not any(n.start <= p.start and p.end <= n.end for n in names)
                       and not (p.tok_start - 1 in src_ends and doc.tokens[p.tok_start - 1].text == "في")
                       and not self._headquarters(doc, p)
                       and not self._backer(doc, p)]
        others = [o for o in chosen if o is not t and o.value.cls != t.value.cls]
        places, fallback, pointed = self._places(doc, si, t, places_here, others, etype)
        if not places:
            return []
        if inherited is not None and a1 is not None and places[0].admin1 and \
                self._a1_admin.get(inherited) not in (None, places[0].admin1):
            # ... of the same governorate: the rebels who shelled Damascus did not strike Idlib
            st = self._main_state(doc)
            a1 = st if st is not None and (a2 is None or not self._same_side(st, a2)) else None
        if fallback and any(a.value.inter == "state" and self.iso2_of.get(a.value.country or "") not in (
                None, doc.focus_country) and any(w in a.value.name for w in _HOME_INSTITUTIONS) for a in actors):
            # "أعلنت السلطات الكندية مقتل 4 أشخاص": a state's home institutions speak of their own
            # country, not of the governorate the article is about (foreign armies do operate there)
            return []
        if fallback:
            # with no place named, only a well-supported statement is an event: two of
            # a date of its own, a toll, both sides, an attributed source
            # (a place pointed back to, "في المدينة", is one too, and so is a place named in the
            # act's clause that the gazetteer lacks: "كمين نصب عند جسر مسور بمنطقة خولان")
            named = any(p.value.unresolved and self.clause[p.tok_start] == self.clause[t.tok_start] for p in places_here)
            support = (bool(by_sent["date"].get(si)) + bool(counts.keys() - {"civ"})
                       + (a1 is not None and a2 is not None and not camps)
                       + bool(srcs) + pointed + named
                       # an agreement has passed its own test, an act told as done ("دخل حيز التنفيذ")
                       + (sub == "Agreement"))
            if support < 2:
                return []
            # a place pointed back to is named, for merging, as any other
            fallback = not pointed
        s, e = doc.sentence_span(si)
        evidence = doc.text[s:e].strip()
        out: list[tuple[Event, bool]] = []
        for i, pl in enumerate(places):
            ev = Event(etype, sub, ds, de, prec, a1, a2, pl, civilian_targeting=civ,
                       evidence=evidence, evidence_span=(s, e))
            ev.spans["trigger"] = (t.start, t.end)
            if pl.span:
                ev.spans["location"] = pl.span
            for k in ("actor1", "actor2"):
                a = getattr(ev, k)
                if a is not None and a.span:
                    ev.spans[k] = a.span
            if len(places) == 1:  # a toll shared by several places stays with none of them (codebook 6)
                for k, v in counts.items():
                    if k in ("civ",):
                        continue
                    if k.endswith("_span"):
                        ev.spans[k[:-5]] = v
                    else:
                        setattr(ev, k, v)
            out.append((ev, fallback))
        return out

    def _subsumed(self, doc: Document, t: Span, types: set[str]) -> bool:
        """Destruction an attack of the same sentence caused is part of that attack."""
        cls = self.classes[t.value.cls]
        if not (set(cls.get("not_with", ())) & types):
            return False
        forms = cls.get("not_with_forms")
        if not forms:
            return True
        w = doc.norm.text[doc.tokens[t.tok_start].start:doc.tokens[t.tok_end - 1].end]
        return any(w.endswith(fold_key(f)) for f in forms)

    @staticmethod
    def _form(doc: Document, t: Span) -> str:
        """Whether a weak bombardment word names the weapon or the aiming."""
        w = doc.norm.text[doc.tokens[t.tok_start].start:doc.tokens[t.tok_end - 1].end]
        return "aim" if "ستهدف" in w else "weapon"

    def _points_back(self, doc: Document, t: Span, whole: bool = False) -> bool:
        """The trigger's clause (``whole``: its sentence up to that clause) names its place by
        reference: "في تلك المدينة", "في المنطقة ذاتها"."""
        toks, c = doc.tokens, self.clause[t.tok_start]
        lo = t.tok_start
        while lo > 0 and self.clause[lo - 1] == c:
            lo -= 1
        if whole:
            lo = doc.sentences[toks[t.tok_start].sent].tok_start
        hi = t.tok_end
        while hi < len(toks) and self.clause[hi] == c:
            hi += 1
        words = [toks[k].text for k in range(lo, hi)]
        for i, w in enumerate(words[:-1]):
            nxt = words[i + 1]
            if w in ("تلك", "هذه", "ذات", "نفس") and nxt.removeprefix("ال") in _PLACE_TYPES:
                return True
            if w.removeprefix("ال") in _PLACE_TYPES and nxt in ("ذاتها", "نفسها", "ذاته", "نفسه"):
                return True
            if whole and w in ("في", "داخل") and nxt.startswith("ال") and nxt[2:] in _PLACE_TYPES \
                    and nxt[2:] not in ("محافظه", "مناطق", "مركز") and not (i + 2 < len(words) and words[i + 2].startswith("ال")):
                return True  # "في المدينة", "في المنطقة": the one just named (not "في المدينة القديمة")
        return False

    @staticmethod
    def _backer(doc: Document, p: Span) -> bool:
        """"الميليشيا الحوثية المدعومة من إيران": a backer named as a country is no place."""
        toks = doc.tokens
        if p.tok_start < 2 or toks[p.tok_start - 1].text not in ("من", "ل"):
            return False
        w = toks[p.tok_start - 2].text
        return any(w.endswith(x) for x in ("مدعومه", "مدعوم", "مدعومين", "مدعومون", "الموالي", "الموالين",
                                            "الموالية", "التابعه", "التابع", "حليف", "حليفه"))

    @staticmethod
    def _headquarters(doc: Document, p: Span) -> bool:
        """"المرصد الذي مقره في بريطانيا": where a source or group is based is no event's place."""
        toks = doc.tokens
        prev = [toks[k].text for k in range(max(0, p.tok_start - 2), p.tok_start)]
        return len(prev) == 2 and prev[1] in ("في", "ب") and prev[0].removeprefix("و") in (
            "مقره", "مقرها", "ومقره", "مقرهم", "تتخذ", "يتخذ", "ومقرها")

    def _needs_ok(self, t: Span, sent: Sentence, cues: list[Span], actors: Sequence[Span] = ()) -> bool:
        """A class that is violent only in context ("needs") has that context here."""
        cls = self.classes[t.value.cls]
        if cls.get("needs_in_sentence") and not set(cls["needs_in_sentence"]) & {c.value for c in cues} \
                and not any(a.value.inter in ("rebel", "militia") for a in actors):
            return False  # "اتفاقية لتشغيل العمالة المنزلية": no side of a conflict in it
        if not cls.get("needs"):
            return True
        reach = cls.get("needs_after")
        if reach is None or t.value.suffixed:  # "اعتراضه": the object named earlier in the sentence
            w0, w1 = self._window(t, sent)
            near = {c.value for c in cues if w0 <= c.tok_start < w1}
        else:
            near = {c.value for c in cues if t.tok_end <= c.tok_start < t.tok_end + int(reach)}
        return bool(set(cls["needs"]) & near)

    def _weak_counts(self, doc: Document, si: int, live: list[Span],
                     by_sent: dict[str, dict[int, list[Span]]]) -> bool:
        """A sentence that names only a toll or a bare "attack" codes an event only
        when it gives a figure, or names both a place and a time ("الهجوم، الذي
        وقع في دوما" alone refers back to an act, it does not report one)."""
        t = live[0]
        if self._counts(doc, si, t, by_sent["number"].get(si, [])):
            return True
        places = [p for p in by_sent["place"].get(si, []) if p.value.kind not in ("dateline", "country")]
        if not (places and by_sent["date"].get(si)):
            return False
        if all(doc.tokens[x.tok_start].text.removeprefix("ال").startswith(("جثث", "جثه", "جثت", "جثام")) for x in live):
            return False  # bodies with no count are what an act left ("الجثث التي لا تزال تحت الأنقاض")
        if all(x.value.cls == "bombard" and "ستهد" in doc.tokens[x.tok_start].text for x in live):
            # a bare "targeted" is an attack only when an armed side does it ("واستهدفت ميليشيا
            # الحوثي، الأحد، قرية ..."), not "الاستهداف المستمر لأساس الفكرة"
            # or with a weapon ("استهدفت عبوتان ناسفتان ...") or at a military target
            return any(a.value.inter in ("state", "rebel", "militia", "external", "identity")
                       for a in by_sent["actor"].get(si, [])) or any(
                c.value in ("air", "ground_weapons", "explosive", "drone", "military_target", "suicide")
                for c in by_sent["cue"].get(si, []))
        return True

    def _window(self, t: Span, sent: Sentence) -> tuple[int, int]:
        c = self.clause[t.tok_start]
        lo = t.tok_start
        while lo > sent.tok_start and self.clause[lo - 1] == c:
            lo -= 1
        hi = t.tok_end
        while hi < sent.tok_end and self.clause[hi] == c:
            hi += 1
        return min(lo, max(sent.tok_start, t.tok_start - 8)), max(hi, min(sent.tok_end, t.tok_end + 8))

    def _civilians_canonical(self, doc: Document) -> str:
        return f"Civilians ({self._country_name(doc)})" if doc.focus_country else "Civilians"

    def _country_name(self, doc: Document) -> str:
        """The article's country by name, as the actor lexicon writes it ("Syria", not "SY")."""
        cc = doc.focus_country or ""
        return self.country_names.get(cc, cc)

    def _main_state(self, doc: Document) -> Actor | None:
        """The state forces the article names most (ties: first named)."""
        counts: dict[tuple, list] = {}
        for sp in doc.spans.get("actor", ()):
            a = sp.value
            if a.inter == "state" and a.country:
                counts.setdefault((a.inter, a.country), [0, sp.start, a])[0] += 1
        if not counts:
            return None
        n, _, a = max(counts.values(), key=lambda v: (v[0], -v[1]))
        return a if n >= 2 else None

    def _main_adversary(self, doc: Document, a1: Actor) -> Actor | None:
        """The armed side of the other camp the article names most, at least twice: non-state
        armed groups against a state's forces, the main state against them."""
        if a1.inter == "state":
            counts: dict[str, list] = {}
            for sp in doc.spans.get("actor", ()):
                a = sp.value
                if a.inter in ("rebel", "militia", "identity") and not self._same_side(a, a1):
                    counts.setdefault(a.canonical, [0, sp.start, a])[0] += 1
            if not counts:
                return None
            n, _, best = max(counts.values(), key=lambda v: (v[0], -v[1]))
            return best if n >= 2 else None
        if a1.inter in ("rebel", "militia", "identity"):
            st = self._main_state(doc)
            return st if st is not None and not self._same_side(st, a1) else None
        return None

    def _opponent(self, a1: Actor, pairs: list[tuple[Actor, Actor]]) -> Actor | None:
        """The other side of the last fight the article gave for this side."""
        for x, y in reversed(pairs):
            if self._same_side(x, a1) and not self._same_side(y, a1):
                return y
            if self._same_side(y, a1) and not self._same_side(x, a1):
                return x
        return None

    def _continues_speech(self, doc: Document, si: int) -> bool:
        s = doc.sentences[si]
        first = [doc.tokens[k].text for k in range(s.tok_start, min(s.tok_end, s.tok_start + 2))]
        return any(w in ("واضاف", "واضافت", "وتابع", "وتابعت", "واوضح", "واوضحت", "واشار", "واشارت", "واكد", "واكدت")
                   for w in first)

    # ------------------------------------------------------------- sides
    def _sides(self, doc: Document, t: Span, actors: list[Span], etype: str,
               backing: set[int]) -> tuple[Actor | None, Actor | None]:
        """The act's author and its target or other side; ``backing``: the tokens of the sides
        named as support (``_supporting``), which are neither."""
        if not actors:
            return None, None
        toks = doc.tokens
        # (score, actor span); a score is an int, or an int + 0.5 for a side joined by و
        agents: list[tuple[float, Span]] = []
        targets: list[tuple[float, Span]] = []
        for a in actors:
            if a.tok_start >= t.tok_start and a.tok_end <= t.tok_end:
                agents.append((0, a))  # the trigger phrase names its agent ("الطائرات الحربية")
                continue
            prev = {st for k in range(max(0, a.tok_start - 2), a.tok_start) for st, _ in analyses(toks[k].text)}
            first = toks[a.tok_start].text
            # "للعناصر الإرهابية", "لقوات النظام": the preposition ل marks an object
            lam = first.startswith("لل") or (first.startswith("ل") and first[1:] in _LAM_HEADS)
            if lam and 0 <= a.tok_start - t.tok_end <= 2:
                lam = False  # right after the act, ل names its author: "قصف جوي مكثف لقوات النظام"
            is_target = bool(prev & _TARGET_MARKERS) or first.startswith(("علي", "ضد")) or lam \
                or a.value.inter == "civilians"  # civilians are victims, never the ones who act
            # victims: "اثنين من عناصر قوات الصحوة قُتلا", "مقتل 3 من عناصر الشرطة"
            near_toll = {self.cas_at.get(k) for k in range(a.tok_end, min(len(toks), a.tok_end + 2))} | \
                {self.cas_at.get(k) for k in range(max(0, a.tok_start - 3), a.tok_start)}
            if near_toll & {"killed", "injured"}:
                is_target = True
            explicit = a.tok_start >= t.tok_end and prev & _AGENT_MARKERS and a.value.inter != "civilians"
            # "قتلوا برصاص الجيش الإسرائيلي": whose bullets or fire it was is the author, wherever
            # the act's word stands
            shooter = a.tok_start >= 1 and toks[a.tok_start - 1].text in _FIRE_OF and a.value.inter != "civilians"
            if explicit or shooter:
                is_target = False
            if a.tok_start in backing:
                continue  # "بإسناد من طيران التحالف": a supporting side is neither author nor target
            dist = a.tok_start - t.tok_end if a.tok_start >= t.tok_end else t.tok_start - a.tok_end
            same_clause = self.clause[a.tok_start] == self.clause[t.tok_start]
            # Arabic is verb-first: an actor right after the trigger is its subject
            score = dist + (0 if same_clause else 20) + (0 if a.tok_start >= t.tok_end and dist <= 3 else 2)
            if explicit or shooter:
                score -= 10  # "إطلاق صاروخ ... من قبل الميليشيا الحوثية"
            (targets if is_target else agents).append((score, a))
        # "ميليشيات الحوثي وقوات صالح": a side joined by و to the one before it ranks with it
        ranked = sorted(agents, key=lambda x: x[1].tok_start)
        for i in range(1, len(ranked)):
            prev_sc, prev_a = ranked[i - 1]
            sc, a = ranked[i]
            if a.tok_start == prev_a.tok_end and toks[a.tok_start].text.startswith("و") and sc < prev_sc:
                ranked[i] = (prev_sc + 0.5, a)
        agents = ranked
        agents.sort(key=lambda x: x[0])
        targets.sort(key=lambda x: x[0])
        a1 = agents[0][1].value if agents else None
        a2 = None
        for _, sp in targets:
            if a1 is None or not self._same_side(sp.value, a1):
                a2 = sp.value
                break
        if a2 is None and etype == BATTLES:
            for _, sp in agents[1:]:
                if a1 is None or not self._same_side(sp.value, a1):
                    a2 = sp.value
                    break
        if a1 is None and a2 is not None and etype == BATTLES:
            # a fight with its sides both told as its objects: "11 عنصرا من الحرس الثوري قتلوا في
            # اشتباك مع مجموعة مسلحة"
            a1, a2 = a2, None
            for _, sp in targets:
                if not self._same_side(sp.value, a1):
                    a2 = sp.value
                    break
        return a1, a2

    @staticmethod
    def _describes(doc: Document, t: Span) -> bool:
        """A capture in a relative clause with no time of its own describes who holds a place:
        "مسلحي التنظيم الذين سيطروا على مناطق شاسعة في العراق وسوريا"."""
        k = t.tok_start - 1
        return k >= 0 and doc.tokens[k].text in ("الذين", "الذي", "التي", "اللذين", "اللتين", "اللذان")

    @staticmethod
    def _supporting(doc: Document, actors: Sequence[Span]) -> set[int]:
        """Tokens of the sides named as support ("بإسناد من طيران التحالف", "بمساندة الحشد الشعبي
        والطيران العسكري"): a side joined by و right after a supporting one supports too."""
        toks = doc.tokens
        out: set[int] = set()
        last_end = -1
        for a in sorted(actors, key=lambda x: x.tok_start):
            prev = {st for k in range(max(0, a.tok_start - 2), a.tok_start) for st, _ in analyses(toks[k].text)}
            joined = a.tok_start == last_end and toks[a.tok_start].text.startswith("و")
            # who holds the place is no side of the act either: "بلدة كفرسجنة التي تسيطر عليها
            # قوات مناوئة للنظام", "الخاضعة لسيطرة الحوثيين"
            holder = bool(prev & _HOLD_MARKERS) or (a.tok_start >= 2 and toks[a.tok_start - 1].text in ("عليها", "عليه")
                                                    and toks[a.tok_start - 2].text in _HOLD_VERBS)
            if prev & _SUPPORT_MARKERS or joined or holder:
                out.update(range(a.tok_start, a.tok_end))
                last_end = a.tok_end
        return out

    @staticmethod
    def _same_side(a: Actor, b: Actor) -> bool:
        """Same kind of side; for state forces, the same state (an unknown country agrees)."""
        if a.inter != b.inter:
            return False
        return a.inter != "state" or not (a.country and b.country) or a.country == b.country

    # ------------------------------------------------------------- date
    def _date(self, doc: Document, si: int, t: Span, dates: list[Span]) -> tuple[date, date, int]:
        published = doc.published
        assert published is not None  # Pipeline.run dates every document before its stages
        toks = doc.tokens
        if dates:
            # a "since" that compares ("للمرة الأولى منذ عام") does not date the act
            dates = [d for d in dates if not self._comparison(doc, si, d)]
        if dates:
            same = [d for d in dates if self.clause[max(0, d.tok_start)] == self.clause[t.tok_start]] or dates
            d = min(same, key=lambda d: abs(d.tok_start - t.tok_start))
            v: DateValue = d.value
            since = any(toks[k].text in ("منذ", "ومنذ") for k in range(max(doc.sentences[si].tok_start, d.tok_start - 12),
                                                                      d.tok_start))
            if since and not v.relative and v.end < published and self._has_toll(doc, si):
                # "منذ كثفت الحكومة عملياتها ... في 18 فبراير": an aggregate from then until now
                return v.start, published, 2
            return v.start, v.end, v.precision
        return published, published, 2

    def _comparison(self, doc: Document, si: int, d: Span) -> bool:
        """The date follows "منذ" after a word of comparison: "أعنف هجوم منذ نحو 3 أعوام"."""
        toks = doc.tokens
        s0 = doc.sentences[si].tok_start
        for k in range(min(d.tok_start, len(toks) - 1), max(s0, d.tok_start - 3) - 1, -1):
            if toks[k].text in ("منذ", "ومنذ"):
                return any(toks[j].text in self.compare_words for j in range(max(s0, k - 3), k))
        return False

    @staticmethod
    def _focused(doc: Document) -> bool:
        """Whether most place mentions of the article are in its focus country."""
        cc = [sp.value.country for sp in doc.spans.get("place", ())
              if sp.value is not None and sp.value.country and sp.value.kind != "dateline"]
        return bool(cc) and cc.count(doc.focus_country) >= 0.4 * len(cc)

    def _has_toll(self, doc: Document, si: int) -> bool:
        """A figure of killed or injured in the sentence ("قتل أكثر من 1100 شخص ...")."""
        for n in doc.spans.get("number", ()):
            if n.sent == si and any(self.cas_at.get(k) in ("killed", "injured", "victims")
                                    for k in range(n.tok_end, n.tok_end + 3)):
                return True
        return False

    # ------------------------------------------------------------- places
    def _places(self, doc: Document, si: int, t: Span, places: list[Span],
                others: Sequence[Span] = (), etype: str = "") -> tuple[list[Place], bool, bool]:
        """The act's places, whether they are the article's fallback, and whether the sentence
        pointed back to them ("في تلك المدينة", "في المدينة")."""
        cands = [p for p in places if p.value.kind != "dateline"]
        # a place in another clause that has a trigger of its own belongs to that trigger; one far
        # away, or past a clause that points back ("في تلك المدينة"), belongs to another statement
        c = self.clause[t.tok_start]
        if not any(self.clause[p.tok_start] == c for p in cands):
            claimed = {self.clause[o.tok_start] for o in others} - {c}
            back = self._points_back(doc, t)
            if back and etype in self._last_loc:
                # "في تلك المدينة": the place of the same kind of act told just before
                return [self._last_loc[etype]], True, True
            if not cands and "*" in self._last_loc and self._points_back(doc, t, whole=True):
                # a sentence with no place but "في المدينة": the place of the last act told
                # ("أعلن الجيش عن مقتل زعيم القاعدة في المدينة" after Derna's)
                return [self._last_loc["*"]], True, True
            near = 15 if not back else -1
            cands = [p for p in cands if self.clause[p.tok_start] not in claimed
                     and min(abs(p.tok_start - t.tok_end), abs(t.tok_start - p.tok_end)) <= near]
        toks = doc.tokens
        # a coarser place right after a finer one qualifies it ("القرداحة في ريف اللاذقية")
        qualifiers = set()
        for a, b in zip(cands, cands[1:]):
            if 0 <= b.tok_start - a.tok_end <= 2 and self._coarser(b.value, a.value) and a.value.lat is not None:
                qualifiers.add(id(b))
        cands = [p for p in cands if id(p) not in qualifiers]
        if cands:
            # the place after the act in its clause ("قصف ... على إسرائيل"), then before it; a whole
            # country loses to a finer place in the same position
            def rank(p: Span) -> tuple[int, int, bool, int]:
                after = p.tok_start >= t.tok_end
                same = self.clause[p.tok_start] == c
                dist = p.tok_start - t.tok_end if after else t.tok_start - p.tok_end
                return (0 if same else 1, 0 if after else 1, p.value.kind == "country", dist)
            cands.sort(key=rank)
            first = cands[0]
            chosen = [first]
            # coordination: "A و B", "A وB وC" after the trigger, same clause
            if first.tok_start >= t.tok_end:
                last = first
                for p in sorted((p for p in cands if p.tok_start > first.tok_start), key=lambda p: p.tok_start):
                    if self.clause[p.tok_start] != self.clause[last.tok_start]:
                        break
                    gap = [toks[k].text for k in range(last.tok_end, p.tok_start)]
                    joined = toks[p.tok_start].text.startswith("و") or (gap and gap[0].startswith("و"))
                    if joined and all(g == "و" or g.removeprefix("و") in _PLACE_TYPES for g in gap):
                        chosen.append(p)
                        last = p
                    else:
                        break
            out, names = [], set()
            for p in chosen:
                pl = p.value
                if pl.name not in names and (pl.lat is not None or pl.admin1):
                    names.add(pl.name)
                    out.append(pl)
            if out:
                return out, False, False
            # unresolved villages: the nearest located place of the sentence stands for
            # them ("وفي ريف إدلب الجنوبي، قصفت ... بلدتي تلمنس ومعرشمشة"), at least precision 2
            located = [p for p in cands if p.value.lat is not None and p.value.kind != "country"]
            if located:
                pl = located[0].value
                pl = pl.copy()
                pl.geo_precision = max(2, pl.geo_precision)
                return [pl], False, False
        if not self._focused(doc):
            return [], True, False  # a roundup of many countries has no governorate to fall back to
        if doc.focus_admin1 is not None:
            pl = doc.focus_admin1.copy()
            pl.span = None
            return [pl], True, False
        if doc.focus_country:
            fc = next((p for p in doc.places if p.kind == "country" and p.country == doc.focus_country), None)
            if fc is not None:
                pl = fc.copy()
                pl.span = None
                return [pl], True, False
        return [], True, False

    @staticmethod
    def _coarser(b: Place, a: Place) -> bool:
        rank = {"settlement": 1, "unknown": 1, "front": 2, "relative": 2, "road": 2, "region": 2, "admin1": 3,
                "country": 4}
        rb = max(rank.get(b.kind, 1), b.geo_precision)
        ra = max(rank.get(a.kind, 1), a.geo_precision)
        return rb > ra or (b.kind in ("relative", "region", "admin1", "country") and rb >= ra and b.name != a.name)

    # ------------------------------------------------------------- counts
    def _counts(self, doc: Document, si: int, t: Span, numbers: list[Span]) -> dict:
        out: dict = {}
        toks = doc.tokens
        sent = doc.sentences[si]
        if not numbers:
            self._singular_counts(doc, sent, out, set())
            return out
        starts = {n.tok_start for n in numbers}
        cat_of: list[tuple[Span, str, str | None]] = []  # number, its group, its sub-group
        noun_end: dict[int, int] = {}  # number's first token -> the token after its child/woman noun
        for n in numbers:
            q: Quantity = n.value
            i0, i1 = n.tok_start, n.tok_end
            after = [self.cas_at.get(k) for k in range(i1, min(sent.tok_end, i1 + 3))]
            prev_num = max((m.tok_end for m in numbers if m.tok_end <= i0), default=sent.tok_start)
            # verb first, object late: "قتلت عبوة ناسفة زرعتها ميليشيا الحوثي، الثلاثاء، ثلاثة مدنيين"
            before = [self.cas_at.get(k) for k in range(max(sent.tok_start, prev_num, i0 - 10), i0)]
            if after and after[0] == "things":
                continue  # "في ثلاثة مستشفيات", "160 قذيفة": a count of things, not of people
            if q.value is not None and 1900 <= q.value <= 2035 and q.text.isdigit() and not q.qualifier \
                    and (not after or after[0] not in ("victims", "children", "women", "killed", "injured", "another")):
                continue  # a year: "الذين قتلوا في محاولة 1953 الانقلابية"
            group: str | None = None
            sub: str | None = None
            own = self.cas_at.get(i0)
            if after and after[0] in ("killed", "injured") and i1 - i0 == 1 and q.value == 2 \
                    and toks[i1].text.startswith("و") and dual_count(toks[i0].text) is not None:
                # a dual is its own noun: the toll after it starts the next clause
                # ("قتل فلسطينيان وأصيب آخر")
                after[0] = None
            if i1 - i0 == 1 and own in ("killed", "injured"):
                # a dual noun is its own count: "وأوقعت قتيلين و24 جريحا"
                after.insert(0, own)
            if i1 - i0 == 1 and own in ("children", "women"):
                # a dual noun counts itself: "بينهم طفلان وامرأة" is two children (and one woman)
                sub = own
                noun_end[n.tok_start] = i1
            elif after and after[0] in ("children", "women"):
                # the counted noun right after the number
                sub = after[0]
                noun_end[n.tok_start] = i1 + 1
            if after and after[0] == "victims":
                if any(k for k in after[1:] if k in ("children",)):
                    sub = sub or None
            if i1 in self.combined_at:
                cat_of.append((n, "combined", None))  # "ما يقارب 1000 قتيل وجريح"
                continue
            if after and after[0] in ("killed", "injured"):
                group = after[0]
                if toks[i1].text.startswith("و") and i0 - 1 >= sent.tok_start \
                        and self.cas_at.get(i0 - 1) in ("killed", "injured"):
                    # the toll right before the figure is its own; the one after starts the
                    # next clause: "فقتل اثنين وجرح ثالثا", "كما قتل 16 وجرح أكثر من 30"
                    group = self.cas_at.get(i0 - 1)
            if q.value in (1, 2) and (toks[i0].text.startswith("واحد") or not toks[i0].text.startswith("و")) and i0 - 2 >= sent.tok_start \
                    and self.cas_at.get(i0 - 1) in ("victims", "children", "women"):
                if self.cas_at.get(i0 - 2) in ("killed", "injured"):
                    # a numeral after its noun belongs to the toll before it: "مقتل شخص واحد، وإصابة
                    # سبعة آخرين" is one killed (not one injured)
                    group = self.cas_at.get(i0 - 2)
                elif group is not None and i1 < sent.tok_end and toks[i1].text.startswith("و"):
                    # ... and one in a breakdown is no toll of the next clause: "مقتل 25 شخصا بينهم 12
                    # جنديا وطفل واحد، وإصابة 25"
                    continue
            chained = bool(cat_of) and cat_of[-1][1] == "breakdown" and i0 - cat_of[-1][0].tok_end <= 2
            if sub and ("breakdown" in before[-3:] or chained):  # "بينهم 5 أطفال و4 نساء"
                cat_of.append((n, "breakdown", sub))
                continue
            if group is None:
                for w in reversed(before):
                    if w in ("killed", "injured"):
                        group = w
                        break
                    if w == "breakdown":
                        break
                # "مقتل وجرح 30", "مقتل وإصابة أكثر من 30": the two words side by side right
                # before the figure -> a combined toll (not "مقتل فلسطيني وإصابة 14")
                # A singular victim before the pair is the first word's own subject: "بأن طفلا
                # قتل وأصيب أربعة مدنيين" is one killed, four injured
                near_at = list(range(max(sent.tok_start, prev_num, i0 - 3), i0))
                pair_at = [k for k in near_at[:-1] if {self.cas_at.get(k), self.cas_at.get(k + 1)} == {"killed", "injured"}]
                if not any(g in ("killed", "injured") for _, g, _ in cat_of) and pair_at \
                        and (pair_at[0] - 1) not in self.singular_at:
                    cat_of.append((n, "combined", None))
                    continue
            if group is None:
                # "84 شخصا قتلوا", "11 عنصرا من التعبئة (الباسيج) ومن الحرس الثوري قتلوا"
                nxt_num = min((m.tok_start for m in numbers if m.tok_start >= i1), default=sent.tok_end)
                # a toll word with its own victim after it is not this figure's: in "منطقة سبع
                # البور شمالي بغداد أدى إلى مقتل شخص" the "seven" of a place name counts nobody
                for k in range(i1 + 1, max(min(sent.tok_end, i1 + 3), min(sent.tok_end, nxt_num, i1 + 9))):
                    w = self.cas_at.get(k)
                    if w == "none_of":
                        break  # "110 صواريخ ... دون مقتل أي مدني"
                    if w in ("killed", "injured"):
                        own_obj = k + 1 < sent.tok_end and not toks[k + 1].text.startswith("و") and (
                            k + 1 in self.singular_at or k + 1 in starts
                            or self.cas_at.get(k + 1) in ("victims", "children", "women"))
                        if not own_obj:  # "11 شخصا قتلوا و32 أصيبوا" keeps its toll
                            group = w
                        break
            if group is None:
                continue
            if "cumulative" in before or "cumulative" in [self.cas_at.get(k) for k in range(i1, min(sent.tok_end, i1 + 4))]:
                continue  # a running total ("ليرتفع عدد القتلى إلى 305", "40 ألف قتيل منذ 1984")
            cat_of.append((n, group, sub))
        # a single child or woman in a breakdown counts one: "بينهم امرأة", "بينهم 3 أطفال وامرأة"
        items: list[tuple[int, Span | None, str, str | None]] = [(n.tok_start, n, g, sb) for n, g, sb in cat_of]
        ends = {noun_end[n.tok_start] for n, g, _ in cat_of if g == "breakdown" and n.tok_start in noun_end}
        for k in range(sent.tok_start, sent.tok_end):
            kind = self.cas_at.get(k)
            if k in self.singular_at and kind in ("children", "women") and k not in starts \
                    and (self.cas_at.get(k - 1) == "breakdown" or k in ends):
                items.append((k, None, "breakdown", kind))
                ends.add(k + 1)  # "بينهم امرأة وطفل"
        items.sort(key=lambda it: it[0])
        lm = None
        for _, sp, group, sub in items:
            if sp is None:
                if lm:
                    key = ("children_" if sub == "children" else "women_") + ("killed" if lm == "killed" else "injured")
                    out.setdefault(key, 1)
                continue
            n = sp
            q = n.value
            if group == "combined":
                out.setdefault("fatalities_text", q.text)
                continue
            if group == "breakdown":
                if lm and q.value is not None:
                    key = ("children_" if sub == "children" else "women_") + ("killed" if lm == "killed" else "injured")
                    out.setdefault(key, q.value)
                continue
            lm = group
            field = "fatalities" if group == "killed" else "injuries"
            if field in out or (field + "_text") in out:
                continue
            if q.value is None:
                out[field + "_text"] = q.text
            else:
                out[field] = q.value
                if sub:
                    out[("children_" if sub == "children" else "women_") + group] = q.value
            out[field + "_span"] = (n.start, n.end)
            nxt = toks[n.tok_end].text if n.tok_end < len(toks) else ""
            if "مدني" in nxt or "مدنيين" in nxt or sub:
                out["civ"] = True
        if "fatalities" not in out or "injuries" not in out:
            # a toll the figures leave out: "مقتل امرأة وإصابة 7 مدنيين". Not the counted noun
            # of a figure ("21 طفلا") nor a singular in a breakdown (counted above)
            taken = starts | {n.tok_end for n in numbers} | {k for k, _, g, _ in items if g == "breakdown"}
            self._singular_counts(doc, sent, out, taken)
        return out

    def _singular_counts(self, doc: Document, sent: Sentence, out: dict, taken: set[int]) -> None:
        """A singular victim next to a killed/injured word counts one: "بأن طفلا قتل",
        "مقتل زعيم القاعدة"; fills only the fields ``out`` lacks."""
        toks = doc.tokens
        cas_at = self.cas_at
        for k in range(sent.tok_start, sent.tok_end):
            if k in taken:
                continue
            if k not in self.singular_at:
                if cas_at.get(k) == "another" and cas_at.get(k - 1) in ("killed", "injured") \
                        and not toks[k].text.startswith("ال"):
                    toll = cas_at.get(k - 1)  # "وأصيب آخر"
                elif toks[k].text in ("احد", "احدي") and cas_at.get(k + 1) in ("victims", "children", "women") \
                        and cas_at.get(k - 1) in ("killed", "injured"):
                    toll = cas_at.get(k - 1)  # "وأصيب أحد المحتجين في ساقه": one of them
                else:
                    continue
            else:
                # the toll word it belongs to: the one before it ("مقتل شخص وجرح أربعة"), else
                # the one after it ("طفلا قتل وأصيب 15")
                toll = next((w for w in (cas_at.get(j) for j in (k - 1, k - 2, k + 1, k + 2))
                             if w in ("killed", "injured")), None)
            if toll is None or "none_of" in (cas_at.get(k - 1), cas_at.get(k - 2), cas_at.get(k - 3)):
                continue
            field = "fatalities" if toll == "killed" else "injuries"
            if field not in out and (field + "_text") not in out:
                out[field] = 1
                s_, e_ = doc.orig_span(toks[k].start, toks[k].end)
                out[field + "_span"] = (s_, e_)

    # ------------------------------------------------------------- merging
    def _merge(self, items: list[tuple[Event, int, bool]]) -> list[Event]:
        merged: list[tuple[Event, bool]] = []
        sent_of: dict[int, set[int]] = {}  # merged index -> sentences it came from
        for ev, si, fallback in items:
            loc = ev.location
            assert loc is not None  # every assembled event has a place (_events_for)
            target = None
            apart = False  # merged by their toll though placed apart
            for j, (m, mfb) in enumerate(merged):
                if m.event_type != ev.event_type:
                    continue
                if (fallback or mfb) and si in sent_of.get(j, ()):
                    target = j  # one sentence, one type, one side without a place: the same act
                    break
                if not (ev.date_start <= m.date_end + timedelta(days=1) and m.date_start <= ev.date_end + timedelta(days=1)):
                    continue
                mloc = m.location
                assert mloc is not None  # every assembled event has a place (_events_for)
                # the same toll of the same kind of act on the same day is the same act told twice,
                # once summed up and once in detail ("مقتل 19 مسلحا من داعش شمال شرق بغداد" and
                # "تمكنت من قتل 19 مسلحا من داعش ... لولاية جبال حمرين")
                same_toll = ev.fatalities is not None and ev.fatalities >= 3 and ev.fatalities == m.fatalities \
                    and ev.sub_event_type == m.sub_event_type and loc.country == mloc.country
                placed_apart = not self._same_place(loc, mloc, fallback or mfb)
                if placed_apart and not same_toll:
                    continue
                if (fallback or mfb) and mloc.name != loc.name and m.actor2 is not None \
                        and ev.actor2 is not None and not self._same_side(m.actor2, ev.actor2):
                    continue  # a placeless act against another side is another act
                if not self._compatible_sides(ev, m):
                    continue
                if m.event_type == BATTLES and m.sub_event_type != ev.sub_event_type and not (fallback or mfb):
                    continue  # a capture and a clash reported apart, each with its place, stay apart
                target, apart = j, placed_apart
                break
            if target is None:
                sent_of[len(merged)] = {si}
                merged.append((ev, fallback))
                continue
            sent_of[target].add(si)
            m, mfb = merged[target]
            if apart and not fallback and not mfb and m.location is not None and loc.geo_precision < m.location.geo_precision:
                # told twice in two places: the finer one
                m.location = loc
                if "location" in ev.spans:
                    m.spans["location"] = ev.spans["location"]
            if (mfb and not fallback) or (id(m) in self._weak and id(ev) not in self._weak and mfb == fallback):
                # the named place is better than the fallback; the act better than its toll
                ev2 = self._fill(ev, m)
                merged[target] = (ev2, False)
            else:
                merged[target] = (self._fill(m, ev), mfb and fallback)
        return [m for m, _ in merged]

    def _fold_into_protests(self, evs: list[Event]) -> list[Event]:
        """People shot by state forces where and when a demonstration was met with force are
        that demonstration's toll (ACLED codes them as the protest, "Excessive force against
        protesters"): "قتلوا برصاص الجيش الإسرائيلي خلال مواجهات على حدود القطاع" in an article on
        the border protests of that day."""
        protests = [e for e in evs if e.event_type == "Protests"
                    and e.sub_event_type in ("Excessive force against protesters", "Protest with intervention")]
        if not protests:
            return evs
        out: list[Event] = []
        for e in evs:
            if e.event_type == VAC and e.sub_event_type == "Attack" and (e.actor1 is None or e.actor1.inter == "state") \
                    and (e.actor2 is None or e.actor2.inter == "civilians"):
                host = next((p for p in protests if p.date_start <= e.date_end
                             and e.date_start <= p.date_end and p.location is not None and e.location is not None
                             and self._same_place(p.location, e.location, True)), None)
                if host is not None:
                    host.sub_event_type = "Excessive force against protesters"
                    if host.actor2 is None and e.actor1 is not None:
                        host.actor2 = e.actor1
                    self._fill(host, e)
                    continue
            out.append(e)
        return out

    @staticmethod
    def _same_place(a: Place, b: Place, either_fallback: bool) -> bool:
        if a.name == b.name:
            return True
        if either_fallback:
            return bool((a.admin1_code and a.admin1_code == b.admin1_code)
                        or (a.country and a.country == b.country and not (a.admin1_code and b.admin1_code)))
        d = _km(a, b)
        return d is not None and d <= 2.0

    def _compatible_sides(self, a: Event, b: Event) -> bool:
        if a.actor1 and b.actor1 and not self._same_side(a.actor1, b.actor1):
            # a fight told from either side: "X fought Y" and "Y was fought" (either way round)
            if a.event_type == BATTLES and ((b.actor2 and self._same_side(a.actor1, b.actor2))
                                            or (a.actor2 and self._same_side(b.actor1, a.actor2))):
                return True
            return False
        return True

    @staticmethod
    def _fill(keep: Event, other: Event) -> Event:
        """``keep`` with the fields it lacks taken from ``other``."""
        for k in ("actor1", "actor2"):
            # a side the kept report already names is not the other side too (a clash with the
            # army as its author merged with a toll that named the army as the shooter); a fight
            # told from the other side gives its other side
            if getattr(keep, k) is not None:
                continue
            mine = keep.actor2 if k == "actor1" else keep.actor1
            alts = [getattr(other, k)] + ([other.actor1, other.actor2] if keep.event_type == BATTLES else [])
            b = next((x for x in alts if x is not None and not (mine is not None and mine.canonical == x.canonical)), None)
            if b is not None:
                setattr(keep, k, b)
        for k in ("fatalities", "injuries", "fatalities_text", "injuries_text",
                  "children_killed", "women_killed", "children_injured", "women_injured"):
            if getattr(keep, k) is None and getattr(other, k) is not None:
                setattr(keep, k, getattr(other, k))
        if keep.event_type == "Protests":  # the merged protest is as forceful as its worst report
            sev = {"Peaceful protest": 0, "Protest with intervention": 1, "Excessive force against protesters": 2}
            if sev.get(other.sub_event_type, 0) > sev.get(keep.sub_event_type, 0):
                keep.sub_event_type = other.sub_event_type
        if other.time_precision < keep.time_precision:
            keep.date_start, keep.date_end, keep.time_precision = other.date_start, other.date_end, other.time_precision
        keep.civilian_targeting = keep.civilian_targeting or other.civilian_targeting
        for s in other.reported_by:
            if s not in keep.reported_by:
                keep.reported_by.append(s)
        for k, v in other.spans.items():
            keep.spans.setdefault(k, v)
        return keep
