"""The search state carried in links, and the numbered pager built from it."""

from __future__ import annotations

from django.http import QueryDict

from iphub.patents.pager import SearchState, pager_links


def numbers(page: int, total: int) -> list[int | None]:
    return [link.number for link in pager_links(SearchState(q="电池", page=page), total)]


def test_pager_shows_ends_and_neighbours_with_gaps() -> None:
    assert numbers(6, 20) == [1, None, 4, 5, 6, 7, 8, None, 20]
    assert numbers(1, 3) == [1, 2, 3]
    # A gap of one page shows the page instead of an ellipsis.
    assert numbers(4, 9) == [1, 2, 3, 4, 5, 6, None, 9]
    assert [link.current for link in pager_links(SearchState(q="x", page=2), 3)] == [
        False,
        True,
        False,
    ]


def test_state_from_tampered_parameters_falls_back_to_defaults() -> None:
    state = SearchState.from_params(QueryDict("q=+电池+&sort=evil&page_size=7&page=abc"))
    assert state == SearchState(q="电池", sort="relevance", page_size=20, page=1)
    old = SearchState.from_params(QueryDict("q=x&sort=date_desc&page_size=50&page=-3"))
    assert (old.sort, old.page_size, old.page) == ("app_date_desc", 50, 1)


def test_back_parameter_only_ever_leads_to_the_search_page() -> None:
    state = SearchState(q="电池", sort="grant_date_asc", page_size=50, page=3)
    again = SearchState.from_back(state.query_string())
    assert again == state
    assert again is not None and again.url().startswith("/patents/?q=")
    for raw in ("https://evil.example/?q=x", "//evil.example", "", "page=2"):
        came_from = SearchState.from_back(raw)
        assert came_from is None or came_from.url().startswith("/patents/?")
