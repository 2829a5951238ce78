"""rasd.ingest: every input format -> articles, bad inputs reported, polite fetching.

Fixtures (tests/fixtures/ingest/, see its README) are pages, a feed and texts
written the way the outlets publish them, around real article texts of the
ANT corpus v2.1 (Al Arabiya, France 24, Sky News Arabia, BBC Arabic, CNN
Arabic; 2018).  WARC files are made here with warcio, as Common Crawl News
writes them.  Fetching is tested against a local server on 127.0.0.1 only.
"""
from __future__ import annotations

import gzip
import http.server
import io
import json
import lzma
import shutil
import threading
import time
from pathlib import Path

import pytest

from rasd.io import Article, Skipped
from rasd.ingest import Fetcher, FetchError, article_key, canonical_url, read_inputs, text_hash
from rasd.ingest.encoding import decode_bytes

FIX = Path(__file__).parent / "fixtures" / "ingest"
ALARABIYA = FIX / "alarabiya-zawaida.html"
FRANCE24 = FIX / "france24-zawaida.html"
LEGACY = FIX / "legacy-cp1256.html"
FEED = FIX / "skynews-feed.rss"
CP1256 = FIX / "cnn-benghazi-cp1256.txt"
CORRUPT_GZ = FIX / "corrupt.jsonl.gz"

# The URL the ANT corpus gives for the Al Arabiya article (plain http would be the same article).
ALARABIYA_URL = ("https://www.alarabiya.net/ar/arab-and-world/2018/05/05/"
                 "مقتل-5-فلسطينيين-بانفجار-وسط-غزة-والسبب-مجهول.html")
FRANCE24_URL = "http://www.france24.com/ar/20180505-فلسطين-حماس-اتهام-إسرائيل-قتل-غزة"
# ANT corpus, CNN Arabic, ant-CN-internationalNews-392-20180525
BENGHAZI = "سقط سبعة قتلى على الأقل في انفجار سيارة مفخخة وسط بنغازي في ليبيا الخميس"
# ANT corpus, Al Arabiya, ant-AL-internationalNews-1349-20180527
GAZA = "قتل فلسطينيان وأصيب آخر بجروح بالغة، في قصف إسرائيلي على قطاع غزة صباح الأحد."


def read(*paths, **kw) -> list:
    return list(read_inputs([str(p) for p in paths], **kw))


def good(items) -> list[Article]:
    return [i for i in items if isinstance(i, Article)]


def bad(items) -> list[Skipped]:
    return [i for i in items if isinstance(i, Skipped)]


# --------------------------------------------------------------------------- WARC files, made with warcio

