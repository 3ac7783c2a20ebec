"""The one table mapping source column headers to canonical field names.

Targets are either a :class:`~.validate.PatentIn` field (``title``, ``app_date`` …) or
``extra.<name>`` for columns we know and keep but do not model (examiner, citations,
CPC …). Headers not in the table are *reported* by :func:`map_columns`, never silently
dropped, so the upload page can show "these columns were not imported".
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

__all__ = [
    "COLUMN_MAP",
    "FIELD_LABELS",
    "PATENT_FIELDS",
    "field_label",
    "header_key",
    "map_columns",
]

# Canonical fields filled from source columns (PatentIn fields that come from one column).
PATENT_FIELDS = frozenset(
    {
        "application_number", "type", "title", "abstract", "claims", "first_claim",
        "description", "applicants", "inventors", "address", "province_code_hint",
        "ipc_main", "ipc", "app_date", "pub_date", "grant_date", "publication_number",
        "grant_number", "priority", "legal_status", "agency", "agent", "source_id",
    }
)  # fmt: skip

# What the uploader reads for a field named in an error (申请日, not app_date).
FIELD_LABELS: dict[str, str | Promise] = {
    "application_number": _("申请号"),
    "type": _("专利类型"),
    "title": _("名称"),
    "abstract": _("摘要"),
    "claims": _("权利要求书"),
    "first_claim": _("首项权利要求"),
    "description": _("说明书"),
    "applicants": _("申请人"),
    "inventors": _("发明人"),
    "address": _("地址"),
    "province_code_hint": _("省市代码"),
    "ipc_main": _("主分类号"),
    "ipc": _("分类号"),
    "app_date": _("申请日"),
    "pub_date": _("公开日"),
    "grant_date": _("授权公告日"),
    "publication_number": _("公开号"),
    "grant_number": _("授权公告号"),
    "priority": _("优先权"),
    "legal_status": _("法律状态"),
    "agency": _("代理机构"),
    "agent": _("代理人"),
    "source_id": _("来源编号"),
    # a legal-status change file's (importers.legal_events)
    "event_date": _("事件日期"),
    "event_kind": _("事件类型"),
}


def field_label(name: str) -> str:
    """The column an error is about, in words (``app_date`` → 申请日)."""
    label = FIELD_LABELS.get(name)
    return str(label) if label is not None else gettext("其他字段")


# Header -> target. Written with the spelling seen in exports; lookups go through
# header_key() so full-width brackets, spaces and Latin case do not matter.
COLUMN_MAP: dict[str, str] = {
    # identifiers
    "申请号": "application_number", "专利号": "application_number",
    "application_number": "application_number", "app_no": "application_number",
    "公开号": "publication_number", "公开(公告)号": "publication_number",
    "公告号": "publication_number", "publication_number": "publication_number",
    "授权公告号": "grant_number", "grant_number": "grant_number",
    "id": "source_id", "序号": "source_id",
    # dates
    "申请日": "app_date", "application_date": "app_date", "filing_date": "app_date",
    "公开日": "pub_date", "公开(公告)日": "pub_date", "publication_date": "pub_date",
    "授权公告日": "grant_date", "授权日": "grant_date", "grant_date": "grant_date",
    # text
    "名称": "title", "标题": "title", "专利名称": "title", "发明名称": "title",
    "title": "title",
    "摘要": "abstract", "申请摘要": "abstract", "abstract": "abstract",
    "主权项": "first_claim", "首项权利要求": "first_claim", "first_claim": "first_claim",
    "权利要求书": "claims", "权利要求": "claims", "claims": "claims",
    "说明书": "description", "description": "description",
    # parties
    "申请人": "applicants", "专利权人": "applicants", "申请(专利权)人": "applicants",
    "assignee": "applicants", "applicants": "applicants", "applicant": "applicants",
    "发明人": "inventors", "设计人": "inventors", "inventors": "inventors",
    "申请人地址": "address", "地址": "address", "address": "address",
    "国省代码": "province_code_hint",
    "代理机构": "agency", "专利代理机构": "agency", "agency": "agency",
    "代理人": "agent", "专利代理人": "agent", "agent": "agent",
    # classification, status
    "主分类号": "ipc_main", "主ipc": "ipc_main", "主ipc分类号": "ipc_main",
    "主ipc分类号-小组": "ipc_main", "main_ipc": "ipc_main",
    "分类号": "ipc", "ipc分类号": "ipc", "ipc": "ipc", "ipc_subclasses": "ipc",
    "专利类型": "type", "type": "type",
    "法律状态": "legal_status", "legal_status": "legal_status",
    "优先权": "priority", "priority": "priority",
    # known, kept in PatentIn.extra
    "主ipc分类号-小类": "extra.ipc_main_subclass",
    "授权名称": "extra.grant_title",
    "database": "extra.database", "search_keyword": "extra.search_keyword",
    "label_id": "extra.label_id",
    "优先权日": "extra.priority_date", "优先权数量": "extra.priority_count",
    "全文链接": "extra.fulltext_link", "第一发明人": "extra.first_inventor",
    "第一权利人": "extra.first_applicant", "申请人类型": "extra.applicant_type",
    "当前发明人": "extra.current_inventors", "当前权利人": "extra.current_owners",
    "当前著录项联系人通讯地址": "extra.current_contact_address",
    "当前专利代理人": "extra.current_agent", "当前专利代理机构": "extra.current_agency",
    "变更前代理机构": "extra.previous_agency", "法律事件": "extra.legal_events",
    "引证专利": "extra.cited_patents", "非专利引证": "extra.cited_non_patent",
    "引证数": "extra.citation_count", "同族专利": "extra.family",
    "简单同族数量": "extra.simple_family_size",
    "专利转移次数": "extra.transfer_count", "许可次数": "extra.licence_count",
    "质押次数": "extra.pledge_count",
    "转让日期": "extra.transfer_date", "失效日期": "extra.lapse_date",
    "质押日期": "extra.pledge_date", "许可日期": "extra.licence_date",
    "无效宣告日期": "extra.invalidation_date",
    "cpc主分类号": "extra.cpc_main", "cpc分类号": "extra.cpc",
    "fi主分类号": "extra.fi_main", "fi分类号": "extra.fi",
    "国际申请号": "extra.pct_application_number", "国际申请日": "extra.pct_application_date",
    "国际公开号": "extra.pct_publication_number", "国际公开日": "extra.pct_publication_date",
    "进入国家日期": "extra.national_entry_date", "颁证日": "extra.certificate_date",
    "审查员": "extra.examiner", "审查时长": "extra.examination_days",
    "实质审查日": "extra.substantive_exam_date",
}  # fmt: skip


def header_key(header: str) -> str:
    """Lookup form of a header: NFKC (full-width -> ASCII), no spaces, lower-case Latin."""
    text = unicodedata.normalize("NFKC", header or "")
    return re.sub(r"\s+", "", text).lower()


_LOOKUP: dict[str, str] = {header_key(k): v for k, v in COLUMN_MAP.items()}
for _target in _LOOKUP.values():
    assert _target in PATENT_FIELDS or _target.startswith("extra."), _target


def map_headers(headers: list[str], lookup: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """``(header -> target for headers ``lookup`` knows (by :func:`header_key`),
    unknown headers in source order)``: the same matching for every file layout."""
    mapping: dict[str, str] = {}
    unknown: list[str] = []
    for h in headers:
        target = lookup.get(header_key(h))
        if target is None:
            unknown.append(h)
        else:
            mapping[h] = target
    return mapping, unknown


def map_columns(headers: list[str]) -> tuple[dict[str, str], list[str]]:
    """``(header -> target for known headers, unknown headers in source order)``.

    When two headers map to the same field (``名称`` and ``title``) both stay in the
    mapping; validation takes the first non-empty one in column order.
    """
    return map_headers(headers, _LOOKUP)
