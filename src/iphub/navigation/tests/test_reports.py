"""The report as a user gets it: the page's tables, the workbook and the PDF
carry the same numbers, and the PDF really draws the charts."""

from __future__ import annotations

import io
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from PIL import Image

from iphub.navigation import services
from iphub.navigation.models import IndustryChain

pytestmark = pytest.mark.django_db(transaction=True)


class _Tables(HTMLParser):
    """Collect every ``<table data-testid="table-...">`` as rows of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._key: str | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table" and (a.get("data-testid") or "").startswith("table-"):
            self._key = str(a["data-testid"])[6:]
            self.tables[self._key] = []
        elif self._key and tag == "tr":
            self.tables[self._key].append([])
        elif self._key and tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._key = None
        elif self._key and tag in ("td", "th") and self._cell is not None:
            self.tables[self._key][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


@pytest.fixture
def analysed(patents: dict[int, int], chain: IndustryChain, cast: dict[str, Any]) -> Any:
    return services.analysis_request(actor=cast["supervisor"], chain=chain)


def test_excel_sheets_hold_the_numbers_on_the_page(
    client: Any, analysed: Any, cast: dict[str, Any]
) -> None:
    client.force_login(cast["supervisor"])
    page = client.get(f"/navigation/chains/{analysed.chain_id}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="chart-map"' in html and "echarts.min.js" in html
    parser = _Tables()
    parser.feed(html)
    assert parser.tables["cities"][1][:3] == ["420100", "武汉市", "3"]
    assert parser.tables["inventor_network"][1][2] == "3"
    assert 'data-testid="chart-inventors"' in html and 'data-testid="chart-network"' in html
    resp = client.get(f"/navigation/analyses/{analysed.pk}/report.xlsx")
    assert resp.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(resp.streaming_content)), read_only=True)
    sheets = {ws.title: ws for ws in wb.worksheets}
    titles = {
        "trend": "申请与授权趋势",
        "cities": "湖北各市州分布",
        "applicants": "主要申请人",
        "subclasses": "技术构成（IPC 小类）",
        "segments": "产业链环节与湖北位势",
        "high_value": "高价值发明专利（按类别）",
        "network": "申请人合作网络（共同申请）",
        "inventor_network": "发明人合作网络（共同发明）",
    }
    for key, title in titles.items():
        rows = [
            ["" if v is None else str(v) for v in r]
            for r in sheets[title].iter_rows(values_only=True)
        ]
        assert rows == parser.tables[key], key
    assert "说明" in sheets


def _pdf_first_page(tmp_path: Path, data: bytes) -> Image.Image:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    return Image.open(next(tmp_path.glob("page*.png"))).convert("RGB")


def test_pdf_draws_the_charts(
    client: Any, analysed: Any, cast: dict[str, Any], tmp_path: Path
) -> None:
    client.force_login(cast["supervisor"])
    resp = client.get(f"/navigation/analyses/{analysed.pk}/report.pdf")
    assert resp.status_code == 200 and resp["Content-Type"] == "application/pdf"
    data = b"".join(resp.streaming_content)
    assert data.startswith(b"%PDF")
    if shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils (pdftoppm) is not installed")
    img = _pdf_first_page(tmp_path, data)
    colours: list[tuple[int, int, int]] = [c for _n, c in img.getcolors(1 << 20) or []]  # type: ignore[misc]

    def near(rgb: tuple[int, int, int]) -> bool:
        return any(sum(abs(a - b) for a, b in zip(c, rgb, strict=True)) < 30 for c in colours)

    assert near((0x54, 0x70, 0xC6))  # the trend line (ECharts blue)
    assert near((0x17, 0x3D, 0x80))  # Wuhan, the darkest unit on the map
    assert near((0xEE, 0xF3, 0xFB))  # the units without patents


def _pdf_pages(tmp_path: Path, data: bytes) -> list[Image.Image]:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", str(pdf), str(tmp_path / "all")], check=True, timeout=60
    )
    return [Image.open(p).convert("RGB") for p in sorted(tmp_path.glob("all*.png"))]


def _pixels_near(img: Image.Image, rgb: tuple[int, int, int]) -> int:
    counted: list[tuple[int, tuple[int, int, int]]] = img.getcolors(1 << 20) or []  # type: ignore[assignment]
    return sum(n for n, c in counted if sum(abs(a - b) for a, b in zip(c, rgb, strict=True)) < 30)


def test_pdf_draws_the_collaboration_networks_as_graphs(
    client: Any, analysed: Any, cast: dict[str, Any], tmp_path: Path
) -> None:
    client.force_login(cast["supervisor"])
    resp = client.get(f"/navigation/analyses/{analysed.pk}/report.pdf")
    data = b"".join(resp.streaming_content)
    if shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils (pdftoppm) is not installed")
    pages = _pdf_pages(tmp_path, data)
    # Co-applicants: two companies, drawn as two filled nodes (ECharts purple);
    # co-inventors: the fixture's eight inventors (pink). The tables stay too.
    applicants = max(_pixels_near(p, (0x9A, 0x60, 0xB4)) for p in pages)
    inventors = max(_pixels_near(p, (0xEA, 0x7C, 0xCC)) for p in pages)
    assert applicants > 40 and inventors > 4 * 40
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "report.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "申请人合作网络（共同申请）" in text and "共同申请数" in text
