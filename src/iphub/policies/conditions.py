"""A subsidy or reward policy's conditions as structured rules, checked against
an organisation's records through the lower apps' selectors.

A policy stores its conditions as a list of rules, each ``{"kind": ..., ...}``:

====================  ==============================  ===============================
kind                  parameters                      met when
====================  ==============================  ===============================
``org_kind``          ``values``: OrganisationKind    the organisation is of one kind
``region_within``     ``region``: a region code       it lies in that region
``tag_any``           ``values``: OrganisationTag     it carries one of the tags
``valid_inventions``  ``min``: integer                in-force invention patents ≥ min
``pledge_this_year``  —                               a patent pledge registered this year
``training_hours``    ``min``: number                 its people's training hours ≥ min
====================  ==============================  ===============================

Every rule is checked and explained (met or not, and what was read), so the
page can say why a policy appears to fit and what is missing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property
from typing import Any

from django.db.models import Q
from django.utils import timezone

from iphub.core.calendar import LOCAL_TZ, add_years
from iphub.core.errors import ApplicationError, NotFound
from iphub.core.models import Organisation, OrganisationKind, OrganisationTag, Region
from iphub.filings.selectors import pledges_registered_by
from iphub.navigation.highvalue import INVENTION_TERM_YEARS, INVENTION_TYPES
from iphub.patents.selectors import applicant_portfolio
from iphub.training.selectors import hours_by_organisation

KINDS = {
    "org_kind": "单位类型",
    "region_within": "所在地区",
    "tag_any": "单位标签",
    "valid_inventions": "有效发明专利",
    "pledge_this_year": "当年专利质押登记",
    "training_hours": "培训学时",
}
# Status words that end a patent's life (as navigation.highvalue reads them).
_ALIVE = "有权|有效|授权"
_DEAD = "失效|无效|终止|届满|撤回|驳回|放弃|视为"


def _int(value: Any, name: str, errors: dict[str, str], label: str) -> int:
    try:
        n = int(str(value).strip())
        if not 1 <= n <= 100000:
            raise ValueError
    except (TypeError, ValueError):
        errors[name] = f"{label}应为 1 到 100000 之间的整数。"
        return 0
    return n


def conditions_clean(raw: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Validated rules in canonical form; a field error names the bad one."""
    errors: dict[str, str] = {}
    out: list[dict[str, Any]] = []
    for rule in raw or []:
        kind = str(rule.get("kind") or "")
        if kind == "org_kind":
            values = [v for v in rule.get("values") or [] if v]
            if not values or any(v not in OrganisationKind.values for v in values):
                errors["cond_org_kind"] = "请选择适用的单位类型。"
            out.append({"kind": kind, "values": values})
        elif kind == "tag_any":
            values = [v for v in rule.get("values") or [] if v]
            if not values or any(v not in OrganisationTag.values for v in values):
                errors["cond_tag_any"] = "请选择至少一个单位标签。"
            out.append({"kind": kind, "values": values})
        elif kind == "region_within":
            code = str(rule.get("region") or "")
            if not Region.objects.filter(code=code).exists():
                errors["cond_region_within"] = "请选择适用地区。"
            out.append({"kind": kind, "region": code})
        elif kind == "valid_inventions":
            out.append(
                {
                    "kind": kind,
                    "min": _int(
                        rule.get("min"), "cond_valid_inventions", errors, "有效发明专利件数"
                    ),
                }
            )
        elif kind == "training_hours":
            out.append(
                {
                    "kind": kind,
                    "min": _int(rule.get("min"), "cond_training_hours", errors, "培训学时"),
                }
            )
        elif kind == "pledge_this_year":
            out.append({"kind": kind})
        else:
            errors["conditions"] = f"未知的条件类型“{kind}”。"
    if errors:
        raise ApplicationError("申报条件有误，请按提示更正。", fields=errors)
    return out


class OrganisationFacts:
    """What the rules read about one organisation, each fact fetched once, on demand."""

    def __init__(self, organisation: Organisation, *, today: dt.date | None = None) -> None:
        self.org = organisation
        self.today = today or timezone.localdate(timezone.now(), LOCAL_TZ)

    @cached_property
    def valid_inventions(self) -> int:
        """In-force invention patents with the organisation as applicant/patentee."""
        try:
            patents = applicant_portfolio(self.org.name).patents
        except NotFound:
            return 0
        term_start = add_years(self.today, -INVENTION_TERM_YEARS)
        return (
            patents.filter(patent_type__in=INVENTION_TYPES)
            .filter(Q(grant_date__isnull=False) | Q(legal_status__regex=_ALIVE))
            .exclude(legal_status__regex=_DEAD)
            .filter(Q(app_date__isnull=True) | Q(app_date__gt=term_start))
            .count()
        )

    @cached_property
    def pledges_this_year(self) -> int:
        return pledges_registered_by(organisation_id=self.org.pk, year=self.today.year)

    @cached_property
    def training_hours(self) -> Decimal:
        return hours_by_organisation([self.org.pk])[self.org.pk]


