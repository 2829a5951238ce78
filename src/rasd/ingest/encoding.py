"""Bytes -> text for every reader: byte-order marks, declared charsets, UTF-8, legacy Arabic code pages.

Arabic news still turns up in legacy single-byte code pages: windows-1256
(Arabic Windows), ISO-8859-6, DOS code page 720 and Mac Arabic.  (Code page 864
holds presentation forms in visual order and is not guessed.)  Any byte string
decodes as *something* in a single-byte code page, so the candidates are
compared by how Arabic the result looks (the share of Arabic letters among all
letters: text decoded with the wrong page comes out as Latin accented letters,
box drawing or undefined bytes) and the best one wins; ties go to the more
common page.  A charset the document declares (HTTP header, ``<meta charset>``,
XML declaration) is tried first and kept when it decodes cleanly and looks
no worse than the best guess.
"""
from __future__ import annotations

import codecs
import re

from ..io import InputError, _mostly_control, arabic_share

# Legacy Arabic code pages, most common first (the order breaks ties).
LEGACY_ARABIC = ("cp1256", "iso8859_6", "cp720", "mac_arabic")
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)


def codec_name(label: str | None) -> str | None:
    """Python's codec name for a charset label (``windows-1256`` -> ``cp1256``), None if unknown."""
    if not label:
        return None
    try:
        return codecs.lookup(label.strip().lower()).name
    except LookupError:
        return None


def declared_charset(data: bytes, content_type: str | None = None) -> str | None:
    """The charset the document or its HTTP header declares, if any (codec name)."""
    if content_type:
        m = _HEADER_CHARSET.search(content_type)
        if m and codec_name(m.group(1)):
            return codec_name(m.group(1))
    head = data[:4096]
    m = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    return codec_name(m.group(1).decode("ascii", "replace")) if m else None


def _score(text: str) -> float:
    share, letters = arabic_share(text)
    return share if letters else 0.0


def decode_bytes(data: bytes, source: str, declared: str | None = None) -> tuple[str, list[str]]:
    """Decode ``data``; returns the text and warnings (``not UTF-8: decoded as windows-1256``).

    Raises :class:`rasd.io.InputError` for binary data (NUL bytes, control characters)
    and bytes no candidate decodes.
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), []
            except UnicodeDecodeError as e:
                raise InputError(source, f"not text: a {enc} byte-order mark, but invalid {enc} ({e.reason})")
    nul = data.find(b"\x00", 0, 1 << 16)
    if nul >= 0:
        raise InputError(source, f"binary file, not text (NUL byte at offset {nul})")
    utf8_error = None
    try:
        text = data.decode("utf-8")
        if _mostly_control(text):
            raise InputError(source, "binary file, not text (control characters)")
        if declared in (None, "utf-8") or data.isascii():
            return text, []
        utf8 = text
    except UnicodeDecodeError as e:
        utf8 = None
        utf8_error = f"invalid UTF-8 byte 0x{data[e.start]:02x} at offset {e.start}"
    candidates: list[tuple[float, int, str, str]] = []
    order = ([declared] if declared else []) + ["utf-8"] + [c for c in LEGACY_ARABIC if c != declared]
    for rank, enc in enumerate(order):
        if enc == "utf-8":
            if utf8 is not None:
                candidates.append((_score(utf8), -rank, enc, utf8))
            continue
        try:
            text = data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        if _mostly_control(text):
            continue
        candidates.append((_score(text), -rank, enc, text))
    if not candidates:
        raise InputError(source, f"not text ({utf8_error or 'no known encoding decodes it'})")
    best = max(candidates)
    if declared and declared != best[2]:
        for score, _, enc, text in candidates:
            if enc == declared and score >= best[0] - 0.05:   # the declaration, unless clearly wrong
                best = (score, 0, enc, text)
                break
    score, _, enc, text = best
    if enc == "utf-8":
        return text, []
    if utf8_error and score < 0.5:
        raise InputError(source, f"not text: neither UTF-8 nor a legacy Arabic encoding ({utf8_error})")
    if enc == declared:
        return text, []
    return text, [f"not UTF-8: decoded as {_LABELS.get(enc, enc)}"]


_LABELS = {"cp1256": "windows-1256 (Arabic Windows)", "iso8859_6": "ISO-8859-6 (Arabic)",
           "cp720": "DOS Arabic (code page 720)",
           "mac_arabic": "Mac Arabic"}
