"""The financing API (requests and bank answers, validated, scoped) and the pages
(each opens for whom it should, refuses or hides for the rest, lists without
N+1 queries)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.utils import timezone

from iphub.core.models import User
from iphub.filings.tests.conftest import NUMBERS
from iphub.finance.models import AnswerState, FinancingRequest
from iphub.patents.models import Patent, PatentGrade

pytestmark = pytest.mark.django_db


def post(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_api_request_and_answers(
    client: Any, cast: dict[str, User], banks: dict[str, Any], offers: Any, patents: Any
) -> None:
    client.force_login(cast["enterprise"])
    bad = post(
        client, "/api/v1/finance/requests", {"amount": "abc", "term_months": "12", "patents": []}
    )
    assert bad.status_code == 400 and "amount" in bad.json()["fields"]
    bad = post(
        client,
        "/api/v1/finance/requests",
        {"amount": "2000000", "term_months": "12", "patents": [NUMBERS["other_owner"]]},
    )
    assert bad.status_code == 400 and "专利权人" in bad.json()["fields"]["patents"]
    assert not FinancingRequest.objects.exists()
    made = post(
        client,
        "/api/v1/finance/requests",
        {
            "amount": "2000000",
            "term_months": "12",
            "patents": [NUMBERS["granted"]],
            "banks": [banks["a"].pk],
        },
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert [a["bank"] for a in body["answers"]] == [banks["a"].name]
    slot = body["answers"][0]
    assert slot["actions"] == ["withdraw"]
    # The bank answers; its payload is validated, a stale version refused.
    client.force_login(banks["b_user"])
    assert client.get(f"/api/v1/finance/requests/{body['id']}").status_code == 404
    assert post(client, f"/api/v1/finance/answers/{slot['id']}/accept", {}).status_code == 404
    client.force_login(banks["a_user"])
    assert client.get("/api/v1/finance/requests").json()[0]["id"] == body["id"]
    r = post(client, f"/api/v1/finance/answers/{slot['id']}/accept", {"version": 0})
    assert r.status_code == 200 and r.json()["state"] == AnswerState.REVIEWING
    assert r.json()["actions"] == ["need_more", "decline", "approve"]
    stale = post(
        client, f"/api/v1/finance/answers/{slot['id']}/decline", {"version": 0, "reason": "credit"}
    )
    assert stale.status_code == 409
    assert post(client, f"/api/v1/finance/answers/{slot['id']}/loan", {}).status_code == 422
    r = post(
        client,
        f"/api/v1/finance/answers/{slot['id']}/approve",
        {"amount": "1900000", "rate": "3.7", "term_months": "12"},
    )
    assert r.json()["approved_amount"] == "1900000.00"
    # Staff read but do not answer.
    client.force_login(cast["wuhan_clerk"])
    assert client.get(f"/api/v1/finance/requests/{body['id']}").json()["state"] == "open"
    assert (
        post(
            client, f"/api/v1/finance/answers/{slot['id']}/decline", {"reason": "credit"}
        ).status_code
        == 404
    )


PAGES = [
    "/finance/products/",
    "/finance/requests/",
    "/finance/board/",
    "/finance/whitelist/",
    "/finance/insurance/",
    "/finance/figures/",
]


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("enterprise", [200, 200, 403, 403, 200, 403]),
        ("bank", [200, 200, 200, 200, 200, 403]),
        ("wuhan_clerk", [200, 200, 200, 200, 200, 200]),
        ("supervisor", [200, 200, 200, 200, 200, 200]),
    ],
)
def test_who_opens_which_page(
    client: Any,
    cast: dict[str, User],
    banks: dict[str, Any],
    asked: Any,
    who: str,
    expected: list[int],
) -> None:
    user = banks["a_user"] if who == "bank" else cast[who]
    client.force_login(user)
    assert [client.get(url).status_code for url in PAGES] == expected


def test_request_pages_show_what_each_party_may_do(
    client: Any,
    cast: dict[str, User],
    banks: dict[str, Any],
    asked: Any,
    django_assert_max_num_queries: Any,
) -> None:
    client.force_login(banks["a_user"])
    with django_assert_max_num_queries(20):
        inbox = client.get("/finance/requests/").content.decode()
    assert asked.reference in inbox
    page = client.get(f"/finance/requests/{asked.pk}/").content.decode()
    assert 'data-testid="accept"' in page and banks["b"].name not in page
    client.force_login(cast["enterprise"])
    page = client.get(f"/finance/requests/{asked.pk}/").content.decode()
    assert 'data-testid="accept"' not in page and 'data-testid="withdraw"' in page
    assert banks["b"].name in page
    client.force_login(cast["yichang_supervisor"])
    assert client.get(f"/finance/requests/{asked.pk}/").status_code == 404
    client.force_login(cast["supervisor"])
    with django_assert_max_num_queries(20):
        listing = client.get("/finance/requests/")
    assert asked.reference in listing.content.decode()
    xlsx = client.get("/finance/requests/?export=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_bank_answers_through_the_page_and_bad_input_changes_nothing(
    client: Any, banks: dict[str, Any], asked: Any
) -> None:
    slot = asked.answers.get(bank=banks["a"])
    client.force_login(banks["a_user"])
    client.post(f"/finance/answers/{slot.pk}/act/decline/", {"reason": "", "request": asked.pk})
    slot.refresh_from_db()
    assert slot.state == AnswerState.WAITING
    resp = client.post(
        f"/finance/answers/{slot.pk}/act/accept/", {"version": slot.version, "request": asked.pk}
    )
    assert resp.status_code == 302
    slot.refresh_from_db()
    assert slot.state == AnswerState.REVIEWING


def test_enterprise_asks_through_the_form(
    client: Any, cast: dict[str, User], banks: dict[str, Any], offers: Any, patents: Any
) -> None:
    client.force_login(cast["enterprise"])
    # The value grade is shown where patents' grading computed one, and only there.
    PatentGrade.objects.filter(patent__application_number=NUMBERS["second"]).delete()
    PatentGrade.objects.update_or_create(
        patent=Patent.objects.get(application_number=NUMBERS["granted"]),
        defaults={
            "score": 81,
            "band": "A",
            "method_version": "test",
            "computed_at": timezone.now(),
        },
    )
    form = client.get("/finance/requests/new/").content.decode()
    assert NUMBERS["granted"] in form and NUMBERS["other_owner"] not in form
    assert "价值等级 A（81 分）" in form
    graded = PatentGrade.objects.filter(patent__application_number__in=NUMBERS.values()).count()
    assert (
        form.count('data-testid="grade"')
        == graded
        - PatentGrade.objects.filter(patent__application_number=NUMBERS["other_owner"]).count()
    )
    # The proposals follow what the form holds: a utility model rules out bank B.
    refreshed = client.get(
        "/finance/requests/new/",
        {"amount": "2000000", "term_months": "12", "patents": [NUMBERS["utility"]]},
    ).content.decode()
    assert offers["a"].name in refreshed and offers["b"].name not in refreshed
    bad = client.post("/finance/requests/new/", {"amount": "2000000", "term_months": "12"})
    assert bad.status_code == 400 and "请至少选择一件" in bad.content.decode()
    resp = client.post(
        "/finance/requests/new/",
        {
            "amount": "2000000",
            "term_months": "12",
            "patents": [NUMBERS["granted"]],
            "products": [offers["a"].pk],
        },
    )
    made = FinancingRequest.objects.get()
    assert resp["Location"] == f"/finance/requests/{made.pk}/"
    assert [a.bank for a in made.answers.all()] == [banks["a"]]


def test_bank_publishes_a_product_through_the_form(client: Any, banks: dict[str, Any]) -> None:
    client.force_login(banks["a_user"])
    bad = client.post("/finance/products/new/", {"name": "贷", "rate_min": "x"})
    assert bad.status_code == 400
    ok = client.post(
        "/finance/products/new/",
        {
            "name": "知识产权贷",
            "rate_min": "3.5",
            "amount_min": "100000",
            "amount_max": "5000000",
            "term_min_months": "6",
            "term_max_months": "36",
            "collateral": ["invention", "gi"],
        },
    )
    assert ok.status_code == 302
    listing = client.get("/finance/products/").content.decode()
    assert "知识产权贷" in listing and "地理标志" in listing


def test_pages_speak_words_not_codes_in_both_languages(
    client: Any,
    cast: dict[str, User],
    banks: dict[str, Any],
    asked: Any,
    django_assert_max_num_queries: Any,
) -> None:
    from iphub.portal.tests.codewords import code_words, english, visible_text

    a = asked.answers.get(bank=banks["a"])
    client.force_login(banks["a_user"])
    from iphub.finance.services import answers

    answers.answer_step(
        actor=banks["a_user"], answer_id=a.pk, name="decline", data={"reason": "credit"}
    )
    # The test patents carry their fixture key in the title: "(granted)", "(second)".
    users = [banks["a_user"].username, cast["enterprise"].username, "granted", "second"]
    client.force_login(cast["enterprise"])
    page = client.get(f"/finance/requests/{asked.pk}/").content.decode()
    assert "企业信用或经营状况不符合要求" in visible_text(page)
    assert code_words(page, allow=users) == []
    with english(client):
        page = client.get(f"/finance/requests/{asked.pk}/").content.decode()
    text = visible_text(page)
    assert "Bank answers" in text and "Declined by the bank" in text
    assert "Credit or business does not meet requirements" in text
    assert code_words(page, allow=users, lang="en") == []
    client.force_login(cast["supervisor"])
    with django_assert_max_num_queries(40):
        figures = client.get("/finance/figures/")
    assert figures.status_code == 200
    assert code_words(figures.content.decode(), allow=users) == []


def test_the_finance_menu_offers_only_pages_that_open(
    client: Any, cast: dict[str, User], banks: dict[str, Any], asked: Any
) -> None:
    import re

    for user in (cast["enterprise"], banks["a_user"], cast["wuhan_clerk"], cast["wuhan_enforcer"]):
        client.force_login(user)
        page = client.get("/finance/requests/").content.decode()
        nav = re.search(
            r'<nav class="filters"[^>]*data-testid="finance-nav">(.*?)</nav>', page, re.S
        )
        assert nav is not None
        links = re.findall(r'href="([^"]+)"', nav.group(1))
        assert links and all(client.get(url).status_code == 200 for url in links), user
