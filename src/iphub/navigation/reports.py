"""The tables behind every chart of a landscape report, and the Excel workbook.

:func:`report_tables` is the one place that turns an analysis result into
rows: the web page, the workbook and the PDF all print these, so the three
always carry the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font


@dataclass
class ReportTable:
    key: str
    title: str
    headers: list[str]
    rows: list[list[Any]]


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value}%"


def report_tables(result: dict[str, Any]) -> list[ReportTable]:
    """Every table of the report, in reading order (GB/T 39551 report contents)."""
    trend = result["trend"]
    pos = result["position"]
    hv = result["high_value"]
    net = result["network"]
    inv_net = result.get("inventor_network") or {"pairs": []}
    hv_city = {h["code"]: h["count"] for h in hv["by_city"]}
    tables = [
        ReportTable(
            "trend",
            "申请与授权趋势",
            ["年份", "申请量", "授权量", "湖北申请量", "其他地区申请量", "数据完整性"],
            [
                [
                    y["year"],
                    y["applications"],
                    y["grants"],
                    y["hubei"],
                    y["rest"],
                    "不完整" if y["incomplete"] else "",
                ]
                for y in trend["years"]
            ],
        ),
        ReportTable(
            "cities",
            "湖北各市州分布",
            ["代码", "市（州）", "专利数", "高价值发明专利"],
            [
                [c["code"], c["name"], c["count"], hv_city.get(c["code"], 0)]
                for c in result["regions"]["cities"]
            ],
        ),
        ReportTable(
            "provinces",
            "各省分布",
            ["代码", "省份", "专利数"],
            [[p["code"], p["name"], p["count"]] for p in result["regions"]["provinces"]],
        ),
        ReportTable(
            "applicants",
            "主要申请人",
            ["排名", "申请人", "专利数", "其中湖北", "各年申请量"],
            [
                [
                    i + 1,
                    a["name"],
                    a["count"],
                    a["hubei"],
                    "，".join(f"{y}:{n}" for y, n in sorted(a["by_year"].items())),
                ]
                for i, a in enumerate(result["applicants"])
            ],
        ),
        ReportTable(
            "subclasses",
            "技术构成（IPC 小类）",
            ["IPC 小类", "含义", "专利数"],
            [[t["code"], t["title"], t["count"]] for t in result["technology"]["subclasses"]],
        ),
        ReportTable(
            "main_groups",
            "技术构成（IPC 大组）",
            ["IPC 大组", "含义", "专利数"],
            [[t["code"], t["title"], t["count"]] for t in result["technology"]["main_groups"]],
        ),
        ReportTable(
            "segments",
            "产业链环节与湖北位势",
            ["环节", "名称", "专利数", "湖北", "湖北占比", "主要 IPC 小类", "短板"],
            [
                [
                    s["stage_label"],
                    s["segment"],
                    s["count"],
                    s["hubei"],
                    f"{s['hubei_share']}%",
                    " ".join(s["top_subclasses"]),
                    "是" if s["gap"] else "",
                ]
                for s in result["segments"]
            ],
        ),
        ReportTable(
            "types",
            "专利类型",
            ["类型", "专利数"],
            [[t["label"], t["count"]] for t in result["types"]["types"]],
        ),
        ReportTable(
            "status",
            "法律状态",
            ["状态", "专利数"],
            [[s["status"], s["count"]] for s in result["types"]["status_groups"]],
        ),
        ReportTable(
            "network",
            "申请人合作网络（共同申请）",
            ["申请人甲", "申请人乙", "共同申请数"],
            [[p["a"], p["b"], p["count"]] for p in net["pairs"]],
        ),
        ReportTable(
            "inventor_network",
            "发明人合作网络（共同发明）",
            ["发明人甲（第一申请人）", "发明人乙（第一申请人）", "共同发明数"],
            # Analyses stored before the inventor network existed lack the key.
            [[p["a"], p["b"], p["count"]] for p in inv_net["pairs"]],
        ),
        ReportTable(
            "high_value",
            "高价值发明专利（按类别）",
            ["类别", "专利数"],
            [[c["label"], c["count"]] for c in hv["by_criterion"]]
            + [["高价值发明专利合计", hv["total"]], ["有效发明专利", hv["in_force_inventions"]]],
        ),
        ReportTable(
            "key_patents",
            "重点专利",
            ["申请号", "名称", "申请人", "申请日", "满足的高价值类别", "被引次数"],
            [
                [
                    k["number"],
                    k["title"],
                    k["applicants"],
                    k["app_date"],
                    "、".join(k["criteria"]),
                    k["citations"],
                ]
                for k in result["key_patents"]
            ],
        ),
        ReportTable(
            "position",
            "湖北位势",
            ["指标", "数值"],
            [
                ["专利总数", pos["total"]],
                ["湖北", pos["hubei"]],
                ["其他地区", pos["rest"]],
                ["湖北占比", f"{pos['hubei_share']}%"],
                [f"湖北增速（{pos['growth_year'] or '—'}年）", _pct(pos["hubei_growth"])],
                [f"其他地区增速（{pos['growth_year'] or '—'}年）", _pct(pos["rest_growth"])],
            ],
        ),
    ]
    return tables


def write_report_xlsx(target: Any, *, title: str, query: str, result: dict[str, Any]) -> None:
    """One sheet per table plus a 说明 sheet with the query and the data caveats."""
    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    for table in report_tables(result):
        ws = wb.create_sheet(table.title[:31].replace("/", "／"))
        header = []
        for h in table.headers:
            cell = WriteOnlyCell(ws, value=h)
            cell.font = bold
            header.append(cell)
        ws.append(header)
        for row in table.rows:
            ws.append(row)
    meta = wb.create_sheet("说明")
    meta.append(["报告", title])
    meta.append(["检索式", query])
    meta.append(["分析日期", result["generated_on"]])
    meta.append(["导出时间", timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")])
    meta.append(["数据说明", result["trend"]["note"]])
    meta.append(["无地址记录", result["regions"]["unresolved"]])
    wb.save(target)
