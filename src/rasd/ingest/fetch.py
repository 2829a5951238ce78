"""Polite fetching of the pages a feed links to (``rasd ingest --fetch``).

* only ``http`` and ``https`` URLs, redirects included (a redirect to ``file:``
  or ``ftp:`` is refused);
* a timeout per request and a cap on the bytes read (a larger page is refused,
  not cut);
* a ``User-Agent`` naming Rasd;
* ``robots.txt`` respected, read once per site: a page it disallows for
  Rasd's agent is not fetched; a missing ``robots.txt`` (4xx) allows all, and
  one that cannot be read (5xx, network error) disallows the site, as RFC 9309
  says; a ``Crawl-delay`` (capped at :attr:`Fetcher.max_delay`) spaces requests.

Errors are raised as :class:`FetchError` with a reason a person can read.
"""
from __future__ import annotations

import time
import urllib.error
import urllib.request
import urllib.robotparser
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

ALLOWED_SCHEMES = ("http", "https")


class FetchError(Exception):
    pass


@dataclass
class Page:
    url: str                 # after redirects
    data: bytes
    content_type: str | None


class _SafeRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(newurl).scheme.lower() not in ALLOWED_SCHEMES:
            raise FetchError(f"redirect to a non-http(s) URL refused: {newurl}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def default_user_agent() -> str:
    from .. import __version__

    return f"Rasd/{__version__} (+https://pypi.org/project/rasd/; news event coding)"


class Fetcher:
    """``Fetcher().get(url)`` -> :class:`Page`, or :class:`FetchError`."""

    def __init__(self, user_agent: str | None = None, timeout: float = 15.0,
                 max_bytes: int = 5 * 1024 * 1024, respect_robots: bool = True,
                 max_delay: float = 10.0) -> None:
        self.user_agent = user_agent or default_user_agent()
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.respect_robots = respect_robots
        self.max_delay = max_delay
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
        self._last: dict[str, float] = {}
        handlers = [_SafeRedirects()]
        self._opener = urllib.request.build_opener(*handlers)

    # ------------------------------------------------------------------ raw requests
    def _open(self, url: str) -> tuple[int, bytes, str | None, str]:
        parts = urlsplit(url)
        if parts.scheme.lower() not in ALLOWED_SCHEMES or not parts.hostname:
            raise FetchError(f"only http and https URLs are fetched, not {url!r}")
        req = urllib.request.Request(url, headers={"User-Agent": self.user_agent,
                                                   "Accept": "text/html,application/xhtml+xml,*/*;q=0.5"})
        try:
            resp = self._opener.open(req, timeout=self.timeout)
        except urllib.error.HTTPError as e:
            if 300 <= e.code < 400:     # urllib refuses redirects to other schemes itself
                where = e.headers.get("Location") if e.headers else None
                raise FetchError(f"{url}: redirect to a non-http(s) URL refused: {where}") from None
            return e.code, b"", e.headers.get("Content-Type") if e.headers else None, url
        except FetchError:
            raise
        except (urllib.error.URLError, OSError, ValueError) as e:
            reason = getattr(e, "reason", e)
            raise FetchError(f"cannot fetch {url}: {reason}") from None
        with resp:
            length = resp.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > self.max_bytes:
                raise FetchError(f"{url}: {int(length):,} bytes, over the {self.max_bytes:,}-byte cap")
            try:
                data = resp.read(self.max_bytes + 1)
            except (OSError, ValueError) as e:
                raise FetchError(f"cannot read {url}: {e}") from None
            if len(data) > self.max_bytes:
                raise FetchError(f"{url}: over the {self.max_bytes:,}-byte cap")
            return resp.status, data, resp.headers.get("Content-Type"), resp.geturl()

    # ------------------------------------------------------------------ robots.txt
    def _robots_for(self, url: str) -> urllib.robotparser.RobotFileParser | None:
        parts = urlsplit(url)
        site = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
        if site not in self._robots:
            robots_url = urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))
            rp = urllib.robotparser.RobotFileParser(robots_url)
            try:
                status, data, _, _ = self._open(robots_url)
            except FetchError:
                status, data = 599, b""
            if status >= 500:
                rp.disallow_all = True
            elif status >= 400:
                rp.allow_all = True
            else:
                rp.parse(data.decode("utf-8", "replace").splitlines())
            self._robots[site] = rp
        return self._robots[site]

    def allowed(self, url: str) -> bool:
        if not self.respect_robots:
            return True
        return self._robots_for(url).can_fetch(self.user_agent, url)

    def _wait(self, url: str) -> None:
        if not self.respect_robots:
            return
        site = urlsplit(url).netloc.lower()
        rp = self._robots_for(url)
        delay = rp.crawl_delay(self.user_agent) if rp else None
        if delay:
            delay = min(float(delay), self.max_delay)
            last = self._last.get(site)
            if last is not None and time.monotonic() - last < delay:
                time.sleep(delay - (time.monotonic() - last))
        self._last[site] = time.monotonic()

    # ------------------------------------------------------------------ public
    def get(self, url: str) -> Page:
        parts = urlsplit(url)
        if parts.scheme.lower() not in ALLOWED_SCHEMES or not parts.hostname:
            raise FetchError(f"only http and https URLs are fetched, not {url!r}")
        if not self.allowed(url):
            raise FetchError(f"{url}: disallowed by robots.txt")
        self._wait(url)
        status, data, ctype, final = self._open(url)
        if status != 200:
            raise FetchError(f"{url}: HTTP {status}")
        return Page(final, data, ctype)
