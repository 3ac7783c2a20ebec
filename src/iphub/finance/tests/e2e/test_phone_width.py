"""Every finance page at desktop width and at 390 px (a phone): screenshots to
look at, and no page wider than the phone (tables scroll in their own box)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from iphub.core.models import User
from iphub.filings.tests.e2e.pages import login
from iphub.finance.services import fund_create, insurance, sharing, whitelist
from iphub.finance.tests.e2e.test_financing_journey import shoot
from iphub.finance.tests.test_whitelist_sharing_insurance import entry_data, policy_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_finance_pages_fit_a_phone(
    live_server: Any,
    browser: Any,
    cast: dict[str, User],
    orgs: dict[str, Any],
    banks: dict[str, Any],
    asked: Any,
    screenshot_dir: Path,
) -> None:
    whitelist.whitelist_add(actor=cast["supervisor"], data=entry_data(orgs["wuhan_hongshan"]))
    policy = insurance.policy_create(actor=cast["enterprise"], data=policy_data())
    fund = fund_create(
        actor=cast["supervisor"],
        data={
            "region": "420100",
            "name": "武汉市风险补偿资金池",
            "size": "5000000",
            "established_on": "2025-01-01",
        },
    )
    sharing.fund_shares_set(
        actor=cast["supervisor"],
        fund_id=fund.pk,
        data={
            "government_share": "40",
            "bank_share": "30",
            "insurer_share": "20",
            "guarantor_share": "10",
        },
    )
    sharing.default_record(
        actor=cast["supervisor"],
        fund_id=fund.pk,
        data={
            "bank": str(banks["a"].pk),
            "borrower": "洪山测试科技有限公司",
            "region": "420111",
            "loan_amount": "2000000",
            "loss": "876543.21",
            "defaulted_on": "2026-04-01",
        },
    )
    base = live_server.url
    pages = {
        "wuhan_clerk": {
            "figures_staff": "/finance/figures/",
            "board": "/finance/board/",
            "requests_staff": "/finance/requests/",
        },
        "province_supervisor": {
            "whitelist": "/finance/whitelist/",
            "sharing": f"/finance/funds/{fund.pk}/sharing/",
            "overview": "/finance/",
        },
        "bank_a_user": {
            "products": "/finance/products/",
            "inbox": "/finance/requests/",
            "request_bank": f"/finance/requests/{asked.pk}/",
            "product_form": "/finance/products/new/",
        },
        "wuhan_enterprise": {
            "policy": f"/finance/insurance/{policy.pk}/",
            "policies": "/finance/insurance/",
            "policy_form": "/finance/insurance/new/",
        },
    }
    for username, urls in pages.items():
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        login(page, base, username)
        for name, url in urls.items():
            response = page.goto(base + url)
            assert response is not None and response.status == 200, (username, url)
            shoot(page, screenshot_dir, name)
        context.close()
