"""Find internals shown raw on a page: English code words and Python reprs (issue 16).

A Chinese page must say everything in words: no ``filing_approve``,
``high_tech`` or ``pending``, no ``{'stage': 'new'}``. :func:`code_words`
reads the text a person sees (text nodes, ``placeholder`` and ``title``; not
scripts, styles, ``<code>``/``<pre>``/``<kbd>`` or elements marked
``data-raw``) and returns what it finds, so a test can print every finding
of a page at once::

    from iphub.portal.tests.codewords import assert_no_code_words, code_words

    assert code_words(response.content.decode()) == []
    assert_no_code_words(html, lang="en")   # English page: snake_case and reprs only

What counts as a code word:

* a snake_case identifier (``app_date``, ``bqw_1000``), or an ``app.code``
  (``finance.fund_create``, ``navigation.industrychain``), outside URLs,
  e-mail addresses and file names;
* on a Chinese page only, a stored choice value of any iphub model
  (``enterprise``, ``draft``, ``pledge_contract``) or a workflow step name
  (``submit``, ``approve``) standing alone;
* anywhere, a Python dict/list repr or ``<Model: …>``; on a Chinese page also
  ``None``/``True``/``False``.

Account names of the demo (``wuhan_clerk``) are people's log-in names, not
code words, and are allowed; pass ``allow=`` for more such names.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from django.utils import translation

__all__ = ["Finding", "assert_no_code_words", "code_words", "english", "visible_text"]

# Elements whose content is not read as text, and those that show code on purpose.
_SKIP = frozenset({"script", "style", "template", "noscript", "code", "pre", "kbd", "samp", "head"})
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
_SHOWN_ATTRS = ("placeholder", "title")


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip: list[str] = []  # open elements that hide their content

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag not in _VOID and (tag in _SKIP or "data-raw" in names or "hidden" in names):
            self._skip.append(tag)
            return
        if not self._skip:
            self.parts.extend(v for k, v in attrs if k in _SHOWN_ATTRS and v)
        if tag in ("br", "p", "div", "li", "td", "th", "tr", "option"):
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self._skip:
            self.parts.extend(v for k, v in attrs if k in _SHOWN_ATTRS and v)

    def handle_endtag(self, tag: str) -> None:
        if self._skip and self._skip[-1] == tag:
            self._skip.pop()
        elif tag in ("p", "div", "li", "td", "th", "tr", "option"):
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The text of ``html`` a person reads (see the module docstring)."""
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


@dataclass(frozen=True)
class Finding:
    kind: str  # "snake_case", "app_code", "choice_value", "raw_repr"
    token: str
    context: str

    def __str__(self) -> str:
        return f"{self.kind} {self.token!r} in …{self.context}…"


# Not part of a URL, an e-mail address or a file name (``patent_titles_4800.csv``).
_URLISH = re.compile(
    r"\S+://\S+|[\w.+-]+@[\w-]+\.[\w.]+|\b[\w-]+\.(?:xlsx|xls|csv|pdf|docx?|zip|json|png|jpe?g|txt)\b"
)
_SNAKE = re.compile(r"(?<![\w@./:=-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w@/-]|\.\w)")
_WORD = re.compile(r"(?<![\w@./:=-])[a-z][a-z0-9]{2,}(?![\w@/-]|\.\w)")
_RAW = (
    re.compile(r"\{\s*['\"][^'\"\n]{1,60}['\"]\s*:"),  # {'key': …} / {"key": …}
    re.compile(r"\[\s*['\"][^'\"\n]{0,60}['\"]\s*[,\]]"),  # ['a', 'b']
    re.compile(r"\[\s*\d+(?:\s*,\s*\d+){2,}"),  # [999, 1000, 1001 …
    re.compile(r"<[A-Z]\w+(?:: [^>\n]{0,60})?>"),  # <QuerySet …>, <Organisation: …>
    re.compile(r"object at 0x[0-9a-f]+"),
)
# Plain English words on an English page, Python's on a Chinese one.
_PY_CONSTANT = re.compile(r"(?<![\w])(?:None|True|False)(?![\w])")


@functools.cache
def _app_labels() -> frozenset[str]:
    from django.apps import apps

    return frozenset(c.label for c in apps.get_app_configs() if c.name.startswith("iphub."))


