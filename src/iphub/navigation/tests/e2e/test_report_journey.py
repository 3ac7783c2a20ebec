"""A supervisor opens a chain, sees the Hubei map and the trend chart drawn, and
downloads the PDF report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from iphub.browser_fixtures import browser_login
from iphub.conftest import PASSWORD
from iphub.navigation import services
from iphub.navigation.models import IndustryChain

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_opens_a_chain_and_downloads_the_pdf(
    live_server: Any,
    page: Any,
    cast: dict[str, Any],
    patents: dict[int, int],
    chain: IndustryChain,
    screenshot_dir: Path,
) -> None:
    services.analysis_request(actor=cast["supervisor"], chain=chain)
    browser_login(page, live_server.url, "province_supervisor", PASSWORD)
    page.wait_for_url("**/workspace/")
    page.click("text=专利导航")
    page.click(f"text={chain.name}")
    assert page.inner_text("[data-testid=chain-name]") == chain.name
    # ECharts draws into a canvas once the map file has loaded.
    page.wait_for_selector("[data-testid=chart-trend] canvas")
    page.wait_for_selector("[data-testid=chart-map] canvas")
    page.wait_for_selector("[data-testid=chart-inventors] canvas")
    page.wait_for_function(
        "() => echarts.getInstanceByDom(document.getElementById('chart-map'))"
        ".getOption().series.length === 1"
    )
    assert "共 5 件专利" in page.inner_text("[data-testid=summary]")
    assert "18个月" in page.inner_text("[data-testid=incomplete-note]")
    page.screenshot(path=str(screenshot_dir / "navigation_chain.png"), full_page=True)
    with page.expect_download() as info:
        page.click("[data-testid=download-pdf]")
    data = Path(info.value.path()).read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 5000
