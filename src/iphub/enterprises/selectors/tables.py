"""The profile's figures as tables and headline numbers, in the full or the public
form (what the public form leaves out is listed in :mod:`figures`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from iphub.enterprises.selectors.figures import (
    PUBLIC_LISTINGS,
    PUBLIC_NEEDS,
    STATE_LABELS,
    STATUS_LABELS,
    Table,
    _wan,
)
from iphub.finance.models import RequestState
from iphub.protection.models import AssistanceStatus, CaseParty


def _status_rows(counts: dict[str, int], labels: dict[str, Any]) -> list[list[Any]]:
    return [[str(labels.get(k, k)), n] for k, n in sorted(counts.items()) if n]


def _patent_tables(pat: dict[str, Any]) -> list[Table]:
    return [
        Table(
            "status",
            _("专利类型与法律状态"),
            [_("类型"), *(_(STATE_LABELS[s]) for s in ("alive", "pending", "dead")), _("合计")],
            pat["status_rows"],
            _(
                "有效：已授权且未终止、未届满；审中：申请尚未授权；失效：终止、无效、撤回、驳回或期限届满。"
            ),
        ),
        Table(
            "grade",
            _("专利价值分级"),
            [_("等级"), _("件数"), _("占比（%）")],
            [[b, n, pct] for b, n, pct in pat["bands"]],
            _("价值分级为参考指标，不替代资产评估报告；未分级的记录不计入。"),
        ),
        Table(
            "ipc",
            _("技术构成（主分类号 IPC 小类，前 10）"),
            [_("IPC 小类"), _("名称"), _("件数")],
            [list(r) for r in pat["subclasses"]],
        ),
    ]


def build_tables(
    data: dict[str, Any], *, public: bool
) -> tuple[list[tuple[str, Any]], list[Table]]:
    """(headline numbers, tables) of the profile from :func:`figures.profile_build`'s
    data; amounts and non-public states are left out when ``public``."""
    pat, fil, money = data["patents"], data["filings"], data["money"]
    tr, prot = data["transfer"], data["protection"]
    marks = sum(r[2] for r in data["trademarks"])
    ab = sum(n for b, n, _p in pat["bands"] if b in ("A", "B"))
    headline: list[tuple[str, Any]] = [
        (_("专利总数"), pat["total"]),
        (_("有效专利"), pat["states"]["alive"]),
        (_("有效发明专利"), pat["alive_inventions"]),
        (_("A/B 级专利"), ab),
        (_("商标"), marks),
        (_("在押质押登记"), fil["pledge_in_force"]["n"]),
    ]
    tables = _patent_tables(pat)
    tables.append(
        Table("trademarks", _("商标"), [_("类型"), _("状态"), _("件数")], data["trademarks"])
    )

    def reg_row(label: str, key: str) -> list[Any]:
        row = [label, fil[key]["n"]]
        return row if public else [*row, _wan(fil[key]["amount"])]

    reg_headers = [_("事项"), _("笔数")] + ([] if public else [_("金额（万元）")])
    tables.append(
        Table(
            "registrations",
            _("质押、许可与转让（一网通办登记/备案）"),
            reg_headers,
            [
                reg_row(_("专利/商标质押（在押）"), "pledge_in_force"),
                reg_row(_("专利/商标质押（累计登记）"), "pledge_ever"),
                reg_row(_("许可出（作为许可人）"), "licence_out"),
                reg_row(_("许可入（作为被许可人）"), "licence_in"),
                reg_row(_("转让出（作为转让人）"), "transfer_out"),
                reg_row(_("转让入（作为受让人）"), "transfer_in"),
            ],
            _("按登记/备案的当事人名称计入（本单位名称及已确认的名称变体）。"),
        )
    )
    fin = money["financing"]
    if public:
        loaned = fin.get(RequestState.LOANED, {}).get("n", 0)
        fin_rows = [[_("已获质押贷款"), loaned]]
        fin_headers = [_("事项"), _("笔数")]
    else:
        fin_rows = [
            [str(STATUS_LABELS["financing"].get(s, s)), r["n"], _wan(r["asked"]), _wan(r["lent"])]
            for s, r in sorted(fin.items())
        ]
        fin_headers = [_("状态"), _("笔数"), _("申请金额（万元）"), _("放款金额（万元）")]
    tables.append(Table("financing", _("质押融资需求"), fin_headers, fin_rows))
    deals = money["deals"]
    deal_rows = [
        [_("转让/许可出"), deals["out_n"]] + ([] if public else [_wan(deals["out_amount"])]),
        [_("受让/被许可入"), deals["in_n"]] + ([] if public else [_wan(deals["in_amount"])]),
    ]
    tables.append(
        Table(
            "deals",
            _("知慧桥成交"),
            [_("方向"), _("笔数")] + ([] if public else [_("金额（万元）")]),
            deal_rows,
        )
    )
    needs, listings = tr["needs"], tr["listings"]
    if public:
        needs = {k: v for k, v in needs.items() if k in PUBLIC_NEEDS}
        listings = {k: v for k, v in listings.items() if k in PUBLIC_LISTINGS}
    tables.append(
        Table(
            "needs",
            _("技术需求与专利挂牌"),
            [_("类别"), _("状态"), _("件数")],
            [[_("技术需求"), *r] for r in _status_rows(needs, STATUS_LABELS["needs"])]
            + [[_("专利挂牌"), *r] for r in _status_rows(listings, STATUS_LABELS["listings"])],
        )
    )
    tables.append(_protection_table(prot, public=public))
    return headline, tables


def _protection_table(prot: dict[str, Any], *, public: bool) -> Table:
    roles = STATUS_LABELS["roles"]
    assistance = prot["assistance"]
    if public:
        holder = sum(prot["cases"].get(CaseParty.PartyRole.RIGHT_HOLDER, {}).values())
        rows = [
            [_("执法案件（作为权利人）"), holder],
            [_("执法案件（作为被调查人，已作出处理决定）"), prot["respondent_decided"]],
            [_("维权援助申请"), sum(assistance.values())],
        ]
        return Table(
            "protection",
            _("保护与维权"),
            [_("事项"), _("件数")],
            rows,
            _("公开版仅显示件数，不含案件详情；未作出决定的案件不对外显示。"),
        )
    rows = []
    for role, states in sorted(prot["cases"].items()):
        for state, n in sorted(states.items()):
            label = _("执法案件（%(role)s）") % {"role": roles.get(role, role)}
            rows.append([label, str(STATUS_LABELS["cases"].get(state, state)), n])
    for status, n in sorted(assistance.items()):
        label = str(STATUS_LABELS["assistance"].get(status, status))
        rows.append([_("维权援助申请"), label, n])
    closed = assistance.get(AssistanceStatus.CLOSED, 0)
    return Table(
        "protection",
        _("保护与维权"),
        [_("事项"), _("状态"), _("件数")],
        rows,
        _("维权援助已办结 %(n)s 件；案件详情在保护与维权模块按其权限查看。") % {"n": closed},
    )