@functools.cache
def _choice_codes() -> frozenset[str]:
    """Stored values of every iphub choice field and the names of workflow steps."""
    from django.apps import apps

    codes: set[str] = set()
    for model in apps.get_models():
        if not model.__module__.startswith("iphub."):
            continue
        for f in model._meta.get_fields():
            for value, _label in getattr(f, "flatchoices", None) or ():
                if isinstance(value, str) and re.fullmatch(r"[a-z][a-z0-9_]{2,}", value):
                    codes.add(value)
    from django.db import models

    pending = list(models.TextChoices.__subclasses__())
    while pending:  # enums not attached to a field too (organisation tags live in a JSON list)
        enum = pending.pop()
        pending.extend(enum.__subclasses__())
        if enum.__module__.startswith("iphub."):
            codes.update(v for v in enum.values if re.fullmatch(r"[a-z][a-z0-9_]{2,}", v))
    from iphub.filings import workflow as filing_workflow

    codes.update(t.name for t in filing_workflow.TRANSITIONS)
    codes.update(("create", "edit", "correct", "escalate"))  # filing history steps
    try:
        from iphub.supervision import workflow as report_workflow

        steps = report_workflow.TRANSITIONS
        codes.update(steps if isinstance(steps, dict) else (t.name for t in steps))
    except (ImportError, AttributeError):
        pass
    return frozenset(codes)


@functools.cache
def _demo_usernames() -> frozenset[str]:
    from iphub.core.demo import DEMO_ACCOUNTS

    return frozenset(a.username for a in DEMO_ACCOUNTS)


def _context(text: str, start: int, end: int) -> str:
    return " ".join(text[max(0, start - 30) : end + 30].split())


def code_words(html: str, *, lang: str = "zh-hans", allow: Iterable[str] = ()) -> list[Finding]:
    """Every code word and raw repr in the visible text of ``html`` (empty if none).

    ``lang`` is the page's language: choice values count only on a Chinese page,
    since on an English one ``open`` or ``draft`` may be plain words."""
    text = visible_text(html)
    allowed = _demo_usernames() | set(allow)
    findings: list[Finding] = []
    for rx in _RAW:
        for m in rx.finditer(text):
            findings.append(Finding("raw_repr", m.group(0), _context(text, m.start(), m.end())))
    plain = _URLISH.sub(lambda m: " " * len(m.group(0)), text)
    labels = "|".join(sorted(_app_labels()))
    apps_rx = re.compile(rf"(?<![\w@./:-])(?:{labels})\.[a-z][a-z0-9_]*(?![\w@/-])")
    for m in apps_rx.finditer(plain):
        findings.append(Finding("app_code", m.group(0), _context(text, m.start(), m.end())))
        plain = plain[: m.start()] + " " * (m.end() - m.start()) + plain[m.end() :]
    for m in _SNAKE.finditer(plain):
        if m.group(0) not in allowed:
            findings.append(Finding("snake_case", m.group(0), _context(text, m.start(), m.end())))
    if not lang.startswith("en"):
        for m in _PY_CONSTANT.finditer(text):
            findings.append(Finding("raw_repr", m.group(0), _context(text, m.start(), m.end())))
        codes = _choice_codes()
        for m in _WORD.finditer(plain):
            if m.group(0) in codes and m.group(0) not in allowed:
                findings.append(
                    Finding("choice_value", m.group(0), _context(text, m.start(), m.end()))
                )
    return findings


def assert_no_code_words(html: str, *, lang: str = "zh-hans", allow: Iterable[str] = ()) -> None:
    """Fail with every finding listed when ``html`` shows a code word or a raw repr."""
    found = code_words(html, lang=lang, allow=allow)
    assert not found, "internals shown raw:\n" + "\n".join(str(f) for f in found)


@contextmanager
def english(client: Any) -> Iterator[Any]:
    """``client`` asking for English pages; the language is put back afterwards
    (LocaleMiddleware leaves the last request's language active in the thread)."""
    client.cookies["django_language"] = "en"
    try:
        with translation.override("en"):
            yield client
    finally:
        del client.cookies["django_language"]
