"""Reads of the core app, each scoped through :mod:`iphub.core.permissions`."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from iphub.core import audit_labels
from iphub.core.errors import NotFound
from iphub.core.fieldcrypt import blind_index
from iphub.core.models import (
    AuditEntry,
    Organisation,
    OrganisationTag,
    Region,
    RegionLevel,
    Role,
)
from iphub.core.permissions import (
    ensure_can_read_audit,
    region_path_of,
    scope_queryset,
)
from iphub.core.validators import mask_id_number, mask_name, mask_phone


def region_get(code: str) -> Region:
    """One region by its GB/T 2260 code."""
    try:
        return Region.objects.get(code=code)
    except Region.DoesNotExist:
        raise NotFound(f"行政区划代码“{code}”不存在。") from None


def region_contains(ancestor_code: str, code: str) -> bool:
    """Is region ``code`` inside region ``ancestor_code`` (or the same)? One call, one query."""
    regions = {r.code: r for r in Region.objects.filter(code__in=[ancestor_code, code])}
    if ancestor_code not in regions or code not in regions:
        return False
    return regions[ancestor_code].contains(regions[code])


def region_list(*, level: str | None = None, parent: str | None = None) -> QuerySet[Region]:
    """Regions, optionally of one level or under one parent."""
    qs = Region.objects.all()
    if level:
        qs = qs.filter(level=level)
    if parent:
        qs = qs.filter(parent_id=parent)
    return qs


def prefecture_list() -> QuerySet[Region]:
    """The 17 prefecture-level units of Hubei."""
    return Region.objects.filter(level=RegionLevel.PREFECTURE)


def region_descendant_codes(code: str) -> list[str]:
    """The codes of ``code`` and every region below it."""
    region = region_get(code)
    return list(
        Region.objects.filter(
            Q(path=region.path) | Q(path__startswith=region.path + "/")
        ).values_list("code", flat=True)
    )


@dataclass(frozen=True)
class OrganisationRow:
    """An organisation as any listing shows it: personal data masked (PIPL)."""

    id: int
    name: str
    uscc: str
    kind: str
    kind_label: str
    tags: list[str]
    tag_labels: list[str]  # 专精特新, not zhuanjingtexin
    region_code: str
    region_name: str
    contact_name: str
    contact_phone: str
    contact_id_number: str


def organisation_row(org: Organisation) -> OrganisationRow:
    return OrganisationRow(
        id=org.pk,
        name=org.name,
        uscc=org.uscc or "",
        kind=org.kind,
        kind_label=str(org.get_kind_display()),
        tags=list(org.tags),
        tag_labels=[
            str(OrganisationTag(t).label) if t in OrganisationTag.values else _("其他标签")
            for t in org.tags
        ],
        region_code=org.region_id,
        region_name=org.region.name,
        contact_name=mask_name(org.contact_name),
        contact_phone=mask_phone(org.contact_phone) if org.contact_phone else "",
        contact_id_number=mask_id_number(org.contact_id_number) if org.contact_id_number else "",
    )


def organisation_list(
    *, user: Any, q: str = "", kind: str = "", region: str = "", tag: str = ""
) -> QuerySet[Organisation]:
    """Organisations the user may see: staff within their region, members their own;
    ``q`` matches the name, the USCC, or a contact phone or ID number in full."""
    qs = scope_queryset(
        user, Organisation.objects.select_related("region"), organisation_field="pk"
    )
    if q:
        # A full contact phone or ID number finds its organisation through the
        # keyed hash (the columns are encrypted, see core.fieldcrypt).
        digest = blind_index(q)
        qs = qs.filter(
            Q(name__icontains=q)
            | Q(uscc__icontains=q)
            | Q(contact_phone_hmac=digest)
            | Q(contact_id_number_hmac=digest)
        )
    if kind:
        qs = qs.filter(kind=kind)
    if region:
        r = region_get(region)
        qs = qs.filter(Q(region__path=r.path) | Q(region__path__startswith=r.path + "/"))
    if tag:
        # JSON containment is not portable to SQLite; tags are short lists, so a
        # quoted-substring match on the JSON text is exact for our fixed tag values.
        qs = qs.filter(tags__icontains=f'"{tag}"')
    return qs.order_by("name")


def organisation_get(*, user: Any, organisation_id: int) -> Organisation:
    """One organisation, if the user may see it."""
    org = organisation_list(user=user).filter(pk=organisation_id).first()
    if org is None:
        raise NotFound("未找到该组织，或它不在您的管辖范围内。")
    return org


AUDIT_VIEWER_ROLES = (Role.SUPERVISOR, Role.AUDITOR)


def audit_list(
    *,
    user: Any,
    q: str = "",
    action: str = "",
    actor: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[AuditEntry]:
    """Audit entries inside the viewer's region; supervisors and audit administrators
    only (not the system or security administrator, nor a superuser: 三员分立)."""
    ensure_can_read_audit(user)
    qs = AuditEntry.objects.all()
    scope = region_path_of(user)
    if scope and "/" not in scope:
        # The province also reads the platform's own entries, which belong to no
        # region: logins, the administrators' acts in the admin and on accounts.
        qs = qs.filter(
            Q(region_path=scope) | Q(region_path__startswith=scope + "/") | Q(region_path="")
        )
    elif scope:
        qs = qs.filter(Q(region_path=scope) | Q(region_path__startswith=scope + "/"))
    elif scope is None:
        return qs.none()
    if q:
        qs = qs.filter(Q(object_repr__icontains=q) | Q(object_id=q) | Q(object_type__icontains=q))
    if action:
        qs = qs.filter(action=action)
    if actor:
        qs = qs.filter(actor_name=actor)
    if since:
        qs = qs.filter(at__date__gte=since)
    if until:
        qs = qs.filter(at__date__lte=until)
    return qs.order_by("-at", "-id")


@dataclass(frozen=True)
class AuditRow:
    """An audit entry as the log page and its exports show it: everything in words,
    personal data masked (PIPL)."""

    at: dt.datetime
    actor_name: str
    ip: str
    action: str
    action_label: str
    object_type_label: str
    object_id: str
    object_repr: str
    changes: list[audit_labels.Change]
    outcome_label: str

    @property
    def object_text(self) -> str:
        """The object's type and name (组织机构：某公司)."""
        if not self.object_repr:
            return self.object_type_label
        return audit_labels.pair(self.object_type_label, self.object_repr)

    def before_text(self) -> str:
        sep = audit_labels.field_separator()
        return sep.join(audit_labels.pair(c.label, c.before) for c in self.changes if c.before)

    def after_text(self) -> str:
        sep = audit_labels.field_separator()
        return sep.join(audit_labels.pair(c.label, c.after) for c in self.changes if c.after)