@dataclass(frozen=True)
class Check:
    """One rule checked: its name, whether it is met, and what was read, in words."""

    kind: str
    label: str
    met: bool
    explanation: str


def _labels(enum: Any, values: list[str]) -> str:
    names = {str(m.value): str(m.label) for m in enum}
    return "、".join(names.get(v, v) for v in values)


def _region_name(code: str) -> str:
    region = Region.objects.filter(code=code).first()
    return region.name if region else code


def _org_kind(rule: dict[str, Any], f: OrganisationFacts) -> tuple[bool, str]:
    met = f.org.kind in rule["values"]
    actual = _labels(OrganisationKind, [f.org.kind])
    return met, f"本单位为{actual}；要求：{_labels(OrganisationKind, rule['values'])}。"


def _region_within(rule: dict[str, Any], f: OrganisationFacts) -> tuple[bool, str]:
    region = Region.objects.filter(code=rule["region"]).first()
    met = region is not None and region.contains(f.org.region)
    where = "在" if met else "不在"
    return met, f"本单位位于{f.org.region.name}，{where}{_region_name(rule['region'])}范围内。"


def _tag_any(rule: dict[str, Any], f: OrganisationFacts) -> tuple[bool, str]:
    tags = list(f.org.tags or [])
    met = any(t in rule["values"] for t in tags)
    has = _labels(OrganisationTag, tags) if tags else "无"
    return met, f"本单位标签：{has}；要求具备其一：{_labels(OrganisationTag, rule['values'])}。"


def _valid_inventions(rule: dict[str, Any], f: OrganisationFacts) -> tuple[bool, str]:
    n = f.valid_inventions
    return n >= rule["min"], f"有效发明专利 {n} 件；要求不少于 {rule['min']} 件。"


def _pledge_this_year(rule: dict[str, Any], f: OrganisationFacts) -> tuple[bool, str]:
    n = f.pledges_this_year
    if n:
        return True, f"{f.today.year} 年已办理专利权质押登记 {n} 件。"
    return False, f"{f.today.year} 年尚未办理专利权质押登记；要求当年至少 1 件。"


def _training_hours(rule: dict[str, Any], f: OrganisationFacts) -> tuple[bool, str]:
    h = f.training_hours
    try:
        wanted = Decimal(str(rule["min"]))
    except InvalidOperation:
        wanted = Decimal(0)
    return h >= wanted, f"本单位人员培训学时 {h}；要求不少于 {rule['min']}。"


CHECKS: dict[str, Callable[[dict[str, Any], OrganisationFacts], tuple[bool, str]]] = {
    "org_kind": _org_kind,
    "region_within": _region_within,
    "tag_any": _tag_any,
    "valid_inventions": _valid_inventions,
    "pledge_this_year": _pledge_this_year,
    "training_hours": _training_hours,
}


def evaluate(conditions: list[dict[str, Any]], facts: OrganisationFacts) -> list[Check]:
    """Each rule checked against ``facts``, in the policy's order."""
    out = []
    for rule in conditions:
        kind = str(rule.get("kind"))
        check = CHECKS.get(kind)
        if check is None:
            out.append(Check(kind, "其他条件", False, "该条件无法自动核对，请咨询发文机关。"))
            continue
        met, words = check(rule, facts)
        out.append(Check(kind, KINDS[kind], met, words))
    return out


def describe(rule: dict[str, Any]) -> str:
    """A rule in words, as the policy's page lists it."""
    kind = rule.get("kind")
    if kind == "org_kind":
        return f"单位类型：{_labels(OrganisationKind, rule['values'])}"
    if kind == "region_within":
        return f"注册地在{_region_name(rule['region'])}"
    if kind == "tag_any":
        return f"具备以下认定之一：{_labels(OrganisationTag, rule['values'])}"
    if kind == "valid_inventions":
        return f"有效发明专利不少于 {rule['min']} 件"
    if kind == "pledge_this_year":
        return "当年办理过专利权质押登记"
    if kind == "training_hours":
        return f"本单位人员累计培训学时不少于 {rule['min']}"
    return "其他条件"


@dataclass
class Qualification:
    """A policy against one organisation: every check, and whether all are met."""

    policy: Any
    checks: list[Check] = field(default_factory=list)

    @property
    def qualifies(self) -> bool:
        return bool(self.checks) and all(c.met for c in self.checks)

    @property
    def met(self) -> int:
        return sum(1 for c in self.checks if c.met)
