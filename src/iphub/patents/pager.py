"""The state of a search page as it travels in URLs: query, sort, page size, page.

Read from the search page's own parameters, written into the links of the pager
and of each hit (``?back=...`` on the detail page), and read back from there, so
a record leads back to the exact search, page and sort it was opened from. A
``back`` value is only ever re-read as these four parameters and appended to the
search page's own path, so it cannot send anyone to another site.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import pairwise
from urllib.parse import urlencode

from django.http import QueryDict
from django.urls import reverse

from iphub.patents.selectors import PAGE_SIZE, PAGE_SIZES, SORT_ALIASES, SORT_ORDERS

# The pager shows the first and last page and this many pages either side of
# the current one; gaps become an ellipsis.
WINDOW = 2


@dataclass(frozen=True)
class SearchState:
    """What the user searched and which slice of the results they were looking at."""

    q: str = ""
    sort: str = "relevance"
    page_size: int = PAGE_SIZE
    page: int = 1
    # One result per simple family (issue 20).
    family: bool = False

    @classmethod
    def from_params(cls, params: QueryDict) -> SearchState:
        """Parameters as typed or tampered with: an unknown sort is relevance, a page
        size not offered is the default, a page that is no number is the first."""
        sort = params.get("sort", "relevance")
        sort = SORT_ALIASES.get(sort, sort)
        if sort not in SORT_ORDERS:
            sort = "relevance"
        size = _int(params.get("page_size"), PAGE_SIZE)
        if size not in PAGE_SIZES:
            size = PAGE_SIZE
        return cls(
            q=params.get("q", "").strip(),
            sort=sort,
            page_size=size,
            page=max(1, _int(params.get("page"), 1)),
            family=params.get("family") == "1",
        )

    @classmethod
    def from_back(cls, raw: str) -> SearchState | None:
        """The state carried in a detail page's ``back`` parameter, or None if empty."""
        state = cls.from_params(QueryDict(raw.lstrip("?")[:40000]))
        return state if state.q else None

    def with_page(self, page: int) -> SearchState:
        return replace(self, page=page)

    def query_string(self) -> str:
        """``q=...&sort=...`` with only the parameters that differ from the defaults."""
        params: dict[str, str | int] = {"q": self.q}
        if self.sort != "relevance":
            params["sort"] = self.sort
        if self.page_size != PAGE_SIZE:
            params["page_size"] = self.page_size
        if self.page != 1:
            params["page"] = self.page
        if self.family:
            params["family"] = 1
        return urlencode(params)

    def url(self) -> str:
        """The search page showing this state."""
        return f"{reverse('patents:search')}?{self.query_string()}"


def _int(raw: str | None, default: int) -> int:
    try:
        return int(str(raw).strip())
    except (TypeError, ValueError):
        return default


@dataclass(frozen=True)
class PagerLink:
    """One entry of the numbered pager; ``number`` None is a gap (…)."""

    number: int | None
    url: str = ""
    current: bool = False


def pager_links(state: SearchState, num_pages: int) -> list[PagerLink]:
    """First, last and the pages around the current one, with gaps marked."""
    wanted = {1, num_pages, *range(state.page - WINDOW, state.page + WINDOW + 1)}
    numbers = sorted(n for n in wanted if 1 <= n <= num_pages)
    # A gap of one page shows that page: "…" would take as much room.
    numbers = sorted({*numbers, *(a + 1 for a, b in pairwise(numbers) if b - a == 2)})
    links: list[PagerLink] = []
    for n in numbers:
        if links and links[-1].number is not None and n - links[-1].number > 1:
            links.append(PagerLink(None))
        links.append(PagerLink(n, state.with_page(n).url(), n == state.page))
    return links
