"""The audit trail made tamper-evident: a SHA-256 hash chain over the entries.

Two steps, because entries are written on the hot path by many transactions at once:

1. **At insert** every entry gets ``digest``: SHA-256 over a canonical
   serialisation of its own fields (:func:`entry_digest`). That is a hash of
   values already in memory (a few microseconds), needs no lock and no read, so
   the filing transactions that write entries neither wait for one another nor
   deadlock on a shared row.
2. **Sealing** (:func:`audit_seal`, ``manage.py audit_seal`` from cron every
   minute) links the entries not yet sealed, in id order, onto the chain:
   ``chain_hash = SHA-256(previous chain_hash, chain_seq, id, digest)``. The one
   serialisation point is the chain head row (:class:`AuditChainHead`), locked
   with ``SELECT ... FOR UPDATE`` for the duration of one sealing batch; a second
   sealer waits there and then sees the first one's seals. ``chain_seq`` is
   unique, so even a sealer that skipped the lock could not fork the chain: its
   second link at the same position would be refused by the database.

Why not chain at insert? Chaining then needs the previous entry's hash, i.e. a
lock on the chain head taken inside each service's transaction and held until it
commits: every write of the platform would queue behind one row, and a
transaction holding the head while waiting for a filing row another transaction
holds (which waits for the head) deadlocks. Why seal in seal order and not id
order? On PostgreSQL ids come from a sequence when the row is inserted, not when
it commits: entry 41 can commit after entry 42 has been sealed. The sealer
therefore links whatever has committed since the last seal, in id order within
the batch, and a late entry is linked in the next batch; ``chain_seq`` is the
chain's order.

What verification (:func:`audit_verify`) finds:

- a changed field of any entry, sealed or not (its digest no longer matches);
- a changed, inserted or deleted sealed entry (the chain breaks at the next link,
  or the head no longer matches the last entry when the newest ones are deleted).

Not found: deleting an entry in the minute before it is sealed (only seals make
a deletion visible; hence the frequent cron), and someone with write access to
the database who rewrites a whole suffix of the chain and the head. Against that
``audit_seal`` prints the head hash, to be kept in the operating logs outside
the database, where a rewritten chain no longer matches it.

``actor_id`` is left out of the digest on purpose: deleting an account sets it
to NULL (``on_delete=SET_NULL``); the actor's account name (``actor_name``) is
what the digest covers.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import ipaddress
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from iphub.core.audit_actions import Action

if TYPE_CHECKING:
    from iphub.core.models import AuditEntry

# The fields a digest covers, in this order (see the module docstring for actor_id).
DIGEST_FIELDS = (
    "at",
    "actor_name",
    "ip",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "region_path",
    "before",
    "after",
    "outcome",
)
GENESIS = "0" * 64
SEAL_BATCH = 1000


def _number(value: int | float) -> str:
    # JSON numbers read back differently per database (jsonb prints 1e300 in full,
    # 1.0 stays 1.0 on one and not another), so a number is hashed by its value.
    return str(decimal.Decimal(repr(value) if isinstance(value, float) else value).normalize())


def _canonical_json(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return {"#": _number(value)}
    if isinstance(value, list | tuple):
        return [_canonical_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _canonical_json(v) for k, v in value.items()}
    return str(value)


def _canonical_ip(value: str | None) -> str | None:
    # PostgreSQL's inet prints an address in its own form; hash the address itself.
    if not value:
        return None
    try:
        return ipaddress.ip_address(value).compressed
    except ValueError:
        return value


def _canonical_at(value: dt.datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value.isoformat(timespec="microseconds")


def entry_digest(values: dict[str, Any]) -> str:
    """SHA-256 (hex) of one entry's fields (:data:`DIGEST_FIELDS`), serialised
    the same way whatever database the values were read back from."""
    data = [
        1,  # serialisation version
        _canonical_at(values["at"]),
        values["actor_name"] or "",
        _canonical_ip(values["ip"]),
        values["action"],
        values["object_type"],
        values["object_id"],
        values["object_repr"] or "",
        values["region_path"] or "",
        _canonical_json(values["before"]),
        _canonical_json(values["after"]),
        values["outcome"],
    ]
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def digest_of(entry: AuditEntry) -> str:
    """:func:`entry_digest` of an entry object (set on it before it is inserted)."""
    return entry_digest({name: getattr(entry, name) for name in DIGEST_FIELDS})


def link_hash(previous: str, seq: int, entry_id: int, digest: str) -> str:
    """The chain hash of the entry at position ``seq``."""
    return hashlib.sha256(f"{previous}\n{seq}\n{entry_id}\n{digest}".encode()).hexdigest()


@dataclass(frozen=True)
class SealResult:
    sealed: int
    head_seq: int
    head_hash: str


def _locked_head() -> Any:
    from iphub.core.models import AuditChainHead

    # The head row exists from the migration on; a database emptied by a test
    # flush gets it back here (two creators at once: one INSERT is ignored).
    AuditChainHead.objects.bulk_create([AuditChainHead(pk=1)], ignore_conflicts=True)
    return AuditChainHead.objects.select_for_update().get(pk=1)


def audit_seal(*, batch: int = SEAL_BATCH) -> SealResult:
    """Link every committed, unsealed audit entry onto the chain, in id order,
    ``batch`` entries per transaction (each holds the chain head's row lock
    only for its own batch). Safe to run from several processes at once."""
    from iphub.core.models import AuditEntry

    total = 0
    while True:
        with transaction.atomic():
            head = _locked_head()
            rows = list(
                AuditEntry.objects.filter(chain_seq__isnull=True)
                .order_by("id")
                .values_list("id", "digest")[:batch]
            )
            if not rows:
                return SealResult(total, head.seq, head.hash)
            sealed: list[AuditEntry] = []
            seq, previous = head.seq, head.hash
            for entry_id, digest in rows:
                seq += 1
                previous = link_hash(previous, seq, entry_id, digest)
                sealed.append(AuditEntry(id=entry_id, chain_seq=seq, chain_hash=previous))
            AuditEntry.objects.bulk_update(sealed, ["chain_seq", "chain_hash"], batch_size=500)
            head.seq, head.hash = seq, previous
            head.save(update_fields=["seq", "hash", "sealed_at"])
            total += len(rows)


@dataclass(frozen=True)
class Break:
    """The first place verification failed: which entry and why (in Chinese)."""

    entry_id: int | None
    seq: int | None
    reason: str


@dataclass
class VerifyResult:
    checked: int = 0
    sealed: int = 0
    unsealed: int = 0
    head_seq: int = 0
    breaks: list[Break] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.breaks

    @property
    def first_break(self) -> Break | None:
        return self.breaks[0] if self.breaks else None


def _entries() -> Iterator[dict[str, Any]]:
    from iphub.core.models import AuditEntry

    names = ("id", "digest", "chain_seq", "chain_hash", *DIGEST_FIELDS)
    qs = AuditEntry.objects.order_by("chain_seq", "id").values(*names)
    yield from qs.iterator(chunk_size=2000)


def audit_verify(*, max_breaks: int = 20) -> VerifyResult:
    """Check every entry's digest and every link of the chain, in chain order
    (sealed entries by ``chain_seq``, then the unsealed ones by id); the breaks
    found, the first one first. Reads only."""
    from iphub.core.models import AuditChainHead

    result = VerifyResult()
    head = AuditChainHead.objects.filter(pk=1).first()
    result.head_seq = head.seq if head else 0

    def broken(row: dict[str, Any] | None, reason: str) -> None:
        if len(result.breaks) < max_breaks:
            entry_id = row["id"] if row else None
            seq = row["chain_seq"] if row else None
            result.breaks.append(Break(entry_id, seq, reason))

    expected_seq, previous = 1, GENESIS
    # SQL orders NULLs first on PostgreSQL and last on SQLite: hold the unsealed
    # entries and check them after the chain.
    unsealed: list[dict[str, Any]] = []
    for row in _entries():
        if row["chain_seq"] is None:
            unsealed.append(row)
            continue
        result.checked += 1
        result.sealed += 1
        if entry_digest(row) != row["digest"]:
            broken(row, _("内容与登记时的摘要不符（记录被修改）"))
        seq = row["chain_seq"]
        if seq != expected_seq:
            broken(
                row,
                _("链序号应为 %(expected)s，实为 %(seq)s（其前有 %(missing)s 条记录缺失）")
                % {"expected": expected_seq, "seq": seq, "missing": seq - expected_seq}
                if seq > expected_seq
                else _("链序号 %(seq)s 重复或倒序") % {"seq": seq},
            )
        if link_hash(previous, seq, row["id"], row["digest"]) != row["chain_hash"]:
            broken(row, _("链哈希与前一条记录不衔接（本条或其前一条被修改、插入或删除）"))
        expected_seq, previous = seq + 1, row["chain_hash"]
    last_seq = expected_seq - 1
    if head is not None and (head.seq != last_seq or (last_seq and head.hash != previous)):
        reason = (
            _("链头记录到第 %(head)s 条，库中只到第 %(last)s 条（最新的记录被删除）")
            % {"head": head.seq, "last": last_seq}
            if head.seq > last_seq
            else _("链头与最后一条记录不符")
        )
        broken(None, reason)
    for row in unsealed:
        result.checked += 1
        result.unsealed += 1
        if entry_digest(row) != row["digest"]:
            broken(row, _("内容与登记时的摘要不符（记录被修改）"))
    return result


AUDIT_VERIFIER_ROLES = ("auditor",)


def can_verify_chain(user: Any) -> bool:
    """True for the audit administrator (审计管理员) alone: the chain covers every
    region's entries, and under 三员分立 neither the system administrator (nor a
    superuser) nor the security administrator checks the audit trail."""
    from iphub.core.permissions import can_verify_audit

    return can_verify_audit(user)


def audit_chain_check(*, user: Any) -> VerifyResult:
    """Verify the chain for an auditor (:func:`audit_verify`) and record that it
    was checked, with the outcome and the first broken entry, in the log itself."""
    from iphub.core.audit import audit_record
    from iphub.core.permissions import require_roles

    require_roles(user, *AUDIT_VERIFIER_ROLES)
    if not can_verify_chain(user):  # require_roles lets a superuser through
        from iphub.core.errors import AccessDenied

        raise AccessDenied("审计日志完整性校验仅限审计管理员。")
    result = audit_verify()
    first = result.first_break
    audit_record(
        actor=user,
        action=Action.AUDIT_VERIFY,
        object_type="core.auditentry",
        object_id=str(first.entry_id) if first and first.entry_id else "",
        object_repr="审计日志完整性校验",
        after={
            "checked": result.checked,
            "sealed": result.sealed,
            "unsealed": result.unsealed,
            "broken": len(result.breaks),
        },
        outcome="success" if result.ok else "failure",
    )
    return result
