"""Trademark records: validated import (registration number, Nice classes, owner,
type, status), keyed by registration number so re-imports update."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from iphub.core.audit import audit_record
from iphub.core.errors import ApplicationError
from iphub.core.outbox import outbox_record
from iphub.patents.addresses import resolve_addresses
from iphub.patents.audit_actions import Action
from iphub.patents.importers import read_file
from iphub.patents.importers.validate import parse_date
from iphub.patents.models import Trademark, TrademarkType
from iphub.patents.names import applicant_key, clean_applicant

HEADERS = {
    "registration_number": ("注册号", "申请号/注册号", "商标注册号"),
    "name": ("商标名称", "商标", "名称"),
    "nice_classes": ("国际分类", "尼斯分类", "类别", "类号"),
    "owner": ("注册人", "申请人", "商标注册人"),
    "mark_type": ("商标类型", "类型"),
    "status": ("商标状态", "状态", "法律状态"),
    "app_date": ("申请日期", "申请日"),
    "reg_date": ("注册日期", "注册日", "注册公告日期"),
    "address": ("注册人地址", "地址"),
}
TYPE_WORDS = {
    "普通": TrademarkType.ORDINARY,
    "集体": TrademarkType.COLLECTIVE,
    "证明": TrademarkType.CERTIFICATION,
    "地理标志": TrademarkType.GI,
}


@dataclass
class TrademarkImportReport:
    total: int = 0
    ok: int = 0
    bad_rows: list[dict[str, Any]] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    committed: bool = False


def _column(headers: list[str]) -> tuple[dict[str, str], list[str]]:
    mapping: dict[str, str] = {}
    for target, names in HEADERS.items():
        for h in headers:
            if h.strip() in names and target not in mapping:
                mapping[target] = h
    known = set(mapping.values())
    return mapping, [h for h in headers if h not in known]


def _validate(values: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    reg = re.sub(r"\s", "", values.get("registration_number", ""))
    if not re.fullmatch(r"G?\d{1,10}", reg):
        errors["registration_number"] = "注册号应为 1-10 位数字（国际注册可带前缀 G）。"
    classes: list[int] = []
    for part in re.split(r"[;；,，、\s]+", values.get("nice_classes", "").strip()):
        if not part:
            continue
        if not part.isdigit() or not 1 <= int(part) <= 45:
            errors["nice_classes"] = f"尼斯分类“{part}”无效：应为 1 到 45 的类号。"
            break
        classes.append(int(part))
    if not classes and "nice_classes" not in errors:
        errors["nice_classes"] = "请填写尼斯分类类号（1-45）。"
    name = values.get("name", "").strip()
    if not name:
        errors["name"] = "请填写商标名称。"
    owner = clean_applicant(values.get("owner", ""))
    if not owner:
        errors["owner"] = "请填写注册人。"
    mark_type = TrademarkType.ORDINARY
    type_text = values.get("mark_type", "").strip()
    if type_text:
        matched = [v for k, v in TYPE_WORDS.items() if k in type_text]
        if not matched:
            errors["mark_type"] = "商标类型应为普通、集体、证明或地理标志。"
        else:
            mark_type = matched[-1]
    dates: dict[str, Any] = {}
    for key in ("app_date", "reg_date"):
        raw = values.get(key, "").strip()
        try:
            dates[key] = parse_date(raw) if raw else None
        except ValueError as exc:
            errors[key] = str(exc)
    clean = {
        "registration_number": reg,
        "name": name[:200],
        "nice_classes": sorted(set(classes)),
        "owner": owner[:200],
        "owner_key": applicant_key(owner)[:200],
        "mark_type": mark_type,
        "status": values.get("status", "").strip()[:50],
        "address": values.get("address", "").strip(),
        **dates,
    }
    return clean, errors


def trademarks_import(*, actor: Any, path: Path, mode: str = "skip") -> TrademarkImportReport:
    """Import trademarks from CSV/Excel/JSON Lines; ``mode`` as for patents (all/skip)."""
    report = TrademarkImportReport()
    good: list[dict[str, Any]] = []
    try:
        rows = read_file(path)
        for raw in rows:
            if report.total == 0:
                mapping, report.unknown_columns = _column(list(raw.source))
            report.total += 1
            values = {t: raw.source.get(h, "") or "" for t, h in mapping.items()}
            clean, errors = _validate(values)
            if errors:
                report.bad_rows.append({"line": raw.line_no, "errors": errors})
            else:
                good.append(clean)
    except ValueError as exc:  # UnsupportedFileError and decoding problems
        raise ApplicationError(str(exc), fields={"file": str(exc)}) from None
    report.ok = len(good)
    if mode == "all" and report.bad_rows:
        return report
    with transaction.atomic():
        resolved = resolve_addresses([g.pop("address") for g in good])
        written: list[int] = []
        for g, res in zip(good, resolved, strict=True):
            region = res.county_code or res.city_code if res.province_code == "420000" else ""
            mark, _created = Trademark.objects.update_or_create(
                registration_number=g.pop("registration_number"),
                defaults={**g, "region_id": region or None},
            )
            written.append(mark.pk)
        # The trademark search index (brands) re-reads these marks once this commits.
        outbox_record("trademark", written)
        audit_record(
            actor=actor,
            action=Action.TRADEMARK_IMPORT,
            object_type="patents.trademark",
            object_id=path.name,
            after={"ok": report.ok, "bad": len(report.bad_rows)},
        )
    report.committed = True
    return report
