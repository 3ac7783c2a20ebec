"""The tables behind every chart of a landscape report, and the Excel workbook.

:func:`report_tables` is the one place that turns an analysis result into
rows: the web page, the workbook and the PDF all print these, so the three
always carry the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from iphub.core.exports import write_xlsx_sheets


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
    growth_year = pos["growth_year"] or "—"
    tables = [
        ReportTable(
            "trend",
            _("申请与授权趋势"),
            [
                _("年份"),
                _("申请量"),
                _("授权量"),
                _("湖北申请量"),
                _("其他地区申请量"),
                _("数据完整性"),
            ],
            [
                [
                    y["year"],
                    y["applications"],
                    y["grants"],
                    y["hubei"],
                    y["rest"],
                    _("不完整") if y["incomplete"] else "",
                ]
                for y in trend["years"]
            ],
        ),
        ReportTable(
            "cities",
            _("湖北各市州分布"),
            [_("代码"), _("市（州）"), _("专利数"), _("高价值发明专利")],
            [
                [c["code"], c["name"], c["count"], hv_city.get(c["code"], 0)]
                for c in result["regions"]["cities"]
            ],
        ),
        ReportTable(
            "provinces",
            _("各省分布"),
            [_("代码"), _("省份"), _("专利数")],
            [[p["code"], p["name"], p["count"]] for p in result["regions"]["provinces"]],
        ),
        ReportTable(
            "applicants",
            _("主要申请人"),
            [_("排名"), _("申请人"), _("专利数"), _("其中湖北"), _("各年申请量")],
            [
                [
                    i + 1,
                    a["name"],
                    a["count"],
                    a["hubei"],
                    _("，").join(f"{y}:{n}" for y, n in sorted(a["by_year"].items())),
                ]
                for i, a in enumerate(result["applicants"])
            ],
        ),
        ReportTable(
            "subclasses",
            _("技术构成（IPC 小类）"),
            [_("IPC 小类"), _("含义"), _("专利数")],
            [[t["code"], t["title"], t["count"]] for t in result["technology"]["subclasses"]],
        ),
        ReportTable(
            "main_groups",
            _("技术构成（IPC 大组）"),
            [_("IPC 大组"), _("含义"), _("专利数")],
            [[t["code"], t["title"], t["count"]] for t in result["technology"]["main_groups"]],
        ),
        ReportTable(
            "segments",
            _("产业链环节与湖北位势"),
            [
                _("环节"),
                _("名称"),
                _("专利数"),
                _("湖北"),
                _("湖北占比"),
                _("主要 IPC 小类"),
                _("短板"),
            ],
            [
                [
                    # Stored with the analysis in Chinese; read in the reader's language.
                    _(s["stage_label"]),
                    _(s["segment"]),
                    s["count"],
                    s["hubei"],
                    f"{s['hubei_share']}%",
                    " ".join(s["top_subclasses"]),
                    _("是") if s["gap"] else "",
                ]
                for s in result["segments"]
            ],
        ),
        ReportTable(
            "types",
            _("专利类型"),
            [_("类型"), _("专利数")],
            [[_(t["label"]), t["count"]] for t in result["types"]["types"]],
        ),
        ReportTable(
            "status",
            _("法律状态"),
            [_("状态"), _("专利数")],
            [[_(s["status"]), s["count"]] for s in result["types"]["status_groups"]],
        ),
        ReportTable(
            "network",
            _("申请人合作网络（共同申请）"),
            [_("申请人甲"), _("申请人乙"), _("共同申请数")],
            [[p["a"], p["b"], p["count"]] for p in net["pairs"]],
        ),
        ReportTable(
            "inventor_network",
            _("发明人合作网络（共同发明）"),
            [_("发明人甲（第一申请人）"), _("发明人乙（第一申请人）"), _("共同发明数")],
            # Analyses stored before the inventor network existed lack the key.
            [[p["a"], p["b"], p["count"]] for p in inv_net["pairs"]],
        ),
        ReportTable(
            "high_value",
            _("高价值发明专利（按类别）"),
            [_("类别"), _("专利数")],
            [[_(c["label"]), c["count"]] for c in hv["by_criterion"]]
            + [
                [_("高价值发明专利合计"), hv["total"]],
                [_("有效发明专利"), hv["in_force_inventions"]],
            ],
        ),
        ReportTable(
            "key_patents",
            _("重点专利"),
            [
                _("申请号"),
                _("名称"),
                _("申请人"),
                _("申请日"),
                _("满足的高价值类别"),
                _("被引次数"),
            ],
            [
                [
                    k["number"],
                    k["title"],
                    k["applicants"],
                    k["app_date"],
                    _("、").join(_(c) for c in k["criteria"]),
                    k["citations"],
                ]
                for k in result["key_patents"]
            ],
        ),
        ReportTable(
            "grade_mix",
            _("价值分级构成（参考指标，不是估值）"),
            [_("档位"), _("专利数"), _("占比")],
            # Analyses stored before the value grade existed lack the key.
            [[g["band"], g["count"], f"{g['pct']}%"] for g in result.get("grade_mix", [])],
        ),
        ReportTable(
            "position",
            _("湖北位势"),
            [_("指标"), _("数值")],
            [
                [_("专利总数"), pos["total"]],
                [_("湖北"), pos["hubei"]],
                [_("其他地区"), pos["rest"]],
                [_("湖北占比"), f"{pos['hubei_share']}%"],
                [_("湖北增速（%(year)s年）") % {"year": growth_year}, _pct(pos["hubei_growth"])],
                [_("其他地区增速（%(year)s年）") % {"year": growth_year}, _pct(pos["rest_growth"])],
            ],
        ),
    ]
    return tables


def write_report_xlsx(target: Any, *, title: str, query: str, result: dict[str, Any]) -> None:
    """One sheet per table plus a 说明 sheet with the query and the data caveats
    (through the core writer: names typed as formulas stay text)."""
    write_xlsx_sheets(
        target,
        [(table.title, table.headers, table.rows) for table in report_tables(result)],
        meta_title="说明",
        meta=[
            ["报告", title],
            ["检索式", query],
            ["分析日期", result["generated_on"]],
            ["导出时间", timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")],
            ["数据说明", result["trend"]["note"]],
            ["无地址记录", result["regions"]["unresolved"]],
        ],
    )
