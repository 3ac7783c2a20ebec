"""The platform as people meet it (issue 16): every demo account, and an anonymous
visitor, follows every link the home page shows, and the links on those pages.

The demo is loaded as ``make run`` loads it (the ``seed_demo`` command, with
``--small``: every demo flow runs, on a subset of the bulk patent files) into the
live server's database. Every page reached is checked for what a user would
notice: a link answering 4xx or 5xx (a dead end), an English code word or a raw
Python structure in the visible text of a Chinese page, and a page that scrolls
sideways on a 390 px wide phone. All problems are collected and reported
together (role, URL, the page that linked to it, problem), so one run shows the
whole picture.

The crawl is bounded: URLs that differ only by numbers (record ids, region
codes, page numbers) or by the values of their query string count as one
pattern, of which each role opens at most two. Downloads (Excel, CSV, PDF,
exports) are fetched without a browser and only their status is checked.

The same run writes screenshots (desktop 1280 px and phone 390 px) of the home
page, search results, a need with its matches, a clerk's review screen, the
supervision dashboard and the audit log to ``var/screenshots/crawl-*.png``, and
a summary with the page count and timings to ``var/screenshots/crawl-report.txt``.
"""

from __future__ import annotations

import io
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.cache import caches
from django.core.management import call_command

from iphub.browser_fixtures import browser_login
from iphub.core.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from iphub.core.models import User
from iphub.portal.tests.codewords import code_words

# The walk runs in the SQLite suite only (marker ``pagewalk``, see conftest.py): what it
# checks is what a person reads on 1,300-odd pages (words, not codes; no 403/500 behind
# a link; no sideways scroll), which the database does not change, and SQLite is what
# `make run` serves the demo on.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.pagewalk,
    pytest.mark.django_db(transaction=True),
]

PHONE_WIDTH = 390
DESKTOP_WIDTH = 1280
MAX_DEPTH = 2  # home page = 0; its links = 1; their links = 2
PER_PATTERN = 2  # pages opened per URL pattern per role
DOWNLOAD_SUFFIXES = (".xlsx", ".xls", ".csv", ".pdf", ".docx", ".doc", ".zip", ".json")
# Links that change the session rather than show a page.
SKIPPED_PATHS = ("/logout/", "/i18n/")


# --- the crawl -----------------------------------------------------------------------


@dataclass
class Problem:
    role: str
    url: str
    referrer: str
    problem: str

    def line(self) -> str:
        return f"[{self.role}] {self.url}  (from {self.referrer or '-'}): {self.problem}"


@dataclass
class Crawl:
    base: str
    allowed: frozenset[str]
    problems: list[Problem] = field(default_factory=list)
    pages: int = 0
    downloads: int = 0
    per_role: dict[str, int] = field(default_factory=dict)
    opened: list[str] = field(default_factory=list)  # "role url", for the report
    failed_requests: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def pattern_of(url: str) -> str:
    """One key for URLs that differ only by numbers or by query values."""
    parts = urlsplit(url)
    path = re.sub(r"\d+", "N", parts.path)
    keys = sorted({k for k, _v in parse_qsl(parts.query, keep_blank_values=True)})
    return path + ("?" + "&".join(keys) if keys else "")


def is_download(url: str, attrs: dict[str, Any]) -> bool:
    """A file rather than a page; anything else that turns out to be one (an
    attachment) is noticed when the browser refuses to show it."""
    parts = urlsplit(url)
    path = parts.path.lower()
    return (
        bool(attrs.get("download"))
        or path.endswith(DOWNLOAD_SUFFIXES)
        or "export" in path
        or "download" in path
        or "export=" in parts.query
        or path.startswith(("/media/", "/api/"))
    )


_PAGE_FACTS = """() => ({
  width: document.documentElement.scrollWidth,
  lang: document.documentElement.lang,
  html: document.documentElement.outerHTML,
  links: Array.from(document.querySelectorAll("a[href]")).map(a => ({
    href: a.href, raw: a.getAttribute("href"), download: a.hasAttribute("download"),
  })),
})"""


def _log_in(page: Any, base: str, username: str) -> None:
    browser_login(page, base, username, DEMO_PASSWORD)
    if "/login/" in page.url:
        raise AssertionError(f"{username} could not log in: {page.inner_text('main')[:200]}")


def _wanted(link: dict[str, Any], base: str) -> str | None:
    raw = (link.get("raw") or "").strip()
    if not raw or raw.startswith(("#", "mailto:", "tel:", "javascript:")):
        return None
    href = str(link["href"]).split("#", 1)[0]
    if not href.startswith(base + "/"):
        return None  # another origin
    path = urlsplit(href).path
    if path.startswith(SKIPPED_PATHS):
        return None
    return href