def audit_rows(entries: Iterable[AuditEntry]) -> list[AuditRow]:
    """Entries in words (see :mod:`iphub.core.audit_labels`); the records their
    foreign keys point to are named with one query per model."""
    entries = list(entries)
    wanted: dict[str, set[str]] = defaultdict(set)
    for e in entries:
        for side in (e.before, e.after):
            for label, pk in audit_labels.references(e.object_type, side):
                wanted[label].add(pk)
    names: audit_labels.Names = {}
    for label, pks in wanted.items():
        model = audit_labels.model_for(label)
        if model is None:
            continue
        for obj in model._default_manager.filter(pk__in=list(pks)):
            names[(label, str(obj.pk))] = audit_labels.mask_text(str(obj))
    return [
        AuditRow(
            at=e.at,
            actor_name=e.actor_name,
            ip=e.ip or "",
            action=e.action,
            action_label=audit_labels.action_label(e.action, e.object_type),
            object_type_label=audit_labels.object_type_label(e.object_type),
            object_id=e.object_id,
            object_repr=audit_labels.mask_text(e.object_repr),
            changes=audit_labels.changes(e.object_type, e.before, e.after, names),
            outcome_label=audit_labels.outcome_label(e.outcome),
        )
        for e in entries
    ]


def audit_action_choices(*, user: Any) -> list[tuple[str, str]]:
    """The actions found in the viewer's audit log, as (code, name) sorted by name,
    for the filter on the log page."""
    codes = audit_list(user=user).order_by().values_list("action", "object_type").distinct()
    named = {code: audit_labels.action_label(code, obj) for code, obj in codes}
    return sorted(named.items(), key=lambda item: item[1])
