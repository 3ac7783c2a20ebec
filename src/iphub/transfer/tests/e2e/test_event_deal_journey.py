"""A Wuhan clerk creates a docking event, records a deal linked to the transfer
registration that 一网通办 already holds (picked in the filing picker, which follows
the deal type), and finds the deal in the region's deal list."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from iphub.core.models import Organisation, Region, User
from iphub.filings.models import Filing, FilingKind, FilingState
from iphub.patents.models import Patent
from iphub.transfer.models import Deal, DockingEvent
from iphub.transfer.tests.e2e.test_need_journey import _login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PICKER_SHOWS = "r => document.querySelector('#filing-picker').innerText.includes(r)"


def _registered(kind: str, patent: Patent, org: Organisation, user: User, number: str) -> Filing:
    """A filing as 一网通办 leaves it once registered (its own journeys cover how)."""
    return Filing.objects.create(
        kind=kind,
        state=FilingState.REGISTERED,
        region=Region.objects.get(code="420100"),
        organisation=org,
        created_by=user,
        patent=patent,
        application_number=patent.application_number,
        holder_name="江岸测试制造有限公司",
        counterparty_name=org.name,
        registration_number=number,
    )


def test_clerk_creates_event_records_deal_with_filing_and_finds_it_in_the_list(
    live_server: Any,
    page: Any,
    cast: dict[str, User],
    orgs: dict[str, Organisation],
    corpus: dict[int, Patent],
    screenshot_dir: Path,
) -> None:
    buyer, seller = orgs["wuhan_hongshan"], orgs["wuhan_jiangan"]
    transfer = _registered(
        FilingKind.PATENT_TRANSFER, corpus[1], buyer, cast["enterprise"], "HBZR2026000123"
    )
    licence = _registered(
        FilingKind.PATENT_LICENCE, corpus[2], buyer, cast["enterprise"], "HBXK2026000456"
    )
    base = live_server.url
    _login(page, base, "wuhan_clerk")

    # The workspace card leads to the events, where staff find the event form.
    page.click("[data-task=transfer_events] a")
    page.click("[data-testid=event-new]")
    form = page.locator("[data-testid=event-form]")
    form.locator("input[name=title]").fill("新能源汽车产业链专利对接会")
    form.locator("input[name=industry_chain]").fill("新能源与智能网联汽车")
    form.locator("input[name=ipc_prefixes]").fill("H01M")
    form.locator("input[name=date]").fill("2026-12-01")
    form.locator("input[name=venue]").fill("武汉光谷科技会展中心")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=event-title]")
    assert page.inner_text("[data-testid=event-title]") == "新能源汽车产业链专利对接会"
    assert "活动已创建" in page.inner_text(".messages")
    event = DockingEvent.objects.get()
    assert event.region_id == "420100"

    # Record the deal signed at the event.
    page.click("text=登记本活动成交")
    deal_form = page.locator("[data-testid=deal-form]")
    picker = deal_form.locator("[data-testid=filing-picker]")
    assert transfer.reference in picker.inner_text()
    assert licence.reference not in picker.inner_text()
    # The picker follows the deal type (HTMX): a licence deal is offered the licence filing.
    deal_form.locator("select[name=kind]").select_option("ordinary")
    page.wait_for_function(PICKER_SHOWS, arg=licence.reference)
    assert transfer.reference not in picker.inner_text()
    deal_form.locator("select[name=kind]").select_option("transfer")
    page.wait_for_function(PICKER_SHOWS, arg=transfer.reference)
    deal_form.locator("input[name=amount]").fill("800000.125")
    deal_form.locator("input[name=signed_on]").fill("2026-12-01")
    deal_form.locator("select[name=seller]").select_option(str(seller.pk))
    deal_form.locator("select[name=buyer]").select_option(str(buyer.pk))
    deal_form.locator("textarea[name=patents]").fill(corpus[1].application_number)
    picker.select_option(str(transfer.pk))
    deal_form.locator("button[type=submit]").click()
    # Three decimals: the form comes back saying what to fix, and nothing is saved.
    page.wait_for_selector("[data-field=amount]")
    assert "最多保留两位小数" in page.inner_text("[data-field=amount]")
    page.screenshot(path=str(screenshot_dir / "transfer_deal_form_error.png"), full_page=True)
    assert not Deal.objects.exists()
    page.locator("[data-testid=deal-form] input[name=amount]").fill("800000.50")
    page.locator("[data-testid=deal-form] button[type=submit]").click()

    page.wait_for_selector("[data-testid=deal-list]")
    assert "成交已登记" in page.inner_text(".messages")
    row = page.locator("[data-testid=deal-row]")
    assert row.count() == 1
    text = row.first.inner_text()
    assert "800000.50" in text and "洪山测试科技有限公司" in text
    assert "新能源汽车产业链专利对接会" in text
    assert row.first.locator("[data-testid=deal-filing]").inner_text() == "HBZR2026000123"
    deal = Deal.objects.get()
    assert deal.filing == transfer and deal.event == event
    page.screenshot(path=str(screenshot_dir / "transfer_deal_list.png"), full_page=True)

    # The menu leads back to the list, filtered by month.
    page.click(".menu >> text=成交台账")
    page.fill("input[name=month]", "2026-11")
    page.click("[data-testid=deal-filters] button")
    expect(page.locator("[data-testid=deal-row]")).to_have_count(0)
