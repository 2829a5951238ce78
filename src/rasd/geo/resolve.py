"""Place recognition and resolution.

:class:`PlaceRecognizer` finds the place names of an article (gazetteer names matched
on whole words after clitics), reads the words around each one and picks its referent:

* context words (``place_words.yaml``): triggers (``بلدة``, ``محافظة``), relative phrases
  (``ريف X الجنوبي``, ``شمال غرب X``, ``قرب X``), fronts (``محاور X``), locative
  prepositions (a country is a place only as a location, not as an actor);
* candidates are scored by the article's focus country (voted by the unambiguous
  mentions first), the governorate named right after the name ("كفرنبل بريف إدلب"),
  countries the article names, and population;
* a word after ``بلدة``/``قرية``/``منطقة``/... that the gazetteer lacks is kept as an
  unresolved place (``unresolved=True``, no coordinates), unless a place named right
  after it locates it ("قرية X في ريف إدلب", "X التابعة لمحافظة Y"): then it takes that
  place's coordinates with ``geo_precision`` 2 (3 for a governorate), still flagged;
  frequent words of the news (``place_common_words.yaml``) are never such names;
* a known name that the place after it contradicts ("العريش بعدن") is that unknown place,
  not the namesake abroad; a name after a given name ("علي الأحمدي") is a surname;
* roads ("الطريق الدولي M5", "طريق حلب - دمشق") are spans of kind ``road``, located only
  by a place named after them; datelines ("دبي، الإمارات العربية المتحدة (CNN)--") are
  places of kind ``dateline`` that never count for the focus.

``doc.places`` lists each distinct place once (codebook 9): mentions of one gazetteer
entry or one name ("إدلب", "محافظة إدلب", "ريف إدلب الجنوبي") are one place, listed as
first named; every mention keeps its own span and value.

Output: ``doc.spans["place"]`` (one Span per mention, value a :class:`Place`),
``doc.places`` (distinct places, first mention order), ``doc.focus_country`` (ISO2) and
``doc.focus_admin1`` (a precision-3 admin1 Place: the fallback location).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ..document import Document, Place
from ..resources import load
from ..text import wordindex
from ..text.normalize import fold_key
from ..text.segment import Token, analyses, key_of
from .gazetteer import ART, ART_TAIL, BARE, BARE_TAIL, NEEDS_TRIGGER, Admin1, Entry, Gazetteer, load_gazetteer

_AR_WORD = re.compile(r"^[\u0621-\u064a]+$")
# characters between two tokens that keep them in one phrase
_QUOTE_GAP = re.compile(r'^[\s\u00a0"\'«»“”(]*$')
def _admin1_of(gaz: Gazetteer, e: Entry) -> Admin1 | None:
    """``Gazetteer.admin1_of``, here so that it is compiled with its callers."""
    return gaz.admin1[e.admin1] if e.admin1 >= 0 else None


_BLOCK = object()   # payload of a phrase that blocks the place names inside it
_MISS = object()
_TANWEEN = "\u064b\u064c\u064d"
# endings of a word after "منطقة"/"مناطق" that make it an adjective or a possessed noun
# ("مناطق ريفية", "مناطق سيطرتهم"), not a name
_ADJ_ENDINGS = ("يه", "ها", "هم", "هما", "كم")
_DATELINE_DELIM = re.compile(r"\(|\)|--|[–—:]|\s-|-\s|\n")
# (compiled once here: ``re.match(r"...")`` in a hot path goes through the re module's
# cache, an interpreted call each time)
_SPACES_COMMAS = re.compile(r"[\s،,]*")
_WORD_CHAR = re.compile(r"\w")
_DASH = re.compile(r"[–—-]")
_ROAD_GAP = re.compile(r"\s*[-–—/]\s*")


def _stem_set(words) -> set[str]:
    """Single-word keys (folded, article off) of a word list; phrases are skipped."""
    out = set()
    for w in words or ():
        k = key_of(fold_key(w))
        if len(k) == 1:
            out.add(k[0])
    return out


@dataclass(slots=True, init=False)
class _Mention:
    i0: int                   # phrase token range (relative/trigger words included)
    i1: int
    n0: int                   # the name's own token range
    n1: int
    fstart: int               # folded offsets of the phrase, clitics excluded
    fend: int
    cands: list[int]          # entry indices still possible
    trigger: str | None = None        # "settlement" / "admin"
    weak_trigger: bool = False        # "منطقة", "مناطق": not enough for names that need a trigger
    list_trigger: bool = False
    rel: str | None = None            # "countryside" / "near" / "direction" / "front"
    vec: tuple[float, float] = (0.0, 0.0)
    locative: bool = False
    dateline: bool = False
    unknown: bool = False
    road: bool = False                # "الطريق الدولي M5", "طريق حلب-دمشق"
    in_road: bool = False             # a town that names a road ("حلب" in "طريق حلب-دمشق")
    chosen: int = -1
    place: Place | None = None
    ctx_admin1: int = -1
    ctx_country: str | None = None
    anchor: int = -1                  # entry of the place that qualifies it ("X بريف إدلب")
    anchor_strict: bool = False       # qualified by "في"/"ب"/"التابعة ل" (not "من")
    nt: frozenset = frozenset()       # candidates that need a trigger word
    adj_country: str | None = None    # "دوما السورية"

    # written out (not generated by dataclass): compiled, it is a native call
    def __init__(self, i0: int, i1: int, n0: int, n1: int, fstart: int, fend: int, cands: list[int],
                 trigger: str | None = None, weak_trigger: bool = False, list_trigger: bool = False,
                 rel: str | None = None, vec: tuple[float, float] = (0.0, 0.0), locative: bool = False,
                 dateline: bool = False, unknown: bool = False, road: bool = False, in_road: bool = False,
                 chosen: int = -1, place: Place | None = None, ctx_admin1: int = -1,
                 ctx_country: str | None = None, anchor: int = -1, anchor_strict: bool = False,
                 nt: frozenset = frozenset(), adj_country: str | None = None) -> None:
        self.i0 = i0
        self.i1 = i1
        self.n0 = n0
        self.n1 = n1
        self.fstart = fstart
        self.fend = fend
        self.cands = cands
        self.trigger = trigger
        self.weak_trigger = weak_trigger
        self.list_trigger = list_trigger
        self.rel = rel
        self.vec = vec
        self.locative = locative
        self.dateline = dateline
        self.unknown = unknown
        self.road = road
        self.in_road = in_road
        self.chosen = chosen
        self.place = place
        self.ctx_admin1 = ctx_admin1
        self.ctx_country = ctx_country
        self.anchor = anchor
        self.anchor_strict = anchor_strict
        self.nt = nt
        self.adj_country = adj_country


def _adjacent(toks: list[Token], ftext: str, lo: int, sent: int, jj: int) -> bool:
    """Whether token jj (not before ``lo``) and the next one stand together in sentence
    ``sent`` (see ``PlaceRecognizer._context``; a function, not a closure, so that the
    compiled call is native)."""
    if jj < lo:
        return False
    a, b = toks[jj], toks[jj + 1]
    if a.sent != sent:
        return False
    return (b.start - a.end == 1 and ftext[a.end] == " ") or PlaceRecognizer._gap_ok(ftext, a, b)


class PlaceRecognizer:
    """Build once (loads the gazetteer), call per document."""

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        self.gaz = gazetteer or load_gazetteer()
        w = load("place_words.yaml")
        self.settle_trig = _stem_set(w.get("settlement_triggers"))
        self.admin_trig = _stem_set(w.get("admin_triggers"))
        self.list_trig = _stem_set(w.get("list_triggers"))
        self.weak_trig = _stem_set(w.get("weak_triggers"))
        self.unknown_trig = _stem_set(w.get("unknown_triggers"))
        self.two_word_heads = _stem_set(w.get("two_word_heads"))
        self.name_suffixes = {fold_key(x) for x in w.get("name_suffixes") or ()}
        self.countryside = _stem_set(w.get("countryside"))
        self.near = _stem_set(w.get("near"))
        self.front = _stem_set(w.get("front"))
        self.dirs: dict[str, tuple[float, float]] = {}
        for d in (w.get("directions") or {}).values():
            for word in d["words"]:
                for s in _stem_set([word]) | {fold_key(word)}:
                    self.dirs[s] = (float(d["vector"][0]), float(d["vector"][1]))
        self.offsets = w.get("relative_offset_km") or {}
        self.locative = _stem_set(w.get("locative_words"))
        self.fire_words = _stem_set(w.get("fire_words"))
        self.loc_clitics = tuple(fold_key(c) for c in w.get("locative_clitics") or ())
        self.stop_words = (self.settle_trig | self.admin_trig | self.countryside | self.near | self.front
                           | set(self.dirs) | self.locative | _stem_set(w.get("stop_names"))
                           | _stem_set(w.get("unknown_stop")))
        self.not_after = _stem_set(w.get("not_after"))
        self.qual_links = {fold_key(x) for x in w.get("qualifier_links") or ()}
        self.given_names = {fold_key(x) for x in w.get("given_names") or ()}
        self.needs_locative = {key_of(fold_key(x)) for x in w.get("needs_locative") or ()}
        # frequent words of the news that are not names (only for names the gazetteer lacks)
        self.common = {fold_key(x) for x in load("place_common_words.yaml").get("words") or ()}
        # the name index: the gazetteer's keys plus the phrases that block a place
        # ("فيلق القدس"), matched in one leftmost-longest pass
        self.names: dict[tuple[str, ...], object] = dict(self.gaz.names)
        self.prefixes: set[tuple[str, ...]] = set(self.gaz.prefixes)
        for ph in w.get("not_places") or ():
            key = key_of(fold_key(ph))
            if key:
                self.names[key] = _BLOCK
                self.prefixes.update(key[:i] for i in range(1, len(key)))
        self.firsts = {k[0] for k in self.names} | {k[0] for k in self.prefixes}
        # prefix -> the words that can follow it in a longer name
        self.next_of: dict[tuple[str, ...], set[str]] = {}
        for key in self.names:
            for i in range(1, len(key)):
                self.next_of.setdefault(key[:i], set()).add(key[i])
        # roads: "الطريق الدولي M5", "طريق حلب - دمشق الدولي", "أوتوستراد درعا-دمشق"
        self.road_heads = _stem_set(w.get("road_heads"))
        self.words_names = wordindex.register(stems=self.firsts)
        self.words_unknown = wordindex.register(stems=self.unknown_trig)
        self.words_roads = wordindex.register(stems=self.road_heads)
        self.road_adj = {fold_key(x) for x in w.get("road_adjectives") or ()}
        self.road_code_prefixes = {fold_key(x) for x in w.get("road_code_prefixes") or ()}
        self.road_links = {fold_key(x) for x in w.get("road_links") or ()}
        self._memo: dict[int, dict[str, tuple[str, int] | None]] = {}
        self._keys: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._first_hits: dict[str, tuple[tuple[str, int], ...]] = {}
        self.dir_set = set(self.dirs)
        self.adj_country: dict[str, str] = {}
        for rec in load("countries.yaml")["countries"]:
            for a in rec.get("adj") or ():
                for st in _stem_set([a]):
                    self.adj_country.setdefault(st, rec["iso2"])
        self.triggers = self.settle_trig | self.admin_trig
        # agency and outlet names of datelines, as whole-word patterns (longest first)
        phrases = sorted({fold_key(p) for p in w.get("dateline_words") or ()}, key=len, reverse=True)
        self.agency_re = re.compile(r"(?<![\w])(?:" + "|".join(re.escape(p) for p in phrases) + r")(?![\w])") \
            if phrases else None
        # the same names without the word-boundary checks: a pattern that opens with a plain
        # alternation is scanned for fast, and where it finds nothing neither does agency_re
        self.agency_any = re.compile("|".join(re.escape(p) for p in phrases)) if phrases else None
        # towns that are the seat of a governorate of the same name ("إدلب", "حلب")
        ents = self.gaz.entries
        self.seats: set[int] = set()
        for payload in self.gaz.names.values():
            a1s = {ents[e].admin1 for e, _ in payload if ents[e].kind == "admin1"}
            if a1s:
                self.seats.update(e for e, _ in payload if ents[e].kind == "settlement" and ents[e].admin1 in a1s)
        # governorates named after a countryside ("ريف دمشق") -> the town they surround
        self.countryside_admin1: dict[int, int] = {}
        for i, e in enumerate(ents):
            key = key_of(fold_key(e.ar)) if e.kind == "admin1" and e.ar else ()
            if len(key) > 1 and key[0] in self.countryside:
                towns = [t for t, _ in self.gaz.names.get(key[1:], ()) if ents[t].kind == "settlement"
                         and ents[t].country == e.country]
                self.countryside_admin1[i] = max(towns, key=lambda t: ents[t].population) if towns else -1

    # ------------------------------------------------------------------ API
    def __call__(self, doc: Document) -> None:
        toks = doc.tokens
        if not toks:
            return
        ftext = doc.norm.text
        gaz = self.gaz
        matches, blocked = self._find(toks, wordindex.positions(doc, self.words_names))
        text = doc.text
        tanween = "\u064b" in text or "\u064c" in text or "\u064d" in text   # (faster than a regex scan)
        blocked += self._actor_spans(doc)
        mentions: list[_Mention] = []
        inside = {k for b0, b1, _ in blocked for k in range(b0, b1)} if blocked else ()
        for i0, i1, ncl, payload in matches:
            if i0 in inside and any(b0 <= i0 and i1 <= b1 and (b1 - b0 > i1 - i0 or exact)
                                    for b0, b1, exact in blocked):
                continue
            fstart = toks[i0].start + ncl
            # no place name takes the clitic ك ("كبيرا" is not ك + "بيرا")
            if ncl and "ك" in toks[i0].text[:ncl]:
                continue
            # the article must agree: "الحول" is not "حول", "بيان" is not "البيان"
            want = ART if ftext.startswith(("ال", "لل"), fstart) else BARE
            if i1 - i0 > 1:   # and on the later words: "علي الشرقي" is not "على شرقي"
                want_tail = ART_TAIL if any(toks[k].text.startswith("ال") for k in range(i0 + 1, i1)) \
                    else BARE_TAIL
                cands = [eid for eid, fl in payload if fl & want and fl & want_tail]
            else:
                cands = [eid for eid, fl in payload if fl & want]
            if not cands:
                continue
            # nor tanween ("دوماً" is "always", not Douma); nor after "نادي", "صحيفة"
            fend = toks[i1 - 1].end
            if (tanween and self._tanween(doc, fend)) or self._after_blocker(doc, i0, fstart):
                continue
            mt = _Mention(i0, i1, i0, i1, fstart, fend, cands)
            mt.nt = frozenset(eid for eid, fl in payload if fl & NEEDS_TRIGGER)
            mentions.append(mt)
        # words after a trigger that the gazetteer lacks
        covered: set[int] = set()
        for mt in mentions:
            covered.update(range(mt.n0, mt.n1))
        mentions.extend(self._unknowns(doc, covered, blocked))
        mentions.sort(key=lambda x: x.n0)
        # context, left to right (lists inherit from the mention before)
        prev = None
        kept: list[_Mention] = []
        for mt in mentions:
            self._context(doc, mt, prev)
            if mt.nt and (not mt.trigger or mt.weak_trigger):
                mt.cands = [c for c in mt.cands if c not in mt.nt]
            if not mt.cands and not mt.unknown:
                continue
            if not mt.unknown and not (mt.trigger or mt.rel or mt.locative) and self._person_like(doc, mt):
                continue
            kept.append(mt)
            prev = mt
        mentions = kept
        if self.road_heads:
            mentions = self._roads(doc, mentions)
        self._datelines(doc, mentions)
        # the article's country: unambiguous located mentions vote
        focus = self._focus_country(mentions) or doc.focus_country
        mentioned: dict[str | None, int] = {}
        for mt in mentions:
            for cc in {gaz.entries[c].country for c in mt.cands if gaz.entries[c].kind == "country"}:
                mentioned[cc] = mentioned.get(cc, 0) + 1
        # resolve right to left: a name's qualifier ("بريف إدلب") is resolved before it
        for k in range(len(mentions) - 1, -1, -1):
            mt = mentions[k]
            nxt = mentions[k + 1] if k + 1 < len(mentions) else None
            if mt.road:   # what locates a road comes after the towns that name it
                nxt = next((m for m in mentions[k + 1:] if not m.in_road), None)
            self._qualifier(doc, mt, nxt)
            if mt.unknown:
                continue
            mt.chosen = self._choose(mt, focus, mentioned)
            if mt.chosen >= 0 and self._stray(mt, focus, mentioned):
                # a small town abroad in an article about another country, with nothing
                # pointing abroad: most likely an unlisted local place of the same name
                mt.chosen = -1
                mt.unknown = mt.trigger is not None
            elif mt.chosen >= 0 and mt.anchor_strict and self._disagrees(mt.chosen, mt.anchor):
                # "العريش بعدن": not the Arish the gazetteer knows, a place in Aden it lacks
                mt.chosen = -1
                mt.unknown = True
        # build places
        places: list[Place] = []
        seen: dict[tuple, int] = {}
        for mt in mentions:
            if mt.chosen < 0 and not mt.unknown:
                continue
            sp = doc.add_span("place", mt.fstart, mt.fend, "PLACE", None, mt.i0, mt.i1)
            pl = self._place(doc, mt, sp.start, sp.end, focus)
            sp.value = mt.place = pl
            if mt.road and pl.lat is None:
                # a road no place locates: a span for the events and the analyst, not a
                # place of the list (the towns that name it are)
                continue
            idents = self._identity(doc, mt)
            k = next((seen[i] for i in idents if i in seen), -1)
            if k < 0:
                k = len(places)
                places.append(pl)
            for i in idents:
                seen.setdefault(i, k)
        doc.places.extend(places)
        if focus:
            doc.focus_country = focus
        fa = self._focus_admin1(mentions, doc.focus_country)
        if fa is not None:
            doc.focus_admin1 = fa

    # ------------------------------------------------------------------ pieces
    def _find(self, toks: list[Token], cands: list[int] | None = None
              ) -> tuple[list[tuple], list[tuple[int, int, bool]]]:
        """Leftmost-longest matches of the name index: (tok_start, tok_end, clitic chars,
        payload) for places, and the token ranges of blocking phrases.  ``cands``: the
        positions of the tokens that can open a name (the document's word index), else
        all are tried."""
        names, next_of, firsts = self.names, self.next_of, self.firsts
        out: list[tuple] = []
        blocked: list[tuple[int, int, bool]] = []
        n = len(toks)
        end = 0
        fh = self._first_hits
        if len(fh) > 200_000:
            fh.clear()
        for i in (range(n) if cands is None else cands):
            tx = toks[i].text
            starts = fh.get(tx)
            if starts is None:
                starts = fh[tx] = tuple(a for a in analyses(tx) if a[0] in firsts)
            if not starts:
                continue
            if i < end:
                continue
            best = None
            for stem, ncl in starts:
                key: tuple[str, ...] = (stem,)
                j = i
                while True:
                    if key in names and (best is None or j + 1 > best[1]):
                        best = (i, j + 1, ncl, names[key])
                    follow = next_of.get(key)
                    if follow is None or j + 1 >= n:
                        break
                    j += 1
                    ext = None
                    for st, _ in analyses(toks[j].text):
                        if st in follow:
                            ext = key + (st,)
                            break
                    if ext is None:
                        break
                    key = ext
            if best is None:
                continue
            if best[3] is _BLOCK:
                blocked.append((best[0], best[1], True))
            else:
                out.append(best)
            end = best[1]
        return out, blocked

    @staticmethod
    def _actor_spans(doc: Document) -> list[tuple[int, int, bool]]:
        """Actor names that contain a place name ("مجلس منبج العسكري") block it; an actor
        span that is just the name ("تركيا") does not."""
        return [(sp.tok_start, sp.tok_end, False) for sp in doc.spans.get("actor", ())
                if sp.tok_start >= 0 and sp.tok_end > sp.tok_start + 1]

    @staticmethod
    def _tanween(doc: Document, fend: int) -> bool:
        """Whether the word ending at folded offset ``fend`` carries tanween in the original
        ("دوماً", "دومًا", "كبيراً"): a common noun or adverb, not a place name."""
        text = doc.text
        b = doc.norm.to_original(fend - 1, fend)[1]
        end = b
        while end < len(text) and ("\u064b" <= text[end] <= "\u065f" or text[end] == "\u0640"):
            end += 1
        return any(c in _TANWEEN for c in text[max(0, b - 3):end])

    def _after_blocker(self, doc: Document, i: int, fstart: int) -> bool:
        """"نادي ليفربول", "صحيفة «الشروق»": a name after such a word is not a place."""
        if i == 0 or fstart != doc.tokens[i].start:
            return False
        prev = doc.tokens[i - 1]
        gap = doc.norm.text[prev.end:fstart]
        if prev.sent != doc.tokens[i].sent or not (gap == " " or _QUOTE_GAP.match(gap)):
            return False
        return self._stem_in(prev, self.not_after) is not None

    def _stem_in(self, tok: Token, s: set[str]) -> tuple[str, int] | None:
        """The first (stem, clitic length) of ``tok`` in the word set ``s`` (memoised)."""
        memo = self._memo.get(id(s))
        if memo is None:
            memo = self._memo[id(s)] = {}
        text = tok.text
        got = memo.get(text, _MISS)
        if got is not _MISS:
            return got  # type: ignore[return-value]  # the memo holds only what this returns
        hit: tuple[str, int] | None = None
        for stem, ncl in analyses(text):
            if stem in s:
                hit = (stem, ncl)
                break
        if len(memo) > 100_000:
            memo.clear()
        memo[text] = hit
        return hit

    @staticmethod
    def _gap_ok(ftext: str, a: Token, b: Token, lists: bool = False) -> bool:
        """Only spaces (or, in a list, a comma) between two tokens."""
        g = ftext[a.end:b.start]
        if not g or g == " " or g.isspace():
            return True
        if not g.strip(" #_\u00a0"):  # a hashtag: "في جبهة #باقم شمال محافظة #صعدة"
            return True
        return lists and not g.strip(" \u00a0\t،,")

    def _context(self, doc: Document, mt: _Mention, prev: _Mention | None) -> None:
        """Read the words before and after the name: triggers, relative words, prepositions."""
        toks, ftext = doc.tokens, doc.norm.text
        sent = toks[mt.n0].sent
        first = toks[mt.n0]
        start, start_ncl = mt.n0, mt.fstart - first.start
        trig_pos = -1
        j = start - 1
        dn = de = 0.0
        ndir = 0

        lo = prev.i1 if prev is not None else 0   # never reach into the mention before

        # "بالقرب من X", "إلى الشمال من X"
        via_min = False   # "الشمال من": a compass noun with the article is allowed
        if _adjacent(toks, ftext, lo, sent, j) and toks[j].text == "من" and _adjacent(toks, ftext, lo, sent, j - 1):
            if self._stem_in(toks[j - 1], self.near):
                j -= 1
            elif self._stem_in(toks[j - 1], self.dir_set):
                via_min = True
                j -= 1
        # trigger word: "بلدة X", "في محافظة X", "المدينة X"; "محافظة" stays in the
        # name (the governorate, not its seat), "بلدة" does not
        if not via_min and _adjacent(toks, ftext, lo, sent, j) and toks[j + 1].text != "من":
            hit = self._stem_in(toks[j], self.triggers)
            if hit:
                mt.trigger = "admin" if hit[0] in self.admin_trig else "settlement"
                mt.weak_trigger = hit[0] in self.weak_trig
                mt.list_trigger = hit[0] in self.list_trig
                if mt.trigger == "admin":
                    start, start_ncl = j, hit[1]
                else:
                    trig_pos = j
                j -= 1
        # relative or front word: "ريف X", "قرب X", "محور X"
        if _adjacent(toks, ftext, lo, sent, j):
            for kind, words in (("countryside", self.countryside), ("near", self.near), ("front", self.front)):
                hit = self._stem_in(toks[j], words)
                if hit:
                    mt.rel = kind
                    mt.list_trigger = mt.list_trigger or hit[0] in self.list_trig
                    start, start_ncl, j = j, hit[1], j - 1
                    break
        # "الريف الشمالي لحلب": countryside + compass adjective(s) + لـX
        if mt.rel is None and toks[start].text[:start_ncl].endswith("ل"):
            jj, vn, ve, nd = j, 0.0, 0.0, 0
            while nd < 2 and _adjacent(toks, ftext, lo, sent, jj) and self._dir_adjective(toks[jj].text):
                v = self.dirs[toks[jj].text[2:]]
                vn, ve, nd = vn + v[0], ve + v[1], nd + 1
                jj -= 1
            hit = self._stem_in(toks[jj], self.countryside) if nd and _adjacent(toks, ftext, lo, sent, jj) else None
            if hit:
                mt.rel, dn, de, ndir = "countryside", vn, ve, nd
                start, start_ncl, j = jj, hit[1], jj - 1
        # compass words before: "شمال غرب X", "جنوبي ريف حلب", "إلى الشمال من X"
        while ndir < 2 and _adjacent(toks, ftext, lo, sent, j):
            hit = self._stem_in(toks[j], self.dir_set)
            if not hit or (self._has_article(toks[j], hit[1]) and not via_min):
                break
            v = self.dirs[hit[0]]
            dn, de, ndir = dn + v[0], de + v[1], ndir + 1
            start, start_ncl, j = j, hit[1], j - 1
        if ndir and mt.rel is None:
            mt.rel = "direction"
        # compass adjectives after: "ريف حلب الشمالي الغربي", "حلب الشرقية"
        k = mt.n1
        nadj = 0
        while nadj < 2 and k < len(toks) and toks[k].sent == sent and self._gap_ok(ftext, toks[k - 1], toks[k]):
            t = toks[k].text
            if not self._dir_adjective(t):
                break
            v = self.dirs[t[2:]]
            dn, de, nadj = dn + v[0], de + v[1], nadj + 1
            k += 1
        if nadj:
            mt.i1 = k
            mt.fend = toks[k - 1].end
            if mt.rel is None:
                mt.rel = "direction"
        n = math.hypot(dn, de)
        mt.vec = (dn / n, de / n) if n else (0.0, 0.0)
        # "دوما السورية": the country of the place
        k = mt.i1
        if k < len(toks) and toks[k].sent == sent and toks[k].text.startswith("ال") and \
                self._gap_ok(ftext, toks[k - 1], toks[k]):
            for stem, _ in analyses(toks[k].text):
                if stem in self.adj_country:
                    mt.adj_country = self.adj_country[stem]
                    break
        # the phrase starts at its first context word, clitics excluded
        if start < mt.n0:
            mt.i0 = start
            mt.fstart = toks[start].start + start_ncl
        clitic = toks[mt.i0].text[:start_ncl]
        if clitic and clitic.endswith(self.loc_clitics):
            mt.locative = True
        lead = min(mt.i0, trig_pos) if trig_pos >= 0 else mt.i0
        if _adjacent(toks, ftext, lo, sent, lead - 1) and self._stem_in(toks[lead - 1], self.locative):
            mt.locative = True
        # "أطلقوا 180 صاروخاً وقذيفة هاون على إسرائيل": "على" after fire is where it lands
        if not mt.locative and _adjacent(toks, ftext, lo, sent, lead - 1) and toks[lead - 1].text in ("علي", "وعلي") and any(
                self._stem_in(toks[k], self.fire_words) for k in range(max(0, lead - 6), lead - 1)):
            mt.locative = True
        if mt.rel is not None:
            mt.locative = True
        # lists: "بلدتي تلمنس ومعرشمشة", "في سوريا والعراق", "ريفي حماة وإدلب"
        if prev is not None and mt.i0 == mt.n0 and clitic.startswith("و") and prev.i1 == mt.n0 and \
                toks[prev.i1 - 1].sent == sent and self._gap_ok(ftext, toks[prev.i1 - 1], toks[mt.n0], lists=True):
            if prev.list_trigger and mt.trigger is None:
                mt.trigger, mt.list_trigger, mt.weak_trigger = prev.trigger, True, prev.weak_trigger
            if prev.list_trigger and prev.rel in ("countryside", "front") and mt.rel is None:
                mt.rel, mt.vec, mt.list_trigger = prev.rel, prev.vec, True
            if prev.locative:
                mt.locative = True

    def _name_key(self, toks: list[Token], mt: _Mention) -> tuple[str, ...]:
        """The gazetteer key of the name's own words (memoised)."""
        words = tuple(t.text for t in toks[mt.n0:mt.n1])
        k = self._keys.get(words)
        if k is None:
            if len(self._keys) > 100_000:
                self._keys.clear()
            k = self._keys[words] = key_of(" ".join(words))
        return k

    def _person_like(self, doc: Document, mt: _Mention) -> bool:
        """"علي الأحمدي", "صلاح الدين الجمالي": a name that is part of a person's name here
        (after a given name, or one of the names that are places only where located)."""
        toks = doc.tokens
        if self._name_key(toks, mt) in self.needs_locative:
            return True
        j = mt.n0 - 1
        if not (j >= 0 and mt.fstart == toks[mt.n0].start and toks[j].sent == toks[mt.n0].sent and
                toks[j].text in self.given_names and self._gap_ok(doc.norm.text, toks[j], toks[mt.n0])):
            return False
        # folding made "على" (on) and "علي" (Ali) alike: the name is written with ي
        a, b = doc.norm.to_original(toks[j].start, toks[j].end)
        return not doc.text[a:b].endswith("ى")

    def _dir_adjective(self, t: str) -> bool:
        """"الشمالي", "الجنوبية": a compass adjective (not the noun "الجنوب")."""
        return t.startswith("ال") and t[2:] in self.dirs and t.endswith(("ي", "يه"))

    @staticmethod
    def _has_article(tok: Token, ncl: int) -> bool:
        return tok.text[ncl:].startswith("ال")

    def _unknowns(self, doc: Document, covered: set[int], blocked) -> list[_Mention]:
        """Names after a trigger word that the gazetteer lacks ("بلدتي تلمنس ومعرشمشة")."""
        toks, ftext = doc.tokens, doc.norm.text
        out: list[_Mention] = []
        n = len(toks)
        trig = self.unknown_trig
        cands = wordindex.positions(doc, self.words_unknown)
        for i in [i for i, t in enumerate(toks) if not trig.isdisjoint(t.stems)] if cands is None else cands:
            if i >= n - 1 or i + 1 in covered:
                continue
            hit = self._stem_in(toks[i], trig)
            if not hit or self._has_article(toks[i], hit[1]):
                continue
            is_list = hit[0] in self.list_trig
            weak = hit[0] in self.weak_trig
            j = i + 1
            first = True
            while j < n:
                if j in covered or toks[j].sent != toks[i].sent:
                    break
                t = toks[j].text
                if not first:
                    # list continuation: "وX" right after the previous name
                    if not (is_list and t.startswith("و") and len(t) > 3 and
                            self._gap_ok(ftext, toks[j - 1], toks[j], lists=True)):
                        break
                    t = t[1:]
                elif not self._gap_ok(ftext, toks[j - 1], toks[j]):
                    break
                k = j + 1
                # a two-word name: "أم جلال", "تل رفعت", "كفر نبودة"
                two = self._is_head(t) and _AR_WORD.match(t) is not None and k < n and k not in covered and \
                    toks[k].sent == toks[j].sent and self._gap_ok(ftext, toks[j], toks[k]) and \
                    self._name_like(toks[k].text, first=False)
                if not two and not self._name_like(t) or any(b0 <= j < b1 for b0, b1, _ in blocked):
                    break
                if weak and not t.startswith("ال") and t.endswith(_ADJ_ENDINGS):
                    # "مناطق صحراوية", "منطقة سيطرتهم": an adjective or a possessed noun
                    break
                if two:
                    k += 1
                while k < n and k not in covered and toks[k].text in self.name_suffixes and \
                        toks[k].sent == toks[j].sent and self._gap_ok(ftext, toks[k - 1], toks[k]):
                    k += 1
                fs = toks[j].start + (0 if first else 1)
                mt = _Mention(j, k, j, k, fs, toks[k - 1].end, [], unknown=True)
                mt.trigger = "settlement"
                if hit[0] in self.front:
                    mt.rel = "front"
                mt.list_trigger = is_list
                out.append(mt)
                covered.update(range(j, k))
                first = False
                j = k
                if not is_list:
                    break
        return out

    def _road_code(self, toks: list[Token], j: int, sent: int) -> int:
        """The end of a road number at token ``j`` ("m5", "ام 5", "(M4)"), or -1."""
        if j >= len(toks) or toks[j].sent != sent:
            return -1
        t = toks[j].text
        for p in self.road_code_prefixes:
            if t.startswith(p) and t[len(p):].isdigit() and len(t) - len(p) <= 2:
                return j + 1
            if t == p and j + 1 < len(toks) and toks[j + 1].text.isdigit() and len(toks[j + 1].text) <= 2:
                return j + 2
        return -1

    def _roads(self, doc: Document, mentions: list[_Mention]) -> list[_Mention]:
        """Roads named by a number or by the two towns they join: places of kind road.

        "الطريق الدولي M5", "طريق حلب - دمشق الدولي", "أوتوستراد دمشق-حمص (M5)": the
        towns stay spans of their own but are not places of the list; a road is
        located only by a place named after it ("الطريق الدولي قرب سراقب").
        """
        toks, ftext = doc.tokens, doc.norm.text
        n = len(toks)
        heads = self.road_heads
        by_start = None
        out = list(mentions)
        taken: set[int] = set()
        cands = wordindex.positions(doc, self.words_roads)
        for i in [i for i, t in enumerate(toks) if not heads.isdisjoint(t.stems)] if cands is None else cands:
            if i in taken:
                continue
            hit = self._stem_in(toks[i], heads)
            if not hit:
                continue
            if by_start is None:
                by_start = {mt.i0: mt for mt in mentions if not mt.unknown or mt.trigger is None}
            sent = toks[i].sent
            j = i + 1
            while j < n and toks[j].sent == sent and toks[j].text in self.road_adj:
                j += 1
            end = self._road_code(toks, j, sent)
            inner: list[_Mention] = []
            if end < 0:
                m1 = by_start.get(j)
                if m1 is None or m1.rel is not None or toks[m1.i0].sent != sent:
                    continue
                k = m1.i1
                if k < n and toks[k].text in self.road_links:
                    k += 1
                    gap_ok = True
                else:
                    gap_ok = k < n and _ROAD_GAP.fullmatch(ftext[toks[k - 1].end:toks[k].start]) is not None
                m2 = by_start.get(k) if gap_ok else None
                if m2 is None or m2.rel is not None or toks[m2.i0].sent != sent:
                    continue
                inner, end = [m1, m2], m2.i1
            while end < n and toks[end].sent == sent and toks[end].text in self.road_adj:
                end += 1
            code_end = self._road_code(toks, end, sent)
            if code_end > 0:
                end = code_end
            for m in inner:
                m.in_road = True
            fend = toks[end - 1].end
            if ftext.startswith(")", fend) and "(" in ftext[toks[i].start:fend]:
                fend += 1   # "(إم 4)"
            road = _Mention(i, end, i, end, toks[i].start + hit[1], fend, [], unknown=True)
            road.road = road.locative = True
            out.append(road)
            taken.update(range(i, end))
        if len(out) > len(mentions):
            # a road swallows the names inside it that are not its towns ("m5" never is one)
            out = [m for m in out if m.road or m.in_road or not any(
                r.road and r.i0 <= m.i0 and m.i1 <= r.i1 for r in out)]
            out.sort(key=lambda x: (x.n0, not x.road))
        return out

    def _is_head(self, t: str) -> bool:
        return t in self.two_word_heads or (t.startswith("ال") and t[2:] in self.two_word_heads)

    def _name_like(self, t: str, first: bool = True) -> bool:
        if len(t) < 3 or not _AR_WORD.match(t) or t.startswith(("لل", "بال", "وال", "فال", "كال")):
            return False
        if any(stem in self.adj_country for stem, _ in analyses(t)):
            return False
        if first and t in self.common and not self._is_head(t):
            return False
        for stem, _ in analyses(t):
            if stem in self.stop_words:
                return False
        return t not in self.stop_words

    # ------------------------------------------------------------------ datelines
    def _datelines(self, doc: Document, mentions: list[_Mention]) -> None:
        """Mark the places of a dateline at the head of the text.

        "دبي، الإمارات العربية المتحدة (CNN)--", "عين اليوم – اسطنبول", "واس- الرياض:",
        "إدلب - خاص": places at the start of one of the first three lines, followed by a
        delimiter, with nothing before them but agency names (and a reporter's name).
        """
        ftext = doc.norm.text
        lines: list = []
        pos = 0
        while len(lines) < 3 and pos < len(ftext):
            e = ftext.find("\n", pos)
            e = len(ftext) if e < 0 else e
            if ftext[pos:e].strip():
                lines.append((pos, e))
            pos = e + 1
        if not lines or not mentions or mentions[0].fstart >= lines[-1][1]:
            return
        for ls, le in lines:
            inside = [m for m in mentions if ls <= m.fstart < min(le, ls + 100)]
            if not inside:
                continue
            for m in inside:
                # the place and any places right after it ("دبي، الإمارات"), then a delimiter
                end = m.fend
                for m2 in inside:
                    if m2.fstart >= end and _SPACES_COMMAS.fullmatch(ftext, end, m2.fstart):
                        end = m2.fend
                rest = ftext[end:le]
                delim = _DATELINE_DELIM.match(rest.lstrip(" \u00a0\t"))
                # before the place: only other places of the dateline, agency names, a byline
                before = ftext[ls:m.fstart]
                for m2 in inside:
                    if m2.fend <= m.fstart:
                        before = before[: m2.fstart - ls] + " " * (m2.fend - m2.fstart) + before[m2.fend - ls:]
                agency = False
                if self.agency_re is not None and self.agency_any is not None and self.agency_any.search(before):
                    before, nsub = self.agency_re.subn(" ", before)
                    agency = nsub > 0
                other = [t for t in before.split() if _WORD_CHAR.search(t)]
                if other and not (agency and len(other) <= 3):
                    continue
                if not delim:
                    # "عين اليوم – اسطنبول" alone on its line
                    if rest.strip() or not (agency and _DASH.search(ftext, ls, m.fstart)):
                        continue
                m.dateline = True
                m.locative = True

    # ------------------------------------------------------------------ resolution
    def _viable(self, mt: _Mention, focus: str | None, use_focus: bool = True) -> list[int]:
        """The candidates this mention can be, by the words around it.

        A governorate and its seat share a name: the bare name is the town; a country and
        its capital share one ("الكويت", "تونس"): the country, which is a place only where
        it is located ("في الكويت"), not where it acts ("الكويت تدين").
        """
        ents = self.gaz.entries
        cands = [c for c in mt.cands if not ents[c].needs_focus or (use_focus and ents[c].country == focus)]
        if not cands:
            return cands
        kinds = {ents[c].kind for c in cands}
        if mt.trigger == "admin":
            a = [c for c in cands if ents[c].kind == "admin1"]
            if a:
                cands = a
        elif mt.trigger == "settlement":
            s = [c for c in cands if ents[c].kind == "settlement"]
            if s:
                cands = s
        if "admin1" in kinds and mt.trigger != "admin":
            towns_a1 = {ents[c].admin1 for c in cands if ents[c].kind == "settlement"}
            cands = [c for c in cands if not (ents[c].kind == "admin1" and ents[c].admin1 in towns_a1)]
        if "country" in kinds and mt.trigger != "settlement":
            # "الكويت", "تونس": the country, not its capital of the same name; a town
            # abroad named like a country ("أرمينيا" in Colombia) only in its own context
            cc = {ents[c].country for c in cands if ents[c].kind == "country"}
            cands = [c for c in cands if not (ents[c].kind == "settlement" and (
                ents[c].country in cc or ents[c].country not in (focus, mt.ctx_country)))]
        towns = [c for c in cands if ents[c].kind == "settlement"]
        if len(towns) > 1 and mt.trigger is None:
            # a village named like a big city is that city unless the context says so
            top = max(ents[c].population for c in towns)
            cands = [c for c in cands if ents[c].kind != "settlement" or ents[c].population * 50 >= top
                     or ents[c].admin1 == mt.ctx_admin1 >= 0 or ents[c].country == mt.ctx_country]
        if not (mt.locative or mt.dateline or mt.rel):
            cands = [c for c in cands if ents[c].kind != "country"]
        return cands

    def _focus_country(self, mentions: list[_Mention]) -> str | None:
        ents = self.gaz.entries
        votes: dict[str, float] = {}
        order: dict[str, int] = {}
        for idx, mt in enumerate(mentions):
            if mt.dateline or mt.unknown:
                continue
            ccs = {ents[c].country for c in self._viable(mt, None, use_focus=False)}
            if len(ccs) != 1:
                continue
            cc = next(iter(ccs))
            if cc is None:
                continue
            votes[cc] = votes.get(cc, 0.0) + 1.0
            order.setdefault(cc, idx)
        if not votes:
            return None
        return max(votes, key=lambda c: (votes[c], -order[c]))

    def _qualifier(self, doc: Document, mt: _Mention, nxt: _Mention | None) -> None:
        """The governorate/country named right after a name ("كفرنبل بريف إدلب", "في محافظة حماة")."""
        if mt.adj_country and not mt.ctx_country:
            mt.ctx_country = mt.adj_country
        if nxt is None:
            return
        anchor = nxt.chosen if nxt.chosen >= 0 else nxt.anchor if nxt.unknown else -1
        if anchor < 0:
            return
        toks = doc.tokens
        if toks[nxt.i0].sent != toks[mt.n0].sent:
            return
        between = [toks[k].text for k in range(mt.i1, nxt.i0)]
        # one adjective may come between: "مطار الضبعة العسكري في محافظة حمص"
        adjectives = [t for t in between if t not in self.qual_links and t.startswith("ال") and t.endswith(("ي", "يه"))]
        if len(between) > 2 or len(adjectives) > 1 or any(t not in self.qual_links and t not in adjectives for t in between):
            return
        if nxt.chosen < 0 and (between or not toks[nxt.i0].text.startswith("و")):
            return  # an unknown village lends its anchor only along a list ("أم جلال والتح في ...")
        e = self.gaz.entries[anchor]
        if e.kind == "country":
            mt.ctx_country = e.country
        else:
            mt.ctx_admin1 = e.admin1
            mt.ctx_country = e.country
        mt.anchor = anchor
        mt.anchor_strict = (nxt.anchor_strict if nxt.chosen < 0 else
                            "من" not in between and not (between == [] and toks[nxt.i0].text.startswith("و")))

    def _choose(self, mt: _Mention, focus: str | None, mentioned: dict[str | None, int]) -> int:
        ents = self.gaz.entries
        cands = self._viable(mt, focus)
        if not cands:
            return -1
        if len(cands) == 1:
            return cands[0]
        own = {ents[c].country for c in mt.cands if ents[c].kind == "country"}
        best, best_s = -1, -1e9
        for c in cands:
            e = ents[c]
            sc = 0.0
            if focus and e.country == focus:
                sc += 3.0
            if mentioned.get(e.country, 0) > (1 if e.country in own else 0):
                sc += 1.5  # the article names that country elsewhere
            if mt.ctx_admin1 >= 0 and e.admin1 == mt.ctx_admin1:
                sc += 8.0
            elif mt.ctx_country and e.country == mt.ctx_country:
                sc += 4.0
            if e.kind == "settlement":
                sc += math.log10(e.population + 1)
            elif e.kind in ("admin1", "region"):
                sc += 5.0
            elif e.kind == "country":
                sc += 6.0
            if sc > best_s:
                best, best_s = c, sc
        return best

    def _disagrees(self, chosen: int, anchor: int) -> bool:
        """Whether a place cannot lie in the place named as its location."""
        ents = self.gaz.entries
        e, q = ents[chosen], ents[anchor]
        if q.kind == "country" or e.kind in ("country", "admin1") or q.country is None:
            return False
        return e.country != q.country

    def _stray(self, mt: _Mention, focus: str | None, mentioned: dict[str | None, int]) -> bool:
        e = self.gaz.entries[mt.chosen]
        return bool(focus) and e.kind == "settlement" and e.country != focus and e.population < 100_000 \
            and not mt.ctx_country and mentioned.get(e.country, 0) == 0 and not mt.dateline

    def _offset_km(self, e: Entry, rel: str) -> float:
        if e.kind != "settlement":
            return float(self.offsets.get(e.kind, 0) or 0)
        table = self.offsets.get("countryside" if rel in ("countryside", "front") else "direction") or ()
        for min_pop, km in table:
            if e.population >= min_pop:
                return float(km)
        return 0.0

    def _place(self, doc: Document, mt: _Mention, a: int, b: int, focus: str | None) -> Place:
        """The Place of a resolved (or unknown) mention spanning ``doc.text[a:b]``."""
        gaz = self.gaz
        name = doc.text[a:b]
        if mt.unknown:
            # an unknown village: most likely in the country named next to it, or the article's
            pl = Place(name=name, country=mt.ctx_country or focus, kind="front" if mt.rel == "front" else "unknown",
                       span=(a, b), unresolved=True, geo_precision=2 if mt.rel == "front" else 1)
            if mt.road:
                pl.kind, pl.unresolved, pl.geo_precision = "road", False, 2
            if mt.anchor >= 0 and mt.anchor_strict:
                # "قرية X في ريف إدلب": where the place that locates it is, less precisely
                e = gaz.entries[mt.anchor]
                a1 = _admin1_of(gaz, e)
                pl.country = e.country
                if a1 is not None:
                    pl.admin1, pl.admin1_code = a1.en, a1.iso
                if e.kind != "country":
                    pl.lat, pl.lon = (a1.lat, a1.lon) if e.kind == "admin1" and a1 is not None else (e.lat, e.lon)
                    pl.geo_precision = 3 if e.kind == "admin1" or e.precision >= 3 else 2
            if mt.dateline:
                pl.kind = "dateline"
            return pl
        e = gaz.entries[mt.chosen]
        a1 = _admin1_of(gaz, e)
        pl = Place(name=name, country=e.country, admin1=a1.en if a1 else None,
                   admin1_code=a1.iso if a1 else None, lat=e.lat, lon=e.lon,
                   geonameid=e.geonameid, geo_precision=e.precision, kind=e.kind, span=(a, b))
        if e.kind == "admin1" and a1 is not None:
            pl.lat, pl.lon = a1.lat, a1.lon
        if mt.trigger == "admin" and e.kind == "settlement" and a1 is not None:
            # "محافظة حماة": the governorate the town is the seat of
            pl = pl.copy()
            pl.lat, pl.lon, pl.geonameid, pl.geo_precision, pl.kind = a1.lat, a1.lon, None, 3, "admin1"
        elif mt.rel is not None:
            pl = self._relative(pl, e, mt)
        if mt.dateline:
            pl.kind = "dateline"
        return pl

    def _relative(self, pl: Place, e: Entry, mt: _Mention) -> Place:
        a1 = _admin1_of(self.gaz, e)
        if mt.rel == "front":
            pl.kind = "front"
            if e.kind in ("admin1", "country") or mt.chosen in self.seats or e.precision >= 3:
                # "محاور إدلب الجنوبية": the governorate
                if a1 is not None:
                    pl.lat, pl.lon, pl.geonameid = a1.lat, a1.lon, None
                pl.geo_precision = 3
            else:
                pl.geo_precision = 2
            return pl
        pl.kind = "relative"
        rel = mt.rel or "direction"
        coarse = e.kind == "country" or e.precision >= 3
        if e.kind == "admin1" and mt.vec != (0.0, 0.0) and mt.chosen in self.countryside_admin1:
            # "ريف دمشق الغربي": the countryside of Damascus to the west
            coarse, rel = False, "countryside"
            town = self.countryside_admin1[mt.chosen]
            if town >= 0:
                e = self.gaz.entries[town]
                pl.lat, pl.lon = e.lat, e.lon
        pl.geo_precision = 3 if coarse else 2
        if mt.vec != (0.0, 0.0) and pl.lat is not None and pl.lon is not None:
            km = self._offset_km(e, rel)
            if km:
                dlat = mt.vec[0] * km / 111.0
                dlon = mt.vec[1] * km / (111.0 * max(0.2, math.cos(math.radians(pl.lat))))
                pl.lat = round(pl.lat + dlat, 4)
                pl.lon = round(pl.lon + dlon, 4)
        return pl

    def _identity(self, doc: Document, mt: _Mention) -> tuple[tuple, ...]:
        """What makes two mentions one place of ``doc.places`` (codebook 9: each distinct
        place once): the same gazetteer entry, or the same name (article aside), whatever
        words of relation or kind stand around it ("ريف إدلب الجنوبي", "محافظة إدلب" and
        "إدلب" are one place of the list; their spans keep their own values)."""
        name = self._name_key(doc.tokens, mt)
        if mt.unknown:
            return (("name", name),)
        return (("entry", mt.chosen), ("name", name))

    def _focus_admin1(self, mentions: list[_Mention], focus: str | None) -> Place | None:
        if not focus:
            return None
        ents = self.gaz.entries
        votes: dict[int, int] = {}
        order: dict[int, int] = {}
        for idx, mt in enumerate(mentions):
            if mt.dateline or mt.unknown or mt.chosen < 0 or mt.place is None:
                continue
            e = ents[mt.chosen]
            if e.country != focus or e.admin1 < 0 or e.kind == "country":
                continue
            votes[e.admin1] = votes.get(e.admin1, 0) + 1
            order.setdefault(e.admin1, idx)
        if not votes:
            return None
        best = max(votes, key=lambda a: (votes[a], -order[a]))
        a1 = self.gaz.admin1[best]
        return Place(name=a1.ar or a1.en, country=a1.cc, admin1=a1.en, admin1_code=a1.iso,
                     lat=a1.lat, lon=a1.lon, geo_precision=3, kind="admin1")
