"""Applicant-name variants: a proposal changes nothing until the region's staff
confirm it; confirm adds the name's patents, trademarks and registrations to
the profile; reject and revoke need a reason the proposer reads; every step is
in the audit log in words; staff of another region do not see the proposal."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from iphub.core import audit_labels
from iphub.core.errors import ApplicationError, NotFound
from iphub.core.models import AuditEntry, User
from iphub.enterprises import services
from iphub.enterprises.models import ApplicantNameVariant, VariantStatus
from iphub.enterprises.selectors import profile_build
from iphub.enterprises.tests.conftest import FOLDED, FORMER, HONGSHAN, JIANGAN
from iphub.patents.models import Patent

pytestmark = pytest.mark.django_db


def total(org: Any) -> int:
    return dict(profile_build(org, public=True).headline)["专利总数"]


def carrying(*names: str) -> int:
    return sum(1 for p in Patent.objects.all() if set(p.applicants) & set(names))


def test_proposal_then_confirmation_adds_the_former_names_records(
    world: dict[str, Any], cast: dict[str, User], client: Client
) -> None:
    org = world["org"]
    before = total(org)
    assert before == carrying(HONGSHAN, FOLDED)
    client.force_login(cast["enterprise"])
    client.post(f"/enterprises/{org.uscc}/variants/propose/", {"name": FORMER, "note": "曾用名"})
    v = ApplicantNameVariant.objects.get()
    assert v.status == VariantStatus.PROPOSED and v.patent_count == carrying(FORMER) == 3
    assert total(org) == before  # nothing counts before staff confirm
    client.force_login(cast["hongshan_clerk"])
    queue = client.get("/enterprises/variants/").content.decode()
    assert FORMER in queue and "确认归并" in queue
    client.post(f"/enterprises/variants/{v.pk}/confirm/")
    v.refresh_from_db()
    assert v.status == VariantStatus.CONFIRMED and v.decided_by == cast["hongshan_clerk"]
    profile = profile_build(org, public=False)
    assert dict(profile.headline)["专利总数"] == carrying(HONGSHAN, FOLDED, FORMER) == before + 3
    assert dict(profile.headline)["商标"] == 3
    registrations = profile.table("registrations")
    assert registrations is not None
    reg = {r[0]: r[1] for r in registrations.rows}
    assert reg["转让出（作为转让人）"] == 1
    assert FORMER in profile.variants
    # In the audit log, in words.
    entries = list(AuditEntry.objects.filter(object_type="enterprises.applicantnamevariant"))
    labels = {audit_labels.action_label(e.action, e.object_type) for e in entries}
    assert labels == {"提出申请人名称归并", "确认申请人名称归并"}
    assert {e.region_path for e in entries} == {org.region.path}


def test_reject_needs_a_reason_and_the_proposer_reads_it(
    world: dict[str, Any], cast: dict[str, User], client: Client
) -> None:
    org = world["org"]
    v = services.variant_propose(actor=cast["enterprise"], organisation=org, name=FORMER)
    with pytest.raises(ApplicationError) as err:
        services.variant_decide(actor=cast["wuhan_clerk"], variant_id=v.pk, step="reject")
    assert err.value.fields == {"reason": "请填写理由，申请人会看到它。"}
    services.variant_decide(
        actor=cast["wuhan_clerk"], variant_id=v.pk, step="reject", reason="营业执照显示为另一主体"
    )
    v.refresh_from_db()
    assert v.status == VariantStatus.REJECTED
    assert total(org) == carrying(HONGSHAN, FOLDED)
    client.force_login(cast["enterprise"])
    page = client.get(f"/enterprises/{org.uscc}/").content.decode()
    assert "营业执照显示为另一主体" in page and "未予确认" in page
    # The public form lists confirmed names only.
    assert FORMER not in client.get(f"/enterprises/{org.uscc}/public/").content.decode()
    entry = AuditEntry.objects.get(action="enterprises.variant_reject")
    assert audit_labels.action_label(entry.action) == "不予确认申请人名称归并"
    assert (entry.after or {})["decision_reason"] == "营业执照显示为另一主体"
    # Deciding twice: a conflict, nothing changes.
    with pytest.raises(ApplicationError):
        services.variant_decide(actor=cast["wuhan_clerk"], variant_id=v.pk, step="confirm")


def test_revoke_takes_the_records_back_out(world: dict[str, Any], cast: dict[str, User]) -> None:
    org = world["org"]
    v = services.variant_propose(actor=cast["enterprise"], organisation=org, name=FORMER)
    services.variant_decide(actor=cast["supervisor"], variant_id=v.pk, step="confirm")
    assert total(org) == carrying(HONGSHAN, FOLDED, FORMER)
    services.variant_decide(
        actor=cast["wuhan_clerk"], variant_id=v.pk, step="revoke", reason="经核实为关联公司"
    )
    assert total(org) == carrying(HONGSHAN, FOLDED)
    assert AuditEntry.objects.filter(action="enterprises.variant_revoke").count() == 1


def test_staff_outside_the_region_and_public_users_cannot_decide(
    world: dict[str, Any], cast: dict[str, User], client: Client
) -> None:
    org = world["org"]
    v = services.variant_propose(actor=cast["enterprise"], organisation=org, name=FORMER)
    with pytest.raises(NotFound):
        services.variant_decide(actor=cast["yichang_clerk"], variant_id=v.pk, step="confirm")
    with pytest.raises(NotFound):
        services.variant_decide(actor=cast["enterprise"], variant_id=v.pk, step="confirm")
    client.force_login(cast["yichang_clerk"])
    assert FORMER not in client.get("/enterprises/variants/").content.decode()
    assert client.post(f"/enterprises/variants/{v.pk}/confirm/").status_code == 404
    client.force_login(cast["enterprise"])
    assert client.get("/enterprises/variants/").status_code == 403
    v.refresh_from_db()
    assert v.status == VariantStatus.PROPOSED


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (FOLDED, "这就是本单位的名称"),
        ("从未申请过专利的名称有限公司", "没有以该名称申请的专利"),
        (JIANGAN, "另一家已登记单位的名称"),
        ("", "请填写专利上的申请人名称"),
    ],
)
def test_a_proposal_that_cannot_hold_is_refused_and_changes_nothing(
    world: dict[str, Any], cast: dict[str, User], name: str, message: str
) -> None:
    with pytest.raises(ApplicationError) as err:
        services.variant_propose(actor=cast["enterprise"], organisation=world["org"], name=name)
    assert message in err.value.message
    assert not ApplicantNameVariant.objects.exists()
    assert not AuditEntry.objects.filter(action="enterprises.variant_propose").exists()


def test_a_name_confirmed_for_one_organisation_is_refused_for_another(
    world: dict[str, Any], cast: dict[str, User], orgs: dict[str, Any]
) -> None:
    v = services.variant_propose(actor=cast["enterprise"], organisation=world["org"], name=FORMER)
    services.variant_decide(actor=cast["wuhan_clerk"], variant_id=v.pk, step="confirm")
    with pytest.raises(ApplicationError) as err:
        services.variant_propose(
            actor=cast["wuhan_clerk"], organisation=orgs["wuhan_jiangan"], name=FORMER
        )
    assert HONGSHAN in err.value.message