def crawl_role(
    crawl: Crawl,
    browser: Any,
    role: str,
    username: str | None,
    try_path: str = "/",
    max_depth: int = MAX_DEPTH,
) -> None:
    """Crawl as one account; ``try_path`` (what seed_demo tells the account to try)
    is opened as if the home page linked to it."""
    started = time.monotonic()
    context = browser.new_context(
        locale="zh-CN", viewport={"width": PHONE_WIDTH, "height": 844}, accept_downloads=False
    )
    page = context.new_page()
    # Failed requests a page makes itself (favicon, stylesheets, HTMX fragments).
    failed: list[str] = []
    page.on(
        "response",
        lambda r: (
            failed.append(f"{r.url} answers {r.status}")
            if r.status >= 400 and r.request.resource_type != "document"
            else None
        ),
    )
    crawl.failed_requests = failed
    try:
        if username:
            _log_in(page, crawl.base, username)
        seen: set[str] = set()
        per_pattern: Counter[str] = Counter()
        queue: list[tuple[str, str, int]] = [(crawl.base + "/", "", 0)]
        if try_path != "/":
            queue.append((crawl.base + try_path, "seed_demo's 试试 line", 1))
            per_pattern[pattern_of(crawl.base + try_path)] += 1
        opened = 0
        while queue:
            url, referrer, depth = queue.pop(0)
            if url in seen:
                continue
            seen.add(url)
            links = _visit(crawl, context, page, role, url, referrer, depth)
            if links is None:
                continue  # it was a file, fetched as a download
            opened += 1
            crawl.opened.append(f"{role} {url.removeprefix(crawl.base)}")
            for link in links if depth < max_depth else []:
                target = _wanted(link, crawl.base)
                if target is None or target in seen:
                    continue
                key = pattern_of(target)
                if per_pattern[key] >= PER_PATTERN:
                    continue
                if is_download(target, link):
                    seen.add(target)
                    per_pattern[key] += 1
                    _fetch(crawl, context, role, target, url)
                    continue
                per_pattern[key] += 1
                queue.append((target, url, depth + 1))
        crawl.per_role[role] = opened
    finally:
        context.close()
        crawl.seconds[role] = time.monotonic() - started


def _fetch(crawl: Crawl, context: Any, role: str, url: str, referrer: str) -> None:
    crawl.downloads += 1
    crawl.opened.append(f"{role} {url.removeprefix(crawl.base)} (download)")
    response = context.request.get(url, max_redirects=5)
    if response.status >= 400:
        crawl.problems.append(Problem(role, url, referrer, f"download answers {response.status}"))
    response.dispose()


def _visit(
    crawl: Crawl, context: Any, page: Any, role: str, url: str, referrer: str, depth: int
) -> list[dict[str, Any]] | None:
    """Open one page and check it; returns its links, or None when it was a file."""
    crawl.pages += 1
    crawl.failed_requests.clear()
    try:
        response = page.goto(url, wait_until="load")
    except Exception as exc:  # a download or an aborted navigation
        if "Download is starting" in str(exc) or "ERR_ABORTED" in str(exc):
            crawl.pages -= 1
            _fetch(crawl, context, role, url, referrer)
            return None
        else:
            crawl.problems.append(Problem(role, url, referrer, f"does not open: {exc}"[:300]))
        return []
    status = response.status if response else 0
    if status >= 400:
        crawl.problems.append(Problem(role, url, referrer, f"answers {status}"))
    if role != "anonymous" and urlsplit(page.url).path == "/login/" and "/login/" not in url:
        # A signed-in user sent to log in again has hit a door as closed as a 403.
        crawl.problems.append(Problem(role, url, referrer, "sends a signed-in user to log in"))
    try:
        facts = page.evaluate(_PAGE_FACTS)
    except Exception:  # the page reloaded itself (a finished job's progress) meanwhile
        page.wait_for_load_state("load")
        facts = page.evaluate(_PAGE_FACTS)
    for failure in dict.fromkeys(crawl.failed_requests):
        crawl.problems.append(Problem(role, url, referrer, "the page's request " + failure))
    if facts["width"] > PHONE_WIDTH:
        crawl.problems.append(
            Problem(role, url, referrer, f"{facts['width']} px wide at {PHONE_WIDTH} px")
        )
    lang = str(facts["lang"]) or "zh-hans"
    found = code_words(facts["html"], lang=lang, allow=crawl.allowed)
    if found:
        shown = "; ".join(str(f) for f in found[:6]) + (
            f" … ({len(found)} in all)" if len(found) > 6 else ""
        )
        crawl.problems.append(Problem(role, url, referrer, "shown raw: " + shown))
    return list(facts["links"]) if status < 400 else []


# --- screenshots ---------------------------------------------------------------------


def _shoot(page: Any, directory: Path, name: str) -> None:
    for width in (DESKTOP_WIDTH, PHONE_WIDTH):
        if page.viewport_size["width"] != width:
            # Reloaded at the new width, as a phone would open it (charts size themselves on load).
            page.set_viewport_size({"width": width, "height": 900 if width > 500 else 844})
            page.reload()
        page.wait_for_timeout(300)  # charts animate in
        page.screenshot(path=str(directory / f"crawl-{name}-{width}.png"), full_page=True)


def _first_link(page: Any, pattern: str) -> str | None:
    hrefs: list[str] = page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)")
    return next((h for h in hrefs if re.search(pattern, urlsplit(h).path)), None)


