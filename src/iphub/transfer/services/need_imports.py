"""Excel import of technology needs gathered offline (大走访 spreadsheets).

Like the patent importer, two modes: ``all`` writes nothing unless every row is
good; ``skip`` writes the good rows and reports the bad ones. Either way the
report lists each bad row with its line, field and Chinese reason. Needs files
are a few hundred rows, so the import runs inside the request.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import transaction

from iphub.core.audit import audit_record
from iphub.core.errors import ApplicationError
from iphub.core.models import Organisation
from iphub.core.permissions import can_see_region, require_roles
from iphub.core.validators import validate_uscc
from iphub.core.workbooks import open_workbook, sheet_rows
from iphub.patents.models import ImportMode
from iphub.transfer.access import STAFF_ROLES
from iphub.transfer.audit_actions import Action
from iphub.transfer.models import NeedSource
from iphub.transfer.services.needs import need_create_for

# Template columns: header -> field. The order is the template's order.
COLUMNS: dict[str, str] = {
    "需求名称": "title",
    "技术问题描述": "description",
    "产业链": "industry_chain",
    "IPC 领域": "ipc_codes",
    "预算下限（元）": "budget_min",
    "预算上限（元）": "budget_max",
    "合作方式": "preferred_forms",
    "截止日期": "deadline",
    "企业统一社会信用代码": "uscc",
    "联系人": "contact_name",
    "联系电话": "contact_phone",
}
EXAMPLE_ROW = [
    "高镍正极材料高温循环衰减",
    "高镍三元正极材料在 45℃ 循环 500 次后容量保持率低于 80%，希望获得包覆或掺杂改性技术。",
    "新能源与智能网联汽车",
    "H01M4/505",
    "500000",
    "2000000",
    "专利转让、普通许可",
    (dt.date.today() + dt.timedelta(days=180)).isoformat(),
    "（企业的 18 位统一社会信用代码）",
    "张先生",
    "13800000000",
]
MAX_ROWS = 5000


@dataclass
class NeedImportReport:
    mode: str
    total: int = 0
    created: int = 0
    bad_rows: list[dict[str, Any]] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)

    @property
    def rejected(self) -> bool:
        """True when the all-or-nothing mode found bad rows and wrote nothing."""
        return self.mode == ImportMode.ALL_OR_NOTHING and bool(self.bad_rows)

    @property
    def message(self) -> str:
        if self.rejected:
            return (
                f"发现 {len(self.bad_rows)} 行错误，按“全部成功才导入”的选择，本次未导入任何需求。"
            )
        return f"已导入 {self.created} 条需求，跳过错误行 {len(self.bad_rows)} 行。"


class _Rollback(Exception):
    pass


def _rows(fh: IO[bytes] | Path) -> tuple[list[str], list[tuple[int, dict[str, Any]]]]:
    """The header's unknown columns and every filled row, read through the core
    reader: a file with more than ``MAX_ROWS`` rows is refused before any need is
    written, and a workbook claiming millions of empty rows is not walked."""
    msg = "无法读取该文件：请上传由模板填写的 .xlsx 文件。"
    wb = open_workbook(fh, unreadable=msg)
    try:
        it = sheet_rows(
            wb.worksheets[0], header_rows=1, max_rows=MAX_ROWS, max_cols=len(COLUMNS) + 20
        )
        first = next(it, None)
        header = [str(h or "").strip() for h in (first[1] if first else ())]
        missing = [
            h for h in ("需求名称", "技术问题描述", "企业统一社会信用代码") if h not in header
        ]
        if missing:
            msg = f"表头缺少列：{'、'.join(missing)}。请使用下载的模板。"
            raise ApplicationError(msg, fields={"file": msg})
        unknown = [h for h in header if h and h not in COLUMNS]
        rows = []
        for line, values in it:
            rec = {COLUMNS[h]: v for h, v in zip(header, values, strict=False) if h in COLUMNS}
            rows.append((line, {k: ("" if v is None else v) for k, v in rec.items()}))
    finally:
        wb.close()
    return unknown, rows


def _organisation(uscc_raw: Any, actor: Any, cache: dict[str, Organisation]) -> Organisation:
    uscc = validate_uscc(str(uscc_raw or ""))
    if uscc not in cache:
        org = Organisation.objects.select_related("region").filter(uscc=uscc).first()
        if org is None:
            msg = f"统一社会信用代码 {uscc} 的企业尚未登记，请先在“组织机构”中添加。"
            raise ApplicationError(msg, fields={"uscc": msg})
        if not can_see_region(actor, org.region):
            msg = f"企业“{org.name}”不在您的管辖范围内。"
            raise ApplicationError(msg, fields={"uscc": msg})
        cache[uscc] = org
    return cache[uscc]


def need_import(*, actor: Any, file: IO[bytes] | Path, mode: str) -> NeedImportReport:
    """Import needs from a filled-in template; staff only, each enterprise in their region."""
    require_roles(actor, *STAFF_ROLES)
    if mode not in ImportMode.values:
        msg = "请选择导入模式：全部成功才导入，或跳过错误行。"
        raise ApplicationError(msg, fields={"mode": msg})
    unknown, rows = _rows(file)
    report = NeedImportReport(mode=mode, unknown_columns=unknown)
    orgs: dict[str, Organisation] = {}

    def one(line: int, rec: dict[str, Any]) -> None:
        report.total += 1
        try:
            with transaction.atomic():
                org = _organisation(rec.pop("uscc", ""), actor, orgs)
                need_create_for(organisation=org, data=rec, actor=actor, source=NeedSource.IMPORT)
        except ApplicationError as exc:
            errors = [{"field": f, "message": m} for f, m in exc.fields.items()]
            report.bad_rows.append(
                {"line": line, "errors": errors or [{"field": "", "message": exc.message}]}
            )
        else:
            report.created += 1

    try:
        with transaction.atomic():
            for line, rec in rows:
                one(line, rec)
            if report.rejected:
                raise _Rollback
    except _Rollback:
        report.created = 0
    audit_record(
        actor=actor,
        action=Action.NEED_IMPORT,
        object_type="transfer.technologyneed",
        object_id="import",
        after={
            "mode": mode,
            "total": report.total,
            "created": report.created,
            "bad": len(report.bad_rows),
        },
    )
    return report
