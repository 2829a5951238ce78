"""Reading articles: JSON Lines, JSON, plain text or stdin, checked before the pipeline sees them.

Every input problem becomes either

* an :class:`InputError` (nothing in the input can be used: a missing or
  binary file, an empty one, an undecodable one), or
* a :class:`Skipped` item in the stream (one bad line of a JSONL file; the rest
  is still read), or
* a warning on the :class:`Article` (it is processed anyway: a cut text, an
  unreadable ``published``, windows-1256 bytes, a text that is not Arabic).

Messages name the input and, for JSONL, the line: ``articles.jsonl:7: ...``.
"""
from __future__ import annotations

import bz2
import gzip
import json
import lzma
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Iterator

from .pipeline import parse_published

MAX_CHARS = 1_000_000          # longer texts are cut (with a warning) so one article never stalls a run
STDIN = "-"
STDIN_NAME = "<stdin>"
META_FIELDS = ("doc_id", "outlet", "url", "published", "title")
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonlines")
TEXT_SUFFIXES = (".txt", ".text")
_COMPRESSED = {".gz": gzip.open, ".xz": lzma.open, ".lzma": lzma.open, ".bz2": bz2.open}

_AR_LETTER = re.compile("[\u0621-\u063a\u0641-\u064a\u0671-\u06d3\u06fa-\u06ff]")
_ANY_LETTER = re.compile(r"[^\W\d_]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
_SAMPLE = 20_000               # characters looked at to decide what script a text is in


class InputError(Exception):
    """Nothing in this input can be processed."""

    def __init__(self, source: str, message: str) -> None:
        super().__init__(f"{source}: {message}")
        self.source = source
        self.message = message


@dataclass
class Article:
    text: str
    where: str                       # "FILE" or "FILE:LINE", for messages
    doc_id: str | None = None
    outlet: str | None = None
    url: str | None = None
    title: str | None = None
    published: object = None         # a value parse_published accepts, or None
    warnings: list[str] = field(default_factory=list)

    def meta(self) -> dict:
        return {"doc_id": self.doc_id, "outlet": self.outlet, "url": self.url,
                "title": self.title, "published": self.published}


@dataclass
class Skipped:
    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


# --------------------------------------------------------------------------- text checks

def arabic_share(text: str) -> tuple[float, int]:
    """(share of letters that are Arabic, number of letters) over the first part of ``text``."""
    sample = text[:_SAMPLE]
    letters = len(_ANY_LETTER.findall(sample))
    if not letters:
        return 0.0, 0
    return len(_AR_LETTER.findall(sample)) / letters, letters


def cut_text(text: str, max_chars: int = MAX_CHARS) -> str:
    """``text`` cut to at most ``max_chars`` characters, at a line, sentence or word end if one is near."""
    if len(text) <= max_chars:
        return text
    window = text[max(0, max_chars - 2000):max_chars]
    for sep in ("\n", ". ", "۔", "؟", " "):
        i = window.rfind(sep)
        if i >= 0:
            return text[:max_chars - len(window) + i + len(sep)].rstrip()
    return text[:max_chars]


def check_text(text: str, max_chars: int = MAX_CHARS) -> tuple[str, list[str]]:
    """The text to process and the warnings about it (cut, not Arabic)."""
    warnings: list[str] = []
    if len(text) > max_chars:
        n = len(text)
        text = cut_text(text, max_chars)
        warnings.append(f"text is {n:,} characters long: only the first {len(text):,} were processed "
                        f"(limit {max_chars:,})")
    share, letters = arabic_share(text)
    if letters == 0:
        if text.strip():
            warnings.append("text has no letters: no events expected")
    elif share < 0.3:
        warnings.append(f"text is not Arabic (only {share:.0%} of its letters are Arabic): "
                        "processed, but no events expected")
    return text, warnings


def decode_text(data: bytes, source: str) -> tuple[str, list[str]]:
    """Decode a plain-text input: UTF-8 (with or without BOM), UTF-16 with BOM, or windows-1256.

    Raises :class:`InputError` for binary data or bytes that are neither.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError as e:
            raise InputError(source, f"not text: a UTF-16 byte-order mark, but invalid UTF-16 ({e.reason})")
    nul = data.find(b"\x00", 0, 1 << 16)
    if nul >= 0:
        raise InputError(source, f"binary file, not text (NUL byte at offset {nul})")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        bad = f"invalid UTF-8 byte 0x{data[e.start]:02x} at offset {e.start}"
        try:
            text = data.decode("cp1256")
        except UnicodeDecodeError:
            raise InputError(source, f"not text ({bad})") from None
        share, letters = arabic_share(text)
        if letters and share >= 0.5 and not _mostly_control(text):
            return text, ["not UTF-8: decoded as windows-1256 (Arabic Windows)"]
        raise InputError(source, f"not text: neither UTF-8 nor windows-1256 Arabic ({bad})") from None
    if _mostly_control(text):
        raise InputError(source, "binary file, not text (control characters)")
    return text, []


def _mostly_control(text: str) -> bool:
    sample = text[:_SAMPLE]
    return bool(sample) and len(_CONTROL.findall(sample)) > 0.01 * len(sample)


# --------------------------------------------------------------------------- opening inputs

def display_name(path: str) -> str:
    return STDIN_NAME if path == STDIN else path


def _strip_compression(name: str) -> tuple[str, object | None]:
    low = name.lower()
    for suf, opener in _COMPRESSED.items():
        if low.endswith(suf):
            return low[: -len(suf)], opener
    return low, None


def open_binary(path: str) -> BinaryIO:
    """A binary stream over ``path`` (``-`` = stdin), decompressed by suffix (.gz, .xz, .bz2)."""
    if path == STDIN:
        if sys.stdin is None or not hasattr(sys.stdin, "buffer"):
            raise InputError(STDIN_NAME, "no standard input")
        return sys.stdin.buffer
    p = Path(path)
    if not p.exists():
        raise InputError(path, "no such file")
    if p.is_dir():
        raise InputError(path, "is a directory, not a file")
    _, opener = _strip_compression(p.name)
    try:
        return opener(path, "rb") if opener else open(path, "rb")
    except OSError as e:
        raise InputError(path, e.strerror or str(e)) from None


def _read(stream: BinaryIO, n: int, source: str) -> bytes:
    try:
        return stream.read(n)
    except (OSError, EOFError, lzma.LZMAError) as e:
        raise InputError(source, f"cannot read ({e})") from None


def _lines(head: bytes, stream: BinaryIO, source: str) -> Iterator[bytes]:
    """The lines of ``head`` + the rest of ``stream``, without line ends."""
    pending = head
    while True:
        chunk = _read(stream, 1 << 20, source)
        if not chunk:
            break
        pending += chunk
        if b"\n" in chunk:
            *lines, pending = pending.split(b"\n")
            yield from lines
    if pending:
        yield from pending.split(b"\n")


def detect_format(path: str, head: bytes) -> str:
    """``jsonl``, ``json`` or ``text``: by suffix, else by the first non-blank character."""
    if path != STDIN:
        name, _ = _strip_compression(Path(path).name)
        if name.endswith(JSONL_SUFFIXES):
            return "jsonl"
        if name.endswith(".json"):
            return "json"
        if name.endswith(TEXT_SUFFIXES):
            return "text"
    first = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return "jsonl" if first == b"{" else "text"


def count_records(path: str) -> int | None:
    """Non-blank lines of an uncompressed JSONL file (for a progress bar), else None."""
    if path == STDIN or _strip_compression(path)[1] is not None:
        return None
    try:
        n = 0
        with open(path, "rb") as fh:
            for line in fh:
                if line.strip():
                    n += 1
        return n
    except OSError:
        return None


def read_articles(path: str, *, published=None, outlet: str | None = None, doc_id: str | None = None,
                  max_chars: int = MAX_CHARS, fmt: str | None = None) -> Iterator[Article | Skipped]:
    """The articles of one input, each checked; bad JSONL lines come as :class:`Skipped`.

    ``published``/``outlet`` fill in records that lack them; ``doc_id`` is the
    id of a plain-text article, and the prefix of generated ids for JSONL
    records without one (``PREFIX:LINE``; the default prefix is the file's stem).
    Raises :class:`InputError` when the input as a whole cannot be read.
    """
    source = display_name(path)
    stream = open_binary(path)
    try:
        head = _read(stream, 1 << 16, source)
        fmt = fmt or detect_format(path, head)
        stem = "stdin" if path == STDIN else _strip_compression(Path(path).name)[0].rsplit(".", 1)[0]
        defaults = {"published": published, "outlet": outlet}
        if fmt == "text":
            yield _text_article(head, stream, source, doc_id or stem, defaults, max_chars)
        elif fmt == "json":
            yield from _json_articles(head, stream, source, doc_id or stem, defaults, max_chars)
        else:
            yield from _jsonl_articles(head, stream, source, doc_id or stem, defaults, max_chars)
    finally:
        if path != STDIN:
            stream.close()


def _text_article(head: bytes, stream: BinaryIO, source: str, doc_id: str, defaults: dict,
                  max_chars: int) -> Article:
    limit = 4 * max_chars + 4          # enough bytes for max_chars characters of UTF-8
    data = head + _read(stream, max(0, limit - len(head)), source)
    truncated = len(data) >= limit and bool(_read(stream, 1, source))
    if truncated:                      # do not split a UTF-8 sequence: stop at the last line or word end
        cut = max(data.rfind(b"\n"), data.rfind(b" "))
        data = data[:cut] if cut > 0 else data
    text, warnings = decode_text(data, source)
    if not text.strip():
        raise InputError(source, "empty file (no article to process)")
    text, more = check_text(text, max_chars)
    if truncated:                      # say how big the input was, not how much of it was read
        more = [w for w in more if "characters long" not in w]
        size = _size(stream)
        big = f"{size:,} bytes" if size else f"more than {limit:,} bytes"
        more.insert(0, f"input is {big}: only the first {len(text):,} characters were processed "
                       f"(limit {max_chars:,})")
    art = Article(text=text, where=source, doc_id=doc_id, warnings=warnings + more)
    art.outlet = defaults["outlet"]
    art.published = defaults["published"]
    return art


def _size(stream: BinaryIO) -> int | None:
    """Size in bytes of a plain file stream (None for pipes and compressed files)."""
    try:
        if isinstance(stream, (gzip.GzipFile, lzma.LZMAFile, bz2.BZ2File)):
            return None
        st = os.fstat(stream.fileno())
        return st.st_size if st.st_size > 0 else None
    except (OSError, ValueError, AttributeError):
        return None


def _json_articles(head: bytes, stream: BinaryIO, source: str, prefix: str, defaults: dict,
                   max_chars: int) -> Iterator[Article | Skipped]:
    data = head + _read(stream, -1, source)
    if not data.strip():
        raise InputError(source, "empty file (no article to process)")
    try:
        obj = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as e:
        raise InputError(source, f"not UTF-8 ({e.reason} at byte {e.start})") from None
    except json.JSONDecodeError as e:
        raise InputError(source, f"invalid JSON ({e.msg}: line {e.lineno} column {e.colno})") from None
    records = obj if isinstance(obj, list) else [obj]
    for i, rec in enumerate(records, 1):
        where = f"{source}[{i}]" if isinstance(obj, list) else source
        yield _record_article(rec, where, f"{prefix}:{i}", defaults, max_chars)


def _jsonl_articles(head: bytes, stream: BinaryIO, source: str, prefix: str, defaults: dict,
                    max_chars: int) -> Iterator[Article | Skipped]:
    any_line = False
    for n, raw in enumerate(_lines(head, stream, source), 1):
        if n == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        if not raw.strip():
            continue
        any_line = True
        where = f"{source}:{n}"
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            if b"\x00" in raw:
                yield Skipped(where, "binary data, not a JSON line")
            else:
                yield Skipped(where, f"not UTF-8 (invalid byte 0x{raw[e.start]:02x} at column {e.start + 1})")
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as e:
            yield Skipped(where, f"invalid JSON ({e.msg} at column {e.colno})")
            continue
        except RecursionError:
            yield Skipped(where, "invalid JSON (nested too deeply)")
            continue
        yield _record_article(rec, where, f"{prefix}:{n}", defaults, max_chars)
    if not any_line:
        raise InputError(source, "empty file (no article to process)")


_JSON_KIND = {list: "an array", str: "a string", int: "a number", float: "a number",
              bool: "a boolean", type(None): "null"}


def _record_article(rec, where: str, default_id: str, defaults: dict, max_chars: int) -> Article | Skipped:
    if not isinstance(rec, dict):
        return Skipped(where, f"expected a JSON object with a \"text\" field, got {_JSON_KIND.get(type(rec), 'a value')}")
    if "text" not in rec:
        keys = ", ".join(sorted(map(str, rec))[:8]) or "none"
        return Skipped(where, f"no \"text\" field (fields: {keys})")
    text = rec["text"]
    if not isinstance(text, str):
        return Skipped(where, f"\"text\" is {_JSON_KIND.get(type(text), 'not a string')}, not a string")
    if not text.strip():
        return Skipped(where, "empty \"text\"")
    text, warnings = check_text(text, max_chars)
    art = Article(text=text, where=where, warnings=warnings)
    for key in ("doc_id", "outlet", "url", "title"):
        value = rec.get(key)
        if value is None or value == "":
            continue
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            art.warnings.append(f"\"{key}\" is {_JSON_KIND.get(type(value), 'an object')}, not a string: ignored")
            continue
        setattr(art, key, value)
    if art.doc_id is None:
        art.doc_id = default_id
    if art.outlet is None:
        art.outlet = defaults["outlet"]
    pub = rec.get("published")
    if pub is None or pub == "":
        art.published = defaults["published"]
    else:
        try:
            parse_published(pub if isinstance(pub, str) else str(pub))
            art.published = pub if isinstance(pub, str) else str(pub)
        except ValueError:
            art.warnings.append(f"unknown date format in \"published\": {pub!r}; processed with the "
                                "publication date unknown (relative dates resolved against today)")
            art.published = defaults["published"] if defaults["published"] else None
    return art


# --------------------------------------------------------------------------- writing outputs

class AtomicWriter:
    """A text file written to a temporary name and renamed into place on :meth:`commit`.

    An interrupted run (error, Ctrl-C) leaves the previous file, if any, untouched.
    """

    def __init__(self, path: str) -> None:
        import tempfile

        self.path = path
        target = Path(path)
        if target.is_dir():
            raise InputError(path, "is a directory, cannot write the output there")
        parent = target.parent if str(target.parent) else Path(".")
        if not parent.is_dir():
            raise InputError(path, f"cannot write: no directory {str(parent)!r}")
        try:
            fd, self.tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=parent)
        except OSError as e:
            raise InputError(path, f"cannot write ({e.strerror or e})") from None
        self.fh = os.fdopen(fd, "w", encoding="utf-8", newline="\n")

    def write(self, s: str) -> None:
        self.fh.write(s)

    def commit(self) -> None:
        self.fh.flush()
        os.fsync(self.fh.fileno())
        self.fh.close()
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(self.tmp, 0o666 & ~umask)
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        try:
            self.fh.close()
        finally:
            try:
                os.unlink(self.tmp)
            except FileNotFoundError:
                pass

    def __enter__(self) -> "AtomicWriter":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.abort()


class _DirectWriter:
    """Writing to a device or pipe given as OUT (``/dev/stdout``, a FIFO): no rename possible."""

    def __init__(self, path: str) -> None:
        self.path = path
        try:
            self.fh = open(path, "w", encoding="utf-8", newline="\n")
        except OSError as e:
            raise InputError(path, f"cannot write ({e.strerror or e})") from None
        self.write = self.fh.write

    def commit(self) -> None:
        self.fh.close()

    def abort(self) -> None:
        self.fh.close()

    def __enter__(self) -> "_DirectWriter":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.fh.close()


def open_output(path: str):
    """A writer for OUT: atomic (temporary file + rename) for files, direct for devices and pipes."""
    p = Path(path)
    if p.exists() and not p.is_dir() and not p.is_file():
        return _DirectWriter(path)
    return AtomicWriter(path)
