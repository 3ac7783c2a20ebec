"""The landscape report as a PDF, drawn server-side with reportlab: the same
charts as the page (trend, Hubei map, applicants, IPC composition) as vector
graphics, followed by every table of :func:`reports.report_tables`; the
co-applicant and co-inventor networks are drawn as graphs above their tables.

Chinese text uses the Adobe CID font STSong-Light, which every PDF reader
supplies, so the file stays small and needs no font on the server.
"""

from __future__ import annotations

import io
import math
from typing import Any

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import (
    KeepTogether,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from iphub.core.pdftext import text_paragraph
from iphub.navigation.geo import hubei_polygons
from iphub.navigation.reports import report_tables

FONT = "STSong-Light"
# The page's ECharts palette, so a printed chart looks like the one on screen.
PALETTE = ["#5470c6", "#91cc75", "#fac858", "#ee6666", "#73c0de", "#3ba272", "#fc8452"]
MAP_SCALE = ["#eef3fb", "#c6d8f0", "#8fb2e3", "#5a89d0", "#2f5fae", "#173d80"]
WIDTH = A4[0] - 30 * mm
MAX_TABLE_ROWS = 40
# Node colours of the two collaboration graphs (ECharts' purple and pink).
NETWORK_COLOURS = {"network": "#9a60b4", "inventor_network": "#ea7ccc"}
NETWORK_TITLES = {
    "network": "节点大小：专利数；连线粗细：共同申请数",
    "inventor_network": "节点大小：专利数；连线粗细：共同发明数",
}
# The graph draws the strongest pairs (the table lists them all) and names the
# nodes with most patents, so that labels stay readable.
GRAPH_PAIRS = 20
MAX_LABELS = 24


def _font() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _styles() -> dict[str, ParagraphStyle]:
    return {
        "title": ParagraphStyle("t", fontName=FONT, fontSize=18, leading=24, spaceAfter=6),
        "h2": ParagraphStyle("h2", fontName=FONT, fontSize=13, leading=18, spaceBefore=8),
        "body": ParagraphStyle("b", fontName=FONT, fontSize=9, leading=13),
        "cell": ParagraphStyle("c", fontName=FONT, fontSize=7.5, leading=9.5),
    }


def _title(d: Drawing, text: str) -> None:
    d.add(String(0, d.height - 12, text, fontName=FONT, fontSize=10))


def trend_chart(result: dict[str, Any]) -> Drawing:
    years = result["trend"]["years"]
    d = Drawing(WIDTH, 180)
    _title(d, "申请与授权趋势（虚线后为不完整年份）")
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 30, 30, WIDTH - 130, 120
    chart.data = [
        [y["applications"] for y in years] or [0],
        [y["grants"] for y in years] or [0],
        [y["hubei"] for y in years] or [0],
    ]
    chart.categoryAxis.categoryNames = [str(y["year"]) for y in years] or [""]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.angle = 45 if len(years) > 12 else 0
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 7
    for i in range(3):
        chart.lines[i].strokeColor = colors.HexColor(PALETTE[i])
        chart.lines[i].strokeWidth = 2
    d.add(chart)
    legend = Legend()
    legend.x, legend.y = WIDTH - 90, 130
    legend.fontName, legend.fontSize = FONT, 8
    legend.colorNamePairs = [
        (colors.HexColor(PALETTE[i]), name) for i, name in enumerate(["申请量", "授权量", "湖北"])
    ]
    d.add(legend)
    return d


def hubei_map(result: dict[str, Any]) -> Drawing:
    """Hubei's 17 units filled by patent count (the ECharts map, drawn as polygons)."""
    counts = {c["code"]: c["count"] for c in result["regions"]["cities"]}
    polygons = hubei_polygons()
    xs = [x for rings in polygons.values() for ring in rings for x, _ in ring]
    ys = [y for rings in polygons.values() for ring in rings for _, y in ring]
    d = Drawing(WIDTH, 230)
    _title(d, "湖北各市州专利分布")
    x0, y0 = min(xs), min(ys)
    scale = min((WIDTH - 120) / (max(xs) - x0), 200 / (max(ys) - y0))
    top = max(counts.values() or [0])

    def fill(n: int) -> Any:
        level = 0 if not top or not n else 1 + int((len(MAP_SCALE) - 2) * n / top)
        return colors.HexColor(MAP_SCALE[level])

    for code, rings in polygons.items():
        for ring in rings:
            points: list[float] = []
            for x, y in ring:
                points += [(x - x0) * scale, (y - y0) * scale + 5]
            d.add(
                Polygon(
                    points,
                    fillColor=fill(counts.get(code, 0)),
                    strokeColor=colors.white,
                    strokeWidth=0.5,
                )
            )
    legend = Legend()
    legend.x, legend.y = WIDTH - 100, 180
    legend.fontName, legend.fontSize = FONT, 7
    ranked = sorted(result["regions"]["cities"], key=lambda c: -c["count"])[:8]
    legend.colorNamePairs = [(fill(c["count"]), f"{c['name']} {c['count']}") for c in ranked]
    d.add(legend)
    return d


def applicant_chart(result: dict[str, Any]) -> Drawing:
    top = result["applicants"][:10]
    d = Drawing(WIDTH, 40 + 16 * max(len(top), 1))
    _title(d, "主要申请人（专利数）")
    chart = HorizontalBarChart()
    chart.x, chart.y = 170, 10
    chart.width, chart.height = WIDTH - 200, 16 * max(len(top), 1)
    chart.data = [[a["count"] for a in reversed(top)] or [0]]
    chart.categoryAxis.categoryNames = [a["name"][:16] for a in reversed(top)] or [""]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 7
    chart.bars[0].fillColor = colors.HexColor(PALETTE[0])
    d.add(chart)
    return d


def ipc_pie(result: dict[str, Any]) -> Drawing:
    subs = result["technology"]["subclasses"][:8]
    d = Drawing(WIDTH, 190)
    _title(d, "技术构成（IPC 小类）")
    if not subs:
        d.add(String(20, 90, "无分类号数据", fontName=FONT, fontSize=9))
        return d
    pie = Pie()
    pie.x, pie.y, pie.width, pie.height = 20, 10, 150, 150
    pie.data = [s["count"] for s in subs]
    pie.labels = [s["code"] for s in subs]
    pie.slices.fontSize = 7
    for i in range(len(subs)):
        pie.slices[i].fillColor = colors.HexColor(PALETTE[i % len(PALETTE)])
    d.add(pie)
    legend = Legend()
    legend.x, legend.y = 210, 160
    legend.fontName, legend.fontSize = FONT, 7
    legend.colorNamePairs = [
        (colors.HexColor(PALETTE[i % len(PALETTE)]), f"{s['code']} {s['title'][:20]} {s['count']}")
        for i, s in enumerate(subs)
    ]
    d.add(legend)
    return d


def _circle_order(counts: dict[str, int], pairs: list[dict[str, Any]]) -> list[str]:
    """Nodes in the order they sit on the circle: breadth-first from the node with
    most patents, strongest partners first, one connected group after another,
    so that partners sit side by side and few edges cross the circle."""
    partners: dict[str, list[tuple[int, str]]] = {n: [] for n in counts}
    for p in pairs:
        partners[p["a"]].append((int(p["count"]), p["b"]))
        partners[p["b"]].append((int(p["count"]), p["a"]))
    order: list[str] = []
    seen: set[str] = set()
    for start in sorted(counts, key=lambda n: (-counts[n], n)):
        if start in seen:
            continue
        seen.add(start)
        queue = [start]
        while queue:
            node = queue.pop(0)
            order.append(node)
            for _n, other in sorted(partners[node], key=lambda t: (-t[0], -counts[t[1]], t[1])):
                if other not in seen:
                    seen.add(other)
                    queue.append(other)
    return order


def network_graph(net: dict[str, Any] | None, *, title: str, colour: str) -> Drawing:
    """A collaboration network on a circle: nodes sized by their patents, edges
    as thick as the joint patents. The layout is fixed (:func:`_circle_order`,
    clockwise from the top), so the same analysis always prints the same figure."""
    d = Drawing(WIDTH, 270)
    _title(d, title)
    all_pairs = (net or {}).get("pairs") or []
    pairs = sorted(all_pairs, key=lambda p: -int(p["count"]))[:GRAPH_PAIRS]
    if not pairs:
        d.add(String(20, d.height - 40, "（无合作记录）", fontName=FONT, fontSize=9))
        return d
    known: dict[str, int] = {}
    for node in (net or {}).get("nodes") or []:
        known.setdefault(node["name"], int(node["count"]))
    counts: dict[str, int] = {}
    for pair in pairs:
        for name in (pair["a"], pair["b"]):
            counts[name] = known.get(name, int(pair["count"]))
    names = _circle_order(counts, pairs)
    cx, cy, radius = WIDTH / 2, 125.0, 100.0
    place = {
        name: (
            cx + radius * math.cos(math.pi / 2 - 2 * math.pi * i / len(names)),
            cy + radius * math.sin(math.pi / 2 - 2 * math.pi * i / len(names)),
        )
        for i, name in enumerate(names)
    }
    widest = max(int(p["count"]) for p in pairs)
    for pair in sorted(pairs, key=lambda p: int(p["count"])):
        (x1, y1), (x2, y2) = place[pair["a"]], place[pair["b"]]
        d.add(
            Line(
                x1,
                y1,
                x2,
                y2,
                strokeColor=colors.HexColor("#8c8c8c"),
                strokeWidth=0.5 + 3.5 * int(pair["count"]) / widest,
            )
        )
    top = max(counts.values())
    fill = colors.HexColor(colour)
    labelled = set(sorted(counts, key=lambda n: (-counts[n], n))[:MAX_LABELS])
    for name in names:
        x, y = place[name]
        r = 3 + 9 * math.sqrt(counts[name] / top)
        d.add(Circle(x, y, r, fillColor=fill, strokeColor=colors.white, strokeWidth=0.5))
        if name not in labelled:
            continue
        dx, dy = x - cx, y - cy
        anchor = "middle" if abs(dx) < 10 else ("start" if dx > 0 else "end")
        scale = (radius + r + 4) / radius
        label = f"{name[:14]} {counts[name]}"
        d.add(
            String(
                cx + dx * scale,
                cy + dy * scale - 2,
                label,
                fontName=FONT,
                fontSize=6,
                textAnchor=anchor,
            )
        )
    notes = []
    if len(all_pairs) > len(pairs):
        notes.append(f"图中为合作最多的 {len(pairs)} 对，完整列表见下表")
    if len(names) > MAX_LABELS:
        notes.append(f"仅标注专利最多的 {MAX_LABELS} 个节点")
    if notes:
        d.add(String(0, 4, "；".join(notes) + "。", fontName=FONT, fontSize=7))
    return d


def _table(rows: list[list[Any]], headers: list[str], style: ParagraphStyle) -> Table:
    data = [[text_paragraph(str(h), style) for h in headers]]
    for row in rows[:MAX_TABLE_ROWS]:
        data.append([text_paragraph(str(v), style) for v in row])
    t = Table(data, repeatRows=1, hAlign="LEFT")
    t.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#bbbbbb")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef3fb")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return t


def report_pdf(*, title: str, query: str, result: dict[str, Any]) -> bytes:
    """The whole report as PDF bytes."""
    _font()
    st = _styles()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, title=title, author="iphub"
    )
    pos = result["position"]
    story: list[Any] = [
        text_paragraph(f"专利导航分析报告：{title}", st["title"]),
        text_paragraph(f"检索式：{query}", st["body"]),
        text_paragraph(
            f"分析日期 {result['generated_on']}；专利 {result['total']} 件，"
            f"其中湖北 {pos['hubei']} 件（{pos['hubei_share']}%）；"
            f"高价值发明专利 {result['high_value']['total']} 件。",
            st["body"],
        ),
        text_paragraph(result["trend"]["note"], st["body"]),
        Spacer(1, 4 * mm),
        trend_chart(result),
        hubei_map(result),
        applicant_chart(result),
        ipc_pie(result),
    ]
    for table in report_tables(result):
        heading = text_paragraph(table.title, st["h2"])
        if table.key in NETWORK_COLOURS:
            graph = network_graph(
                result.get(table.key),
                title=NETWORK_TITLES[table.key],
                colour=NETWORK_COLOURS[table.key],
            )
            story.append(KeepTogether([heading, graph]))
        else:
            story.append(heading)
        if not table.rows:
            story.append(text_paragraph("（无数据）", st["body"]))
            continue
        story.append(_table(table.rows, table.headers, st["cell"]))
        if len(table.rows) > MAX_TABLE_ROWS:
            story.append(
                text_paragraph(f"仅列前 {MAX_TABLE_ROWS} 行，完整数据见 Excel。", st["body"])
            )
    doc.build(story)
    return buf.getvalue()
