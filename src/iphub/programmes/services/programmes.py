"""Defining a programme (the province's act): kind, year, criteria with full
scores and the evidence each needs, yearly indicators, quota, window, the tag
and period an approval confers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from iphub.core.audit import audit_record, snapshot
from iphub.core.errors import AccessDenied, ApplicationError
from iphub.core.models import OrganisationKind, OrganisationTag
from iphub.programmes.audit_actions import Action
from iphub.programmes.errors import ProgrammeErrorCode
from iphub.programmes.models import Programme, ProgrammeKind
from iphub.programmes.selectors import can_define_programmes

MAX_CRITERIA = 20
MAX_SCORE = 100


def _lines(text: Any) -> list[list[str]]:
    rows = []
    for line in str(text or "").splitlines():
        if line.strip():
            rows.append([part.strip() for part in line.replace("｜", "|").split("|")])
    return rows


def parse_criteria(text: Any) -> list[dict[str, Any]]:
    """One criterion a line: ``名称|满分|所需证明材料`` (the evidence may be empty:
    a criterion judged from the platform's records needs no file)."""
    rows = _lines(text)
    if not rows:
        raise ApplicationError(
            "请至少填写一条评审标准。",
            fields={"criteria": "请至少填写一条评审标准，每行一条：名称|满分|所需证明材料。"},
        )
    if len(rows) > MAX_CRITERIA:
        raise ApplicationError(
            "评审标准过多。", fields={"criteria": f"评审标准最多 {MAX_CRITERIA} 条。"}
        )
    out = []
    for n, parts in enumerate(rows, 1):
        if len(parts) < 2 or not parts[0]:
            msg = f"第 {n} 行格式不对，应为：名称|满分|所需证明材料。"
            raise ApplicationError(msg, fields={"criteria": msg})
        try:
            score = int(Decimal(parts[1]))
        except (InvalidOperation, ValueError):
            score = 0
        if not 1 <= score <= MAX_SCORE:
            msg = f"第 {n} 行的满分应为 1 到 {MAX_SCORE} 的整数。"
            raise ApplicationError(msg, fields={"criteria": msg})
        evidence = parts[2] if len(parts) > 2 else ""
        out.append(
            {"key": f"c{n}", "name": parts[0][:100], "max_score": score, "evidence": evidence[:200]}
        )
    return out


def parse_indicators(text: Any) -> list[dict[str, str]]:
    """One tracked indicator a line: ``名称|单位``."""
    out = []
    for n, parts in enumerate(_lines(text), 1):
        if not parts[0]:
            continue
        unit = parts[1] if len(parts) > 1 else ""
        out.append({"key": f"i{n}", "name": parts[0][:100], "unit": unit[:10]})
    return out


def _date(value: Any, field: str, errors: dict[str, str]) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        errors[field] = "请填写日期（年-月-日）。"
        return None


def _int(value: Any, field: str, lo: int, hi: int, errors: dict[str, str], what: str) -> int:
    try:
        n = int(str(value or "").strip())
    except ValueError:
        n = lo - 1
    if not lo <= n <= hi:
        errors[field] = f"{what}应为 {lo} 到 {hi} 的整数。"
    return n


@transaction.atomic
def programme_create(*, actor: Any, data: Any) -> Programme:
    """Define a programme (province staff only); nothing is saved if any field is wrong."""
    if not can_define_programmes(actor):
        raise AccessDenied("培育项目由省级工作人员设立。")
    errors: dict[str, str] = {}
    kind = str(data.get("kind", ""))
    if kind not in ProgrammeKind.values:
        errors["kind"] = "请选择项目类型。"
    name = str(data.get("name", "")).strip()
    if not name:
        errors["name"] = "请填写项目名称。"
    year = _int(data.get("year"), "year", 2000, 2100, errors, "年度")
    quota = _int(data.get("quota"), "quota", 1, 100000, errors, "名额")
    term = _int(data.get("term_years"), "term_years", 1, 10, errors, "有效期（年）")
    opens = _date(data.get("opens_on"), "opens_on", errors)
    closes = _date(data.get("closes_on"), "closes_on", errors)
    if opens and closes and closes < opens:
        errors["closes_on"] = "申报截止日不能早于开始日。"
    tag = str(data.get("confers_tag", "") or "")
    if tag and tag not in OrganisationTag.values:
        errors["confers_tag"] = "请选择平台已有的组织标签，或不授予标签。"
    getlist = getattr(data, "getlist", None)
    kinds = list(getlist("eligible_kinds") if getlist else data.get("eligible_kinds") or [])
    if not kinds or any(k not in OrganisationKind.values for k in kinds):
        errors["eligible_kinds"] = "请选择可申报的单位类型。"
    criteria: list[dict[str, Any]] = []
    try:
        criteria = parse_criteria(data.get("criteria"))
    except ApplicationError as exc:
        errors.update(exc.fields)
    indicators = parse_indicators(data.get("indicators"))
    if errors or opens is None or closes is None:
        raise ApplicationError(
            "项目信息有误，请按提示修改。", code=ProgrammeErrorCode.INVALID, fields=errors
        )
    programme = Programme.objects.create(
        kind=kind,
        name=name[:200],
        year=year,
        description=str(data.get("description", "")).strip(),
        criteria=criteria,
        indicators=indicators,
        eligible_kinds=kinds,
        quota=quota,
        opens_on=opens,
        closes_on=closes,
        confers_tag=tag,
        term_years=term,
        renewable=str(data.get("renewable", "")) in ("1", "on", "true", "True"),
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action=Action.PROGRAMME_CREATE,
        obj=programme,
        region_path=actor.region.path if actor.region_id else "",
        after=snapshot(programme),
    )
    return programme
