"""The audit log's hash chain (issue 18, MLPS level 3): it verifies after a run of
services; an entry altered or deleted behind the application's back is named by
the command and the auditors' page; recent entries cannot be deleted."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from iphub.conftest import at_once, make_user
from iphub.core import services
from iphub.core.audit import audit_record
from iphub.core.audit_actions import Action
from iphub.core.auditchain import audit_seal, audit_verify
from iphub.core.models import AuditChainHead, AuditEntry, Organisation, Role, User


def _some_writes(cast: dict[str, User], orgs: dict[str, Organisation]) -> None:
    for n, street in enumerate(("解放大道 1 号", "解放大道 2 号", "中山大道 3 号")):
        services.organisation_update(
            actor=cast["wuhan_clerk"],
            organisation_id=orgs["wuhan_jiangan"].pk,
            data={"address": f"武汉市江岸区{street}", "contact_name": f"李{n}"},
        )


def _raw(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_chain_verifies_after_a_run_of_services(
    cast: dict[str, User], orgs: dict[str, Organisation]
) -> None:
    _some_writes(cast, orgs)
    assert audit_verify().unsealed > 0  # written, not yet linked: still checked by digest
    assert audit_verify().ok
    sealed = audit_seal()
    assert sealed.sealed == AuditEntry.objects.count()
    result = audit_verify()
    assert result.ok, result.breaks
    assert result.sealed == AuditEntry.objects.count() and result.unsealed == 0
    # Later writes extend the same chain.
    _some_writes(cast, orgs)
    assert audit_seal().head_seq == AuditEntry.objects.count()
    assert audit_verify().ok


def test_an_altered_row_is_named_by_the_command(
    cast: dict[str, User], orgs: dict[str, Organisation], capsys: Any
) -> None:
    _some_writes(cast, orgs)
    call_command("audit_verify", "--seal")
    assert "审计日志完整" in capsys.readouterr().out
    target = AuditEntry.objects.filter(action="organisation_update").order_by("id")[1]
    _raw(
        "UPDATE core_auditentry SET object_repr = %s WHERE id = %s",
        ["篡改后的名称", target.pk],
    )
    result = audit_verify()
    assert not result.ok
    assert result.first_break is not None and result.first_break.entry_id == target.pk
    with pytest.raises(CommandError, match=f"第 {target.pk} 号记录"):
        call_command("audit_verify")


def test_a_rewritten_link_or_an_unsealed_entry_is_named(
    cast: dict[str, User], orgs: dict[str, Organisation]
) -> None:
    _some_writes(cast, orgs)
    audit_seal()
    sealed = AuditEntry.objects.order_by("chain_seq")[2]
    _raw("UPDATE core_auditentry SET chain_hash = %s WHERE id = %s", ["f" * 64, sealed.pk])
    assert audit_verify().first_break.entry_id == sealed.pk  # type: ignore[union-attr]
    _raw("UPDATE core_auditentry SET chain_hash = %s WHERE id = %s", [sealed.chain_hash, sealed.pk])
    assert audit_verify().ok
    # Not sealed yet: its digest still gives it away.
    fresh = audit_record(
        actor=cast["wuhan_clerk"], action=Action.ORGANISATION_UPDATE, obj=orgs["yichang"]
    )
    _raw("UPDATE core_auditentry SET actor_name = %s WHERE id = %s", ["someone_else", fresh.pk])
    assert audit_verify().first_break.entry_id == fresh.pk  # type: ignore[union-attr]


def _delete_behind_the_application(entry_id: int) -> None:
    # Someone with the database owner's rights: on PostgreSQL they must first
    # switch off the retention trigger.
    pg = connection.vendor == "postgresql"
    if pg:  # (the test's transaction has deferred foreign-key checks pending)
        _raw("SET CONSTRAINTS ALL IMMEDIATE", [])
        _raw("ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_keep", [])
    try:
        _raw("DELETE FROM core_auditentry WHERE id = %s", [entry_id])
    finally:
        if pg:
            _raw("SET CONSTRAINTS ALL IMMEDIATE", [])
            _raw("ALTER TABLE core_auditentry ENABLE TRIGGER core_auditentry_keep", [])


def test_a_deleted_entry_is_detected(cast: dict[str, User], orgs: dict[str, Organisation]) -> None:
    _some_writes(cast, orgs)
    audit_seal()
    chain = list(AuditEntry.objects.order_by("chain_seq"))
    _delete_behind_the_application(chain[2].pk)
    first = audit_verify().first_break
    assert first is not None and first.entry_id == chain[3].pk  # the entry after the gap
    assert "缺失" in first.reason
    # The newest entry deleted: only the head still knows it was there.
    _delete_behind_the_application(chain[-1].pk)
    reasons = [b.reason for b in audit_verify().breaks]
    assert any("最新的记录被删除" in r for r in reasons)


def test_recent_entries_cannot_be_deleted(
    cast: dict[str, User], orgs: dict[str, Organisation]
) -> None:
    with pytest.raises(PermissionError, match="180"):
        AuditEntry.objects.filter(action="organisation_create").delete()
    assert AuditEntry.objects.filter(action="organisation_create").exists()
    if connection.vendor == "postgresql":
        # Refused by the database itself, whatever client asks.
        entry = AuditEntry.objects.first()
        assert entry is not None
        with pytest.raises(DatabaseError, match="180"), transaction.atomic():
            _raw("DELETE FROM core_auditentry WHERE id = %s", [entry.pk])
        assert AuditEntry.objects.filter(pk=entry.pk).exists()
    # Past the retention period the ORM lets them go.
    old = audit_record(actor=None, action=Action.ORGANISATION_UPDATE, obj=orgs["yichang"])
    _raw(
        "UPDATE core_auditentry SET at = %s WHERE id = %s",
        [timezone.now() - dt.timedelta(days=200), old.pk],
    )
    assert AuditEntry.objects.filter(pk=old.pk).delete()[0] == 1


def test_the_page_shows_the_result_to_an_auditor_only(
    cast: dict[str, User], orgs: dict[str, Organisation], client: Any
) -> None:
    auditor = make_user("province_auditor", Role.AUDITOR, "420000")
    _some_writes(cast, orgs)
    audit_seal()
    client.force_login(cast["enterprise"])
    assert client.get("/audit/verify/").status_code == 403
    client.force_login(cast["supervisor"])
    assert client.get("/audit/verify/").status_code == 403
    assert b"audit-verify-link" not in client.get("/audit/").content

    client.force_login(auditor)
    assert b"audit-verify-link" in client.get("/audit/").content
    page = client.get("/audit/verify/").content.decode()
    assert "审计日志完整" in page
    target = AuditEntry.objects.filter(action="organisation_update").order_by("id")[0]
    _raw("UPDATE core_auditentry SET after = %s WHERE id = %s", ['{"address": "x"}', target.pk])
    page = client.get("/audit/verify/").content.decode()
    assert "审计日志校验未通过" in page
    assert f"首个异常在第 {target.pk} 号记录" in page
    # The check itself is in the log, with its outcome.
    checks = AuditEntry.objects.filter(action="audit_verify").order_by("id")
    assert [c.outcome for c in checks] == ["success", "failure"]
    assert checks.last().object_id == str(target.pk)  # type: ignore[union-attr]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_and_sealers_make_one_chain(
    cast: dict[str, User], orgs: dict[str, Organisation]
) -> None:
    def write_and_seal(n: int) -> int:
        with transaction.atomic():
            for i in range(5):
                audit_record(
                    actor=None,
                    action=Action.ORGANISATION_UPDATE,
                    obj=orgs["yichang"],
                    after={"writer": n, "i": i},
                )
        return audit_seal(batch=3).sealed

    outcomes = at_once(*(partial(write_and_seal, n) for n in range(6)))
    assert all(isinstance(o, int) for o in outcomes), outcomes
    audit_seal()
    seqs = list(AuditEntry.objects.order_by("chain_seq").values_list("chain_seq", flat=True))
    assert seqs == list(range(1, AuditEntry.objects.count() + 1))  # no fork, no gap
    assert AuditChainHead.objects.get().seq == len(seqs)
    assert audit_verify().ok
