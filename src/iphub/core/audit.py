"""The audit trail: every write made through a service records who, when, from
where and what changed (before/after).

Services call :func:`audit_record` inside their transaction, so the entry and
the change commit or roll back together.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import decimal
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from django.db import models

from iphub.core import audit_labels
from iphub.core.audit_actions import AdminAction, AuditAction
from iphub.core.auditchain import digest_of
from iphub.core.fieldcrypt import BlindIndexField, EncryptedTextField
from iphub.core.inserts import RowInserter

if TYPE_CHECKING:
    from iphub.core.models import AuditEntry, User


_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("iphub_request_ip", default=None)


@contextmanager
def request_context(*, ip: str | None) -> Iterator[None]:
    token = _ip.set(ip)
    try:
        yield
    finally:
        _ip.reset(token)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def snapshot(instance: models.Model, *, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """The concrete field values of ``instance`` as JSON-ready data. Encrypted
    personal data (ID and phone numbers) goes in masked, as every page shows it:
    the trail must not keep in plain text what the table keeps encrypted; their
    keyed hashes are left out (a change shows in the masked value or not at all
    when only masked digits change)."""
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in exclude or field.name == "password" or isinstance(field, BlindIndexField):
            continue
        value = getattr(instance, field.attname)
        if isinstance(field, EncryptedTextField) and value:
            value = audit_labels.masked({field.name: value})[field.name]
        data[field.attname] = _jsonable(value)
    return data


def audit_entry(
    *,
    actor: User | None,
    action: AuditAction | AdminAction,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    region_path: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    outcome: str = "success",
) -> AuditEntry:
    """One audit entry, not yet saved (see :func:`audit_record`, :func:`audit_record_all`).
    Only changed keys are kept when both sides are given."""
    from iphub.core.models import AuditEntry

    if before is not None and after is not None:
        changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
        before = {k: before.get(k) for k in sorted(changed)}
        after = {k: after.get(k) for k in sorted(changed)}
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    authenticated = actor is not None and actor.is_authenticated
    return AuditEntry(
        actor=actor if authenticated else None,
        actor_name=actor.get_username() if authenticated and actor else "",
        ip=_ip.get(),
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        region_path=region_path,
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        outcome=outcome,
    )


@functools.cache
def _rows() -> RowInserter[AuditEntry]:
    # Built on first use: core.models is not importable while apps load this module.
    from iphub.core.models import AuditEntry

    return RowInserter(AuditEntry)


def _insert(entries: list[AuditEntry]) -> list[AuditEntry]:
    # Each entry's own digest, from the values about to be written (its time
    # included: ``at`` is set when the entry is built); the chain is linked
    # later by the sealer (iphub.core.auditchain explains why not here).
    for entry in entries:
        entry.digest = digest_of(entry)
    return _rows().insert(entries)


def _saved[**P](build: Callable[P, AuditEntry]) -> Callable[P, AuditEntry]:
    def record(*args: P.args, **kwargs: P.kwargs) -> AuditEntry:
        entry = build(*args, **kwargs)
        _insert([entry])
        return entry

    return record


audit_record = _saved(audit_entry)
audit_record.__doc__ = """Append one audit entry (arguments as :func:`audit_entry`)."""


def audit_record_all(entries: list[AuditEntry]) -> list[AuditEntry]:
    """Append several entries made by :func:`audit_entry` in one INSERT, in order
    (a service that takes two steps at once, such as create-and-submit)."""
    return _insert(entries)
