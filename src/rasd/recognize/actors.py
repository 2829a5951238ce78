"""Actors: who acted and who was hit, coded as the codebook's sides (section 3).

Reads ``knowledge/actors.yaml`` once and writes ``doc.spans["actor"]`` (label
``ACTOR``, value :class:`rasd.document.Actor`).  Everything a person may want to
change (names, countries, nationality adjectives, head words, focus cues) is in
that file; this module is only the mechanism:

* one :class:`PhraseMatcher` over every actor name, every templated state-force
  name ("الجيش" + a nationality adjective, ...), every stop phrase and every
  country/place cue;
* the article's focus country (ISO-2), estimated from those cues when the
  document has none yet (the geo stage may refine it later);
* contextual names ("الجيش", "الجيش الوطني", "التحالف", "النظام") resolved by the
  actor they refer back to (``refers_back``) or else by the focus country
  (``by_country``); a mention that cannot be resolved is dropped;
* head words ("عناصر من", "مسلحي", "طائرات") in front of a name are taken into
  the mention, replacing a generic match on the head itself.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..document import Actor, Document
from ..resources import load
from ..text import wordindex
from ..text.match import PhraseMatcher
from ..text.normalize import fold_key
from ..text.segment import analyses, key_of

_PRIORITY = {"actor": 0, "template": 1, "stop": 2}


@dataclass(slots=True)
class _Resolution:
    canonical: str
    inter: str
    country: str | None          # ISO-3, may hold "{iso3}" placeholders


@dataclass(slots=True)
class _Entry:
    kind: str                    # "actor" | "template" | "stop"
    base: _Resolution | None
    by_country: dict[str, _Resolution | None] | None = None
    tags: frozenset = frozenset()
    refers_back: tuple[str, ...] = ()
    definite: bool = False
    needs_head: bool = False
    check_next: bool = False
    cue: str | None = None       # ISO-2 this actor points the article to


@dataclass(slots=True)
class _Cue:
    iso2: str
    weight: float


@dataclass(slots=True)
class _Country:
    iso2: str
    iso3: str
    name: str
    forces_cue: bool = True


@dataclass(slots=True)
class _Mention:
    entries: list[_Entry]        # candidates, best first: the first that resolves wins
    tok_start: int
    tok_end: int
    start: int                   # folded offsets
    end: int
    head: bool = False           # a head word was taken in


def _res(d: dict | None, fallback: dict | None = None) -> _Resolution | None:
    if d is None:
        return None
    fb = fallback or {}
    return _Resolution(str(d.get("canonical", fb.get("canonical", ""))),
                       str(d.get("inter", fb.get("inter", "external"))),
                       d.get("country", fb.get("country")))


class ActorRecognizer:
    """``ActorRecognizer()(doc)``: build once, call per document."""

    def __init__(self, data: dict | None = None) -> None:
        data = data if data is not None else load("actors.yaml")
        self.countries: dict[str, _Country] = {}
        self.iso3_to_iso2: dict[str, str] = {}
        for iso2, c in (data.get("countries") or {}).items():
            cc = _Country(iso2, c["iso3"], c["name"], bool(c.get("forces_cue", True)))
            self.countries[iso2] = cc
            self.iso3_to_iso2[cc.iso3] = iso2
        # nationality adjectives (folded, without the article) -> ISO-3
        self.nisba_country: dict[str, str] = {}
        for c in (data.get("countries") or {}).values():
            for slot in ("m", "f", "pl"):
                for adj in c.get(slot, ()) or ():
                    k = key_of(fold_key(str(adj)))
                    if len(k) == 1:
                        self.nisba_country.setdefault(k[0], c["iso3"])
        self.matcher = PhraseMatcher()
        # the same keys, for the fast scan below (first words, prefixes, entries)
        self._keys: dict[tuple[str, ...], list[Any]] = {}
        self._prefixes: set[tuple[str, ...]] = set()
        self._firsts: set[str] = set()
        self._starts: dict[str, tuple] = {}   # word -> its analyses that begin a name
        self.words = wordindex.register(stems=self._firsts)
        self.n_names = 0
        # head words (folded, no article) and the links that may follow them ("عناصر من")
        self.heads: set[tuple[str, ...]] = {key_of(fold_key(h)) for h in data.get("heads", ())}
        self.head_links: set[str] = {fold_key(h) for h in data.get("head_links", ())}
        self.next_ok: set[str] = {key_of(fold_key(w))[0] for w in data.get("nisba_exempt", ())}
        self._nisba_ends = tuple(fold_key(s) for s in data.get("nisba_endings", ("ي", "يه", "يين", "يون")))

        for e in data.get("actors", ()):
            entry = self._entry(e, "actor")
            for name in e["names"]:
                self._add(str(name), entry)
                self.n_names += 1
        for t in data.get("templates", ()):
            self._add_templates(t, data.get("countries") or {})
        stop = _Entry("stop", None)
        for phrase in data.get("stop", ()):
            self._add(str(phrase), stop)
        for iso2, c in (data.get("countries") or {}).items():
            w_name = float(c.get("name_weight", 2))
            w_place = float(c.get("place_weight", 1))
            for n in c.get("names", ()):
                self._add(str(n), _Cue(iso2, w_name))
            for p in c.get("places", ()):
                self._add(str(p), _Cue(iso2, w_place))
        # per key: (actor candidates best first, or None after a stop phrase; cues)
        self._compiled = {id(v): (self._candidates(v), tuple(p for p in v if isinstance(p, _Cue)))
                          for v in self._keys.values()}

    # -- building ----------------------------------------------------------------
    def _add(self, phrase: str, payload: Any) -> None:
        self.matcher.add(phrase, payload, allow_suffix=False)
        key = key_of(fold_key(phrase))
        if not key:
            return
        self._keys.setdefault(key, []).append(payload)
        if key[0] not in self._firsts:
            self._firsts.add(key[0])
            self._starts.clear()
            wordindex.changed()
        for i in range(1, len(key)):
            self._prefixes.add(key[:i])

    def find(self, toks, doc=None) -> list[tuple[int, int, int, int, list[Any]]]:
        """``self.matcher.find(toks)`` (leftmost-longest, no pronoun suffixes) as
        (tok_start, tok_end, start, end, payloads), skipping at once the words
        that begin no name (given ``doc``, its word index says which): the stage's hot path."""
        keys, prefixes, firsts, cache = self._keys, self._prefixes, self._firsts, self._starts
        out = []
        n = len(toks)
        last_end = 0
        cands = wordindex.positions(doc, self.words) if doc is not None else None
        for i in (range(n) if cands is None else cands):
            if i < last_end:
                continue
            text = toks[i].text
            starts = cache.get(text)
            if starts is None:  # the analyses of this word that begin some name
                starts = tuple(a for a in analyses(text) if a[0] in firsts)
                if len(cache) > 500_000:
                    cache.clear()
                cache[text] = starts
            if not starts:
                continue
            best = None
            for stem, ncl in starts:
                key: tuple[str, ...] = (stem,)
                j = i
                while True:
                    if key in keys and (best is None or j + 1 > best[1]):
                        best = (i, j + 1, toks[i].start + ncl, toks[j].end, keys[key])
                    if key not in prefixes or j + 1 >= n:
                        break
                    j += 1
                    ext = None
                    for st, _ in analyses(toks[j].text):
                        k = key + (st,)
                        if k in prefixes or k in keys:
                            ext = k
                            break
                    if ext is None:
                        break
                    key = ext
            if best is not None:
                out.append(best)
                last_end = best[1]
        return out

    def _entry(self, e: dict, kind: str) -> _Entry:
        base = _res(e) if "canonical" in e or "inter" in e else None
        by = None
        if e.get("by_country"):
            by = {str(k): _res(v, e) for k, v in e["by_country"].items()}
        country = e.get("country")
        if "cue" in e:
            cue = e["cue"]
        elif base is not None and country and "{" not in str(country):
            iso2 = self.iso3_to_iso2.get(country)
            c = self.countries.get(iso2) if iso2 else None
            cue = iso2 if c is not None and (base.inter != "state" or c.forces_cue) else None
        else:
            cue = None
        rb = e.get("refers_back") or ()
        rb = (rb,) if isinstance(rb, str) else tuple(rb)
        return _Entry(kind, base, by, frozenset(e.get("tags", ())), rb,
                      bool(e.get("definite")), bool(e.get("needs_head")),
                      bool(e.get("check_next")), cue)

    def _add_templates(self, t: dict, countries: dict) -> None:
        for iso2, c in countries.items():
            if not c.get("templates", True):
                continue
            cc = self.countries[iso2]
            forms = {"m": c.get("m", ()), "f": c.get("f", ()), "pl": c.get("pl", ())}
            canonical = t["canonical"].format(name=cc.name)
            entry = _Entry("template", _Resolution(canonical, t["inter"], cc.iso3),
                           tags=frozenset(t.get("tags", ())),
                           cue=iso2 if (t["inter"] != "state" or cc.forces_cue) else None)
            for form in t["forms"]:
                slot = form[form.index("{") + 1: form.index("}")]
                for adj in forms.get(slot, ()):
                    self._add(form.replace("{" + slot + "}", str(adj)), entry)
                    self.n_names += 1

    # -- resolving ---------------------------------------------------------------
    def _fill(self, r: _Resolution, focus: str | None) -> _Resolution | None:
        if "{" not in r.canonical and (r.country is None or "{" not in r.country):
            return r
        c = self.countries.get(focus) if focus else None
        if c is None:
            if r.inter == "state":
                return None          # a state actor needs its state
            return _Resolution(r.canonical.replace(" ({name})", "").replace("{name}", "").strip(),
                               r.inter, None)
        return _Resolution(r.canonical.format(name=c.name, iso3=c.iso3), r.inter,
                           r.country.format(iso3=c.iso3, name=c.name) if r.country else None)

    def _resolve(self, entry: _Entry, focus: str | None) -> _Resolution | None:
        if entry.by_country is not None:
            if focus in entry.by_country:
                r = entry.by_country[focus]
            elif "default" in entry.by_country:
                r = entry.by_country["default"]
            else:
                return None
            return self._fill(r, focus) if r is not None else None
        return self._fill(entry.base, focus) if entry.base is not None else None

    @staticmethod
    def _candidates(payloads: list[Any]) -> list[_Entry] | None:
        """Actor entries of a match, best first; None when a stop phrase matched."""
        out = [p for p in payloads if isinstance(p, _Entry)]
        if any(p.kind == "stop" for p in out):
            return None
        out.sort(key=lambda p: _PRIORITY[p.kind])
        return out

    def _is_head(self, toks, j: int) -> int:
        """Start (folded offset) of a head word at token j, or -1."""
        for stem, ncl in analyses(toks[j].text):
            if (stem,) in self.heads:
                return toks[j].start + ncl
        return -1

    def estimate_focus(self, doc: Document) -> str | None:
        """The country (ISO-2) the article is mostly about, from the actor data's cues."""
        return self._scan(doc)[1]

    def _scan(self, doc: Document):
        toks = doc.tokens
        scores: dict[str, float] = {}
        first: dict[str, int] = {}
        mentions: list[_Mention] = []
        compiled = self._compiled
        for ts, te, fs, fe, payloads in self.find(toks, doc):
            cands, cues = compiled[id(payloads)]
            for p in cues:
                scores[p.iso2] = scores.get(p.iso2, 0.0) + p.weight
                first.setdefault(p.iso2, ts)
            if not cands:
                continue
            cue = cands[0].cue
            if cue:
                scores[cue] = scores.get(cue, 0.0) + 1.0
                first.setdefault(cue, ts)
            mentions.append(_Mention(cands, ts, te, fs, fe))
        focus = None
        if scores:
            focus = max(scores, key=lambda k: (scores[k], -first[k]))
        return mentions, focus

    # -- the stage ---------------------------------------------------------------
    def __call__(self, doc: Document) -> None:
        doc.spans.setdefault("actor", [])
        toks = doc.tokens
        if not toks:
            return
        mentions, estimated = self._scan(doc)
        if doc.focus_country is None and estimated is not None:
            doc.focus_country = estimated
        focus = doc.focus_country
        norm = doc.norm.text

        # head words: "عناصر من X", "مسلحي X", "طائرات X"
        kept: list[_Mention] = []
        for mn in mentions:
            i = mn.tok_start
            j = i - 1
            if j >= 1 and toks[j].text in self.head_links:
                j -= 1  # "عناصر من X"
            hs = self._is_head(toks, j) if j >= 0 and toks[j].sent == toks[i].sent else -1
            if hs >= 0:
                if kept and kept[-1].tok_end > j:
                    prev = kept[-1]
                    # a generic match on the head itself ("مسلحين من داعش") gives way
                    if prev.tok_start >= j and prev.tok_end <= i:
                        kept.pop()
                        mn.start, mn.tok_start, mn.head = hs, j, True
                else:
                    mn.start, mn.tok_start, mn.head = hs, j, True
            kept.append(mn)

        history: list[tuple[frozenset, _Resolution]] = []
        for mn in kept:
            last = toks[mn.tok_end - 1]
            nxt = toks[mn.tok_end] if mn.tok_end < len(toks) else None
            r = None
            for e in mn.entries:
                r = self._resolve_mention(e, mn, last, nxt, norm, focus, history)
                if r is not None:
                    break
            if r is None:
                continue
            if e.tags:
                history.append((e.tags, r))
            sp = doc.add_span("actor", mn.start, mn.end, "ACTOR", None, mn.tok_start, mn.tok_end)
            sp.value = Actor(name=doc.text[sp.start:sp.end], canonical=r.canonical, inter=r.inter,
                             country=r.country or None, span=(sp.start, sp.end))

    def _resolve_mention(self, e: _Entry, mn: _Mention, last, nxt, norm: str, focus: str | None,
                         history) -> _Resolution | None:
        if e.needs_head and not mn.head:
            return None
        if e.definite:
            w = norm[max(mn.start, last.start):last.end]
            if not (w.startswith("ال") or w.startswith("لل")):
                return None
        r = None
        for tag in e.refers_back:
            for tags, res in reversed(history):
                if tag in tags:
                    r = res
                    break
            if r is not None:
                break
        if r is None:
            r = self._resolve(e, focus)
        if r is None:
            return None
        if (e.check_next and nxt is not None and nxt.sent == last.sent
                and nxt.start - last.end <= 2 and self._unknown_nisba(nxt.text, r.country)):
            return None
        return r

    def _unknown_nisba(self, tok: str, country: str | None) -> bool:
        """A definite relative adjective after a bare name that is not the resolved
        actor's own nationality ("الجيش الباكستاني", "النظام الانتخابي"): the name
        belongs to someone else, or is no actor at all."""
        if not tok.startswith("ال") or len(tok) < 5:
            return False
        for st, _ in analyses(tok):
            if st in self.next_ok:
                return False
            if country is not None and self.nisba_country.get(st) == country:
                return False
        return tok.endswith(self._nisba_ends)