def write_warc(path: Path, pages: list[tuple[str, bytes]], *, extra: bool = True, gz: bool = True) -> Path:
    """A WARC as a news crawler writes it: warcinfo, then request + response per page, plus noise."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=gz)
        w.write_record(w.create_warcinfo_record(path.name, {"software": "rasd-tests", "format": "WARC/1.0"}))
        for url, body in pages:
            req = StatusAndHeaders("GET / HTTP/1.1", [("User-Agent", "CCBot/2.0"), ("Host", "example")],
                                   is_http_request=True)
            w.write_record(w.create_warc_record(url, "request", http_headers=req))
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=UTF-8"),
                                                  ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers,
                                                warc_headers_dict={"WARC-Date": "2018-05-06T02:10:00Z"}))
        if extra:   # a redirect and an image: not articles, passed over silently
            redirect = StatusAndHeaders("301 Moved Permanently", [("Location", "https://x.example/")],
                                        protocol="HTTP/1.1")
            w.write_record(w.create_warc_record("http://x.example/", "response", payload=io.BytesIO(b""),
                                                http_headers=redirect))
            png = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
            w.write_record(w.create_warc_record("https://x.example/logo.png", "response",
                                                payload=io.BytesIO(b"\x89PNG\r\n\x1a\n\x00\x00"), http_headers=png))
    return path


def make_mixed_dir(root: Path) -> Path:
    """The issue's acceptance directory: pages, a feed, a WARC, a windows-1256 text, a corrupt gzip, junk."""
    root.mkdir(parents=True, exist_ok=True)
    for f in (ALARABIYA, LEGACY, FEED, CP1256, CORRUPT_GZ):
        shutil.copy(f, root / f.name)
    sub = root / "crawl"
    sub.mkdir(exist_ok=True)
    write_warc(sub / "CC-NEWS-20180506.warc.gz", [(FRANCE24_URL, FRANCE24.read_bytes())])
    (root / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (root / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")     # hidden: passed over
    return root


# --------------------------------------------------------------------------- news pages

def test_html_page_main_text_and_metadata():
    [art] = read(ALARABIYA)
    assert art.title == "مقتل 5 فلسطينيين بانفجار وسط غزة.. والسبب مجهول"
    assert art.outlet == "العربية"                       # og:site_name
    assert art.published == "2018-05-05"                 # article:published_time
    assert canonical_url(art.url) == canonical_url(ALARABIYA_URL)
    assert art.text.startswith("أعلنت وزارة الصحة في قطاع #غزة ان خمسة فلسطينيين قتلوا")
    assert "باشرت التحقيق" in art.text
    for chrome in ("سياسة الخصوصية", "مواضيع ذات صلة", "أسواق", "جميع الحقوق محفوظة", "فيسبوك"):
        assert chrome not in art.text                    # navigation, related links, footer, share tools
    assert art.title not in art.text                     # the headline is the title, not the body
    assert art.warnings == []


def test_legacy_page_in_windows_1256_declared_by_meta():
    [art] = read(LEGACY)
    assert "وفاة صحفي فلسطيني متأثرا بجروح" in art.text
    assert "ياسر المرتجى" in art.text
    assert "Ç" not in art.text and "Ù" not in art.text  # no mojibake
    assert art.title.startswith("وفاة الصحفي الفلسطيني ياسر المرتجى")   # from <title>
    assert art.published is None
    assert any("no publication date" in w for w in art.warnings)


def test_compressed_page_is_read_like_the_page(tmp_path):
    gz = tmp_path / "page.html.gz"
    gz.write_bytes(gzip.compress(ALARABIYA.read_bytes()))
    [a] = read(gz)
    [b] = read(ALARABIYA)
    assert (a.text, a.title, a.url, a.published) == (b.text, b.title, b.url, b.published)


def test_page_without_article_text_is_reported(tmp_path):
    p = tmp_path / "empty.html"
    p.write_text("<html><head><title>x</title></head><body><nav><a href='/'>الرئيسية</a></nav></body></html>",
                 encoding="utf-8")
    [s] = read(p)
    assert isinstance(s, Skipped) and s.where == str(p) and "no article text" in s.reason


# --------------------------------------------------------------------------- encodings

def test_windows_1256_text_detected_not_mangled():
    [art] = read(CP1256)
    assert BENGHAZI in art.text
    assert art.doc_id == "cnn-benghazi-cp1256"
    assert any("windows-1256" in w for w in art.warnings)


@pytest.mark.parametrize("codec,label", [("cp1256", "windows-1256"), ("iso8859_6", "ISO-8859-6"),
                                         ("cp720", "720")])
def test_legacy_arabic_code_pages_are_told_apart(codec, label):
    data = GAZA.replace("،", ",").encode(codec) if codec == "cp720" else GAZA.encode(codec)   # 720: no ،
    text, warnings = decode_bytes(data, "x")
    assert text.replace(",", "،") == GAZA
    assert any(label in w for w in warnings)


def test_utf8_with_bom_and_utf16():
    assert decode_bytes(b"\xef\xbb\xbf" + GAZA.encode("utf-8"), "x") == (GAZA, [])
    assert decode_bytes(GAZA.encode("utf-16"), "x") == (GAZA, [])
    assert decode_bytes(GAZA.encode("utf-8"), "x") == (GAZA, [])


def test_declared_charset_wins_when_it_decodes():
    text, warnings = decode_bytes(GAZA.encode("iso8859_6"), "x", declared="iso8859_6")
    assert text == GAZA and warnings == []


# --------------------------------------------------------------------------- feeds

def test_rss_items_full_content_or_summary():
    items = read(FEED)
    assert len(items) == 2 and all(isinstance(i, Article) for i in items)
    zawaida, hasakah = items
    assert zawaida.where == f"{FEED}[item 1]"
    assert zawaida.url == "https://www.skynewsarabia.com/middle-east/1045008"
    assert zawaida.outlet == "سكاي نيوز عربية - الشرق الأوسط"
    assert zawaida.published == "Sat, 05 May 2018 18:24:38 +0000"
    # content:encoded (the whole article), not the one-line description
    assert "وباشرت التحقيق" in zawaida.text and zawaida.text.count("\n") == 3
    assert "<p>" not in hasakah.text and "قرية القصر في ريف الحسكة الجنوبي" in hasakah.text


def test_atom_feed(tmp_path):
    atom = tmp_path / "feed.atom"
    atom.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>العربية</title><id>urn:x</id><updated>2018-05-27T10:00:00Z</updated>"
        "<entry><title>قصف على غزة</title><id>urn:1</id>"
        '<link href="https://www.alarabiya.net/ar/arab-and-world/2018/05/27/gaza.html"/>'
        f"<updated>2018-05-27T09:00:00+03:00</updated><content type=\"html\">&lt;p&gt;{GAZA}&lt;/p&gt;</content>"
        "</entry></feed>", encoding="utf-8")
    [art] = read(atom)
    assert art.text == GAZA and art.outlet == "العربية"
    assert art.published == "2018-05-27T09:00:00+03:00"


def test_broken_feed_is_reported(tmp_path):
    p = tmp_path / "broken.rss"
    p.write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>', encoding="utf-8")
    [s] = read(p)
    assert isinstance(s, Skipped) and s.where == str(p)


# --------------------------------------------------------------------------- WARC

def test_warc_response_records_become_articles(tmp_path):
    warc = write_warc(tmp_path / "news.warc.gz", [(FRANCE24_URL, FRANCE24.read_bytes()),
                                                 ("https://www.alarabiya.net/x.html", ALARABIYA.read_bytes())])
    items = read(warc)
    assert [type(i).__name__ for i in items] == ["Article", "Article"]   # redirect, image, request: passed over
    f24, ara = items
    assert f24.url == FRANCE24_URL and f24.outlet == "فرانس 24" and f24.published == "2018-05-05"
    assert "مقتل ستة من أعضاء حركة المقاومة الإسلامية" in f24.text
    assert f24.where.startswith(f"{warc}[record ")
    assert canonical_url(ara.url) == canonical_url(ALARABIYA_URL)       # the page's canonical URL wins


def test_uncompressed_warc_and_crawl_date_fallback(tmp_path):
    warc = write_warc(tmp_path / "legacy.warc", [("http://news.example/story.htm", LEGACY.read_bytes())],
                      gz=False, extra=False)
    [art] = read(warc)
    assert art.url == "http://news.example/story.htm"
    assert art.published == "2018-05-06"                 # WARC-Date: the page gives no date
    assert any("crawl" in w for w in art.warnings)


def test_truncated_warc_reports_the_record(tmp_path):
    warc = write_warc(tmp_path / "cut.warc.gz", [(FRANCE24_URL, FRANCE24.read_bytes())] * 3, extra=False)
    data = warc.read_bytes()
    warc.write_bytes(data[: int(len(data) * 0.7)])
    items = read(warc)
    assert len(good(items)) >= 1
    [s] = bad(items)
    assert s.where.startswith(f"{warc}[record ") and s.reason


# --------------------------------------------------------------------------- directories, archives, junk

def test_mixed_directory_good_ones_read_bad_ones_reported(tmp_path):
    d = make_mixed_dir(tmp_path / "inbox")
    items = read(d)
    arts = good(items)
    problems = {Path(s.where.split("[")[0]).name: s.reason for s in bad(items)}
    assert set(problems) == {"corrupt.jsonl.gz", "logo.png"}
    assert "Compressed file ended" in problems["corrupt.jsonl.gz"] or "cannot read" in problems["corrupt.jsonl.gz"]
    assert "binary" in problems["logo.png"]
    sources = sorted(Path(a.where.split("[")[0]).name for a in arts)
    assert sources == ["CC-NEWS-20180506.warc.gz", "alarabiya-zawaida.html", "cnn-benghazi-cp1256.txt",
                       "legacy-cp1256.html", "skynews-feed.rss", "skynews-feed.rss"]
    # files in name order, sub-folders included, hidden files never read
    assert not any(".DS_Store" in i.where for i in items)


def test_compressed_jsonl_and_bad_lines(tmp_path):
    p = tmp_path / "batch.jsonl.xz"
    lines = [json.dumps({"doc_id": "a", "url": "https://x.example/a", "text": GAZA}, ensure_ascii=False),
             "{not json", json.dumps({"doc_id": "b"}), json.dumps({"doc_id": "c", "text": BENGHAZI},
                                                                  ensure_ascii=False)]
    p.write_bytes(lzma.compress(("\n".join(lines) + "\n").encode("utf-8")))
    items = read(p)
    assert [a.doc_id for a in good(items)] == ["a", "c"]
    assert [s.where for s in bad(items)] == [f"{p}:2", f"{p}:3"]


def test_missing_and_empty_inputs_are_reported(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    items = read(tmp_path / "nope.html", empty, CP1256)
    assert [type(i).__name__ for i in items] == ["Skipped", "Skipped", "Article"]
    assert "no such file" in items[0].reason and "empty" in items[1].reason


# --------------------------------------------------------------------------- identity

def test_article_identity_canonical_url_else_text_hash():
    plain = "http://www.alarabiya.net/ar/arab-and-world/2018/05/05/%D9%85%D9%82%D8%AA%D9%84-5.html?utm_source=tw#top"
    assert canonical_url(plain) == "https://www.alarabiya.net/ar/arab-and-world/2018/05/05/مقتل-5.html"
    assert article_key(plain, "x") == article_key("https://WWW.alarabiya.net:443/ar/arab-and-world/2018/05/05/مقتل-5.html/", "y")
    assert canonical_url("file:///etc/passwd") is None and canonical_url("not a url") is None
    assert article_key(None, GAZA) == f"text:{text_hash(GAZA)}"
    assert text_hash(GAZA) == text_hash("  " + GAZA.replace(" ", "\n ", 2) + "\n")   # whitespace does not count
    assert text_hash(GAZA) != text_hash(GAZA.replace("فلسطينيان", "ثلاثة فلسطينيين"))


# --------------------------------------------------------------------------- fetching (local server only)

class _Site(http.server.BaseHTTPRequestHandler):
    pages: dict = {}
    agents: list = []

    def do_GET(self):  # noqa: N802
        self.agents.append((self.path, self.headers.get("User-Agent")))
        if self.path == "/slow.html":
            time.sleep(1.5)
        if self.path == "/to-file":
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.end_headers()
            return
        body = self.pages.get(self.path)
        if body is None:
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml" if self.path.endswith(".rss")
                         else "text/plain" if self.path.endswith(".txt") else "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


@pytest.fixture
def site():
    _Site.agents = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    _Site.pages = {
        "/robots.txt": b"User-agent: *\nDisallow: /private/\n",
        "/news/zawaida.html": ALARABIYA.read_bytes(),
        "/private/zawaida.html": ALARABIYA.read_bytes(),
        "/big.html": b"<html><body>" + b"<p>x</p>" * 20000 + b"</body></html>",
        "/slow.html": ALARABIYA.read_bytes(),
    }
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    yield base
    server.shutdown()
    server.server_close()


def _feed(base: str, links: list[str]) -> bytes:
    items = "".join(f"<item><title>خبر {i}</title><link>{link}</link><pubDate>Sat, 05 May 2018 18:24:38 +0000"
                    f"</pubDate><description>{GAZA}</description></item>" for i, link in enumerate(links))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>موقع</title>'
            f"<link>{base}/</link>{items}</channel></rss>").encode("utf-8")


def test_fetch_linked_pages_politely(site, tmp_path):
    links = [f"{site}/news/zawaida.html", f"{site}/private/zawaida.html", f"{site}/big.html",
             f"{site}/missing.html", "file:///etc/passwd", f"{site}/to-file"]
    feed = tmp_path / "site.rss"
    feed.write_bytes(_feed(site, links))
    fetcher = Fetcher(user_agent="RasdTest/1.0", timeout=5, max_bytes=100_000)
    items = read(feed, fetcher=fetcher)
    assert len(items) == 6 and all(isinstance(i, Article) for i in items)
    page, private, big, missing, local_file, redirect = items
    assert page.text.startswith("أعلنت وزارة الصحة في قطاع #غزة") and page.outlet == "العربية"
    assert page.published == "2018-05-05" and page.url.endswith("مجهول.html")
    for art, why in ((private, "robots.txt"), (big, "cap"), (missing, "404"),
                     (local_file, "only http and https"), (redirect, "non-http(s)")):
        assert art.text == GAZA, art.where                     # the feed's own text is kept
        assert any(why in w for w in art.warnings), (why, art.warnings)
    paths = [p for p, _ in _Site.agents]
    assert "/private/zawaida.html" not in paths                # robots.txt respected
    assert paths.count("/robots.txt") == 1                      # read once per site
    assert {ua for _, ua in _Site.agents} == {"RasdTest/1.0"}


def test_fetch_timeout(site):
    f = Fetcher(timeout=0.3)
    with pytest.raises(FetchError, match="timed out"):
        f.get(f"{site}/slow.html")


def test_fetch_refuses_other_schemes():
    with pytest.raises(FetchError, match="only http and https"):
        Fetcher().get("ftp://example.org/x.html")
