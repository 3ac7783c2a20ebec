"""The profile as a PDF brief (reportlab, as navigation's report and filings'
notices are drawn: STSong-Light, a CID font every PDF reader supplies) and as an
Excel workbook (core.exports: safe cells, never live formulas). Both take the
same :class:`Profile` the page shows, so the public download masks what the
public page masks."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

from iphub.core.exports import XLSX_CONTENT_TYPE, write_xlsx_sheets
from iphub.core.pdftext import text_paragraph
from iphub.enterprises.selectors import standing
from iphub.enterprises.selectors.figures import Profile

FONT = "STSong-Light"
PALETTE = ["#0b4f9c", "#91cc75", "#fac858", "#ee6666", "#73c0de"]
WIDTH = A4[0] - 30 * mm


def _font() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _styles() -> dict[str, ParagraphStyle]:
    return {
        "title": ParagraphStyle("t", fontName=FONT, fontSize=17, leading=23, spaceAfter=4),
        "h2": ParagraphStyle("h2", fontName=FONT, fontSize=12, leading=17, spaceBefore=7),
        "body": ParagraphStyle("b", fontName=FONT, fontSize=9, leading=13),
        "cell": ParagraphStyle("c", fontName=FONT, fontSize=8, leading=10),
    }


def _cover_lines(profile: Profile) -> list[str]:
    org = profile.organisation
    lines = [
        _("统一社会信用代码：%(uscc)s；类型：%(kind)s；地区：%(region)s")
        % {"uscc": org.uscc, "kind": org.get_kind_display(), "region": org.region.name},
        _("生成日期：%(d)s（%(form)s）")
        % {"d": profile.today.isoformat(), "form": _("公开版") if profile.public else _("完整版")},
        _("所属培育项目/标签：%(tags)s") % {"tags": _("、").join(profile.programmes) or _("无")},
    ]
    if profile.variants:
        lines.append(_("已确认的申请人名称变体：%(v)s") % {"v": _("、").join(profile.variants)})
    return lines


def _trend_chart(profile: Profile) -> Drawing:
    trend = profile.trend
    d = Drawing(WIDTH, 190)
    d.add(String(0, 178, _("专利申请趋势（按申请年）"), fontName=FONT, fontSize=10))
    # Years may be known while every series is empty (filing dates with no
    # counted type); reportlab cannot draw a bar chart without data.
    if not trend["years"] or not any(s["data"] for s in trend["series"]):
        d.add(String(20, 90, _("无申请日数据"), fontName=FONT, fontSize=9))
        return d
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 30, 25, WIDTH - 140, 140
    chart.data = [s["data"] for s in trend["series"]]
    chart.categoryAxis.categoryNames = [str(y) for y in trend["years"]]
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.angle = 45 if len(trend["years"]) > 10 else 0
    chart.categoryAxis.style = "stacked"
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 7
    for i in range(len(trend["series"])):
        chart.bars[i].fillColor = colors.HexColor(PALETTE[i % len(PALETTE)])
    d.add(chart)
    legend = Legend()
    legend.x, legend.y = WIDTH - 95, 150
    legend.fontName, legend.fontSize = FONT, 8
    legend.colorNamePairs = [
        (colors.HexColor(PALETTE[i % len(PALETTE)]), s["name"])
        for i, s in enumerate(trend["series"])
    ]
    d.add(legend)
    return d


def _table(rows: list[list[Any]], st: dict[str, ParagraphStyle]) -> Table:
    # A figure with no columns or no rows (an organisation with no records of that
    # kind) is one line that says so: reportlab cannot size an empty table.
    if not rows or not any(rows[0]) or len(rows) < 2:
        rows = [[_("（无记录）")]]
    t = Table([[text_paragraph(c, st["cell"]) for c in r] for r in rows], repeatRows=1)
    t.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return t


def profile_pdf(profile: Profile) -> bytes:
    """The brief: cover facts, headline figures, the trend chart, every table, the
    cultivation programmes and, in the full form, the qualifying policies and the
    comparison with peers."""
    _font()
    st = _styles()
    buf = io.BytesIO()
    org = profile.organisation
    title = _("%(name)s 知识产权画像") % {"name": org.name}
    doc = SimpleDocTemplate(
        buf, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, title=title, author="iphub"
    )
    story: list[Any] = [text_paragraph(title, st["title"])]
    story += [text_paragraph(line, st["body"]) for line in _cover_lines(profile)]
    story += [
        Spacer(1, 3 * mm),
        _table([[k for k, _v in profile.headline], [v for _k, v in profile.headline]], st),
    ]
    story += [Spacer(1, 3 * mm), _trend_chart(profile)]
    if profile.trend.get("incomplete_from"):
        story.append(
            text_paragraph(_("注：近 18 个月的申请尚未全部公开，趋势末端偏低。"), st["body"])
        )
    for table in profile.tables:
        story.append(text_paragraph(table.title, st["h2"]))
        if table.rows:
            story.append(_table([table.headers, *table.rows], st))
        else:
            story.append(text_paragraph(_("无"), st["body"]))
        if table.note:
            story.append(text_paragraph(table.note, st["body"]))
    story += _programme_story(profile, st)
    story += _policy_story(profile, st)
    if profile.peers is not None:
        story.append(text_paragraph(_("与同类企业的差距"), st["h2"]))
        for group in profile.peers.groups:
            story.append(text_paragraph(f"{group.title}：{group.note}", st["body"]))
            if group.shown:
                story.append(_table([_peer_headers(), *group.rows()], st))
            else:
                story.append(text_paragraph(_("同类企业不足 3 家，不作比较。"), st["body"]))
    doc.build(story)
    return buf.getvalue()


def _programme_story(profile: Profile, st: dict[str, ParagraphStyle]) -> list[Any]:
    """Current memberships and, in the full form, past ones (see ``standing``)."""
    headers = standing.programme_headers(public=profile.public)
    story: list[Any] = [text_paragraph(_("培育项目"), st["h2"])]
    if profile.memberships:
        rows = standing.programme_rows(profile.memberships, public=profile.public)
        story.append(_table([headers, *rows], st))
    else:
        story.append(text_paragraph(_("目前不在任何培育项目中。"), st["body"]))
    if profile.public:
        return story
    story.append(text_paragraph(_("往期培育项目"), st["h2"]))
    if profile.past_memberships:
        rows = standing.programme_rows(profile.past_memberships, public=False)
        story.append(_table([headers, *rows], st))
    else:
        story.append(text_paragraph(_("无"), st["body"]))
    return story


def _policy_story(profile: Profile, st: dict[str, ParagraphStyle]) -> list[Any]:
    """The qualifying policies, each with its conditions checked (full form only)."""
    if profile.policies is None:
        return []
    story: list[Any] = [text_paragraph(_("可能符合的奖补政策"), st["h2"])]
    if not profile.policies:
        story.append(text_paragraph(_("暂未发现完全符合的政策。"), st["body"]))
    for q in profile.policies:
        p = q.policy
        head = " · ".join(
            x for x in (p.title, p.issuing_body, p.document_number, p.support_note) if x
        )
        story.append(text_paragraph(head, st["body"]))
        rows = [[c.label, _("符合") if c.met else _("不符合"), c.explanation] for c in q.checks]
        story.append(_table([[_("条件"), _("是否符合"), _("核对说明")], *rows], st))
        story.append(Spacer(1, 2 * mm))
    story.append(text_paragraph(_("结果仅供参考，以主管部门审核为准。"), st["body"]))
    return story


def _peer_headers() -> list[str]:
    return [_("指标"), _("本单位"), _("同类平均"), _("差距")]


def profile_sheets(profile: Profile) -> list[tuple[str, list[Any], list[list[Any]]]]:
    """The workbook's sheets: 概况 (headline and cover facts), the trend, one sheet
    per table, 培育项目 and, in the full form, 可能符合的奖补政策 and 同类比较."""
    org = profile.organisation
    cover: list[list[Any]] = [[_("单位名称"), org.name], [_("统一社会信用代码"), org.uscc]]
    cover += [[k, v] for k, v in profile.headline]
    cover += [[_("说明"), line] for line in _cover_lines(profile)]
    sheets: list[tuple[str, list[Any], list[list[Any]]]] = [
        (_("概况"), [_("项目"), _("内容")], cover)
    ]
    trend = profile.trend
    sheets.append(
        (
            _("申请趋势"),
            [_("申请年"), *(s["name"] for s in trend["series"])],
            [[y, *(s["data"][i] for s in trend["series"])] for i, y in enumerate(trend["years"])],
        )
    )
    for table in profile.tables:
        sheets.append((table.title[:28], table.headers, table.rows))
    lines = profile.memberships + profile.past_memberships
    sheets.append(
        (
            _("培育项目"),
            standing.programme_headers(public=profile.public),
            standing.programme_rows(lines, public=profile.public),
        )
    )
    if profile.policies is not None:
        sheets.append(
            (
                _("可能符合的奖补政策"),
                standing.policy_headers(),
                standing.policy_rows(profile.policies),
            )
        )
    if profile.peers is not None:
        rows = []
        for group in profile.peers.groups:
            if group.shown:
                rows += [[group.title, *r] for r in group.rows()]
            else:
                rows.append([group.title, _("同类企业不足 3 家，不作比较。"), "", "", ""])
        sheets.append((_("同类比较"), [_("比较组"), *_peer_headers()], rows))
    return sheets


def profile_xlsx(profile: Profile) -> bytes:
    """The workbook as bytes (a profile is a few dozen rows)."""
    buf = io.BytesIO()
    meta = [
        [_("单位"), profile.organisation.name],
        [_("生成日期"), profile.today.isoformat()],
        [_("版本"), _("公开版") if profile.public else _("完整版")],
    ]
    write_xlsx_sheets(buf, profile_sheets(profile), meta=meta)
    return buf.getvalue()


__all__ = ["XLSX_CONTENT_TYPE", "profile_pdf", "profile_xlsx"]