def take_screenshots(browser: Any, base: str, directory: Path) -> list[Problem]:
    """The pages issue 16 asks to see, desktop and phone width; what cannot be
    reached is returned as a problem rather than skipped silently."""
    problems: list[Problem] = []

    def as_user(username: str | None) -> Any:
        context = browser.new_context(
            locale="zh-CN", viewport={"width": DESKTOP_WIDTH, "height": 900}
        )
        page = context.new_page()
        if username:
            _log_in(page, base, username)
        return page

    def open_first(page: Any, listing: str, pattern: str, what: str, role: str) -> bool:
        page.goto(base + listing)
        href = _first_link(page, pattern)
        if href is None:
            problems.append(Problem(role, base + listing, "", f"screenshot: no {what} to open"))
            return False
        page.goto(href)
        return True

    def search_example(page: Any) -> bool:
        # The example the search page itself offers; the demo is built so that it finds records.
        page.goto(base + "/patents/?q=分类号%3DH01M*%20AND%20电池")
        if page.locator("[data-testid=hit]").count() == 0:
            problems.append(
                Problem("anonymous", page.url, "", "screenshot: the search example finds nothing")
            )
        return True

    shots: list[tuple[str | None, str, Callable[[Any], bool]]] = [
        (None, "home", lambda p: bool(p.goto(base + "/"))),
        (
            None,
            "search",
            lambda p: search_example(p),
        ),
        (
            "enterprise_user",
            "need-matches",
            lambda p: open_first(
                p, "/transfer/needs/mine/", r"^/transfer/needs/\d+/$", "need", "enterprise_user"
            ),
        ),
        (
            "wuhan_clerk",
            "review",
            lambda p: open_first(p, "/filings/queue/", r"^/filings/\d+/$", "filing", "wuhan_clerk"),
        ),
        ("province_supervisor", "dashboard", lambda p: bool(p.goto(base + "/supervision/"))),
        ("province_auditor", "audit", lambda p: bool(p.goto(base + "/audit/"))),
    ]
    for username, name, go in shots:
        page = as_user(username)
        try:
            go(page)
            page.wait_for_load_state("load")
            _shoot(page, directory, name)
        except Exception as exc:  # reported with the rest, never hidden
            problems.append(Problem(username or "anonymous", name, "", f"screenshot: {exc}"[:300]))
        finally:
            page.context.close()
    return problems


# --- the test ------------------------------------------------------------------------


@pytest.fixture
def own_dirs(tmp_path: Path, settings: Any) -> Iterator[None]:
    """The demo's search index, uploads, navigation snapshot and cached figures stay
    this test's own: the database is emptied after it, and later tests must not
    find an index or a cache that describes the demo."""
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.NAVIGATION_SNAPSHOT_PATH = tmp_path / "navigation" / "corpus.duckdb"
    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


def test_every_role_follows_every_link_two_levels_deep(
    live_server: Any, browser: Any, screenshot_dir: Path, own_dirs: None
) -> None:
    started = time.monotonic()
    call_command("seed_demo", "--small", stdout=io.StringIO())
    seeded = time.monotonic() - started

    usernames = frozenset(User.objects.values_list("username", flat=True))
    crawl = Crawl(base=live_server.url, allowed=usernames)
    crawl_role(crawl, browser, "anonymous", None)
    walked: set[str] = set()
    for acc in DEMO_ACCOUNTS:
        role = f"{acc.username} ({acc.role})"
        # The first account of a role walks two levels; the others of that role open
        # their own home cards, menu and 试试 page (what their scope and organisation
        # change) and no further: their second level repeats the first account's
        # page patterns, and it was half of the walk's minutes.
        depth = MAX_DEPTH if acc.role not in walked else 1
        walked.add(acc.role)
        crawl_role(crawl, browser, role, acc.username, getattr(acc, "path", "/") or "/", depth)
    crawled = time.monotonic() - started - seeded
    favicon = browser.new_context()
    status = favicon.request.get(live_server.url + "/favicon.ico").status
    if status >= 400:
        crawl.problems.append(
            Problem("anonymous", "/favicon.ico", "every page", f"answers {status}")
        )
    favicon.close()

    crawl.problems += take_screenshots(browser, live_server.url, screenshot_dir)
    shot = time.monotonic() - started - seeded - crawled

    summary = [
        f"seed_demo {seeded:.0f} s, crawl {crawled:.0f} s, screenshots {shot:.0f} s; "
        f"{crawl.pages} pages, {crawl.downloads} downloads, {len(crawl.problems)} problems",
        *(f"  {r}: {crawl.per_role.get(r, 0)} pages, {s:.0f} s" for r, s in crawl.seconds.items()),
    ]
    report = "\n".join(summary + [""] + [p.line() for p in crawl.problems])
    opened = "\n".join(["", "Pages opened:", *crawl.opened])
    (screenshot_dir / "crawl-report.txt").write_text(
        report + "\n" + opened + "\n", encoding="utf-8"
    )
    print(report)
    assert not crawl.problems, f"{len(crawl.problems)} problems on the demo:\n{report}"
