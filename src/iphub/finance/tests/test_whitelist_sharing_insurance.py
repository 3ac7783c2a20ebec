"""The whitelist (who curates, who sees, marked requests), loss sharing to the
fen (largest remainder; the fund's balance), and insurance claims tied to the
case they arise from."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iphub.conftest import make_org, make_user
from iphub.core.errors import ApplicationError
from iphub.core.models import Role, User
from iphub.filings.tests.conftest import NUMBERS
from iphub.finance.models import ClaimOutcome, InsuranceClaim, LoanDefault
from iphub.finance.selectors import figures
from iphub.finance.selectors import financing as sel
from iphub.finance.selectors import insurance as insurance_selectors
from iphub.finance.services import fund_create, insurance, sharing, whitelist
from iphub.finance.services.sharing import split_loss
from iphub.protection.services.assistance import assistance_request_submit
from iphub.protection.services.enforcement import case_create

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def entry_data(org: Any, **over: Any) -> dict[str, Any]:
    return {
        "organisation": str(org.pk),
        "criteria": ["zhuanjingtexin", "high_value"],
        "evidence": "鄂经信〔2025〕12号 专精特新企业名单",
        "valid_from": TODAY.isoformat(),
        "valid_until": (TODAY + dt.timedelta(days=365)).isoformat(),
    } | over


# ------------------------------------------------------------------ whitelist


def test_city_and_province_supervisors_curate_the_whitelist_others_cannot(
    cast: dict[str, User], orgs: dict[str, Any], banks: dict[str, Any]
) -> None:
    hongshan = orgs["wuhan_hongshan"]
    district_supervisor = make_user("hongshan_supervisor", Role.SUPERVISOR, "420111")
    for user in (cast["wuhan_clerk"], district_supervisor, cast["enterprise"], banks["a_user"]):
        with pytest.raises(ApplicationError) as exc:
            whitelist.whitelist_add(actor=user, data=entry_data(hongshan))
        assert exc.value.status == 403
    with pytest.raises(ApplicationError) as exc:
        whitelist.whitelist_add(actor=cast["yichang_supervisor"], data=entry_data(hongshan))
    assert exc.value.fields == {"organisation": "请选择本辖区内的企业。"}
    with pytest.raises(ApplicationError) as exc:
        whitelist.whitelist_add(actor=cast["supervisor"], data=entry_data(hongshan, criteria=[]))
    assert "criteria" in exc.value.fields
    wuhan_supervisor = make_user("wuhan_supervisor", Role.SUPERVISOR, "420100")
    entry = whitelist.whitelist_add(actor=wuhan_supervisor, data=entry_data(hongshan))
    assert entry.listed_by_region_id == "420100"
    with pytest.raises(ApplicationError, match="已在白名单中"):
        whitelist.whitelist_add(actor=cast["supervisor"], data=entry_data(hongshan))
    # Yichang by the province.
    whitelist.whitelist_add(actor=cast["supervisor"], data=entry_data(orgs["yichang"]))

    def names(user: User) -> list[str]:
        return [e.organisation.name for e in sel.whitelist_list(user=user)]

    # Banks see the whole list; staff their region's; enterprises not at all.
    assert names(banks["a_user"]) == ["宜昌测试化工有限公司", "洪山测试科技有限公司"]
    assert names(cast["wuhan_clerk"]) == ["洪山测试科技有限公司"]
    assert names(cast["yichang_supervisor"]) == ["宜昌测试化工有限公司"]
    with pytest.raises(ApplicationError):
        sel.whitelist_list(user=cast["enterprise"])
    # Removal takes a reason; then the firm is off the list.
    with pytest.raises(ApplicationError):
        whitelist.whitelist_remove(actor=wuhan_supervisor, entry_id=entry.pk, reason="")
    whitelist.whitelist_remove(actor=wuhan_supervisor, entry_id=entry.pk, reason="被列入失信名单")
    assert names(banks["a_user"]) == ["宜昌测试化工有限公司"]


def test_requests_of_listed_firms_are_marked_for_the_bank(
    cast: dict[str, User], orgs: dict[str, Any], banks: dict[str, Any], asked: Any
) -> None:
    def marked() -> bool:
        found: Any = sel.request_get(user=banks["a_user"], request_id=asked.pk)
        return bool(found.whitelisted)

    assert not marked()
    entry = whitelist.whitelist_add(
        actor=cast["supervisor"], data=entry_data(orgs["wuhan_hongshan"])
    )
    assert marked()
    inbox: list[Any] = list(sel.bank_inbox(user=banks["a_user"]))
    assert [bool(a.whitelisted) for a in inbox] == [True]
    # An entry that has not started yet (or has ended) marks nothing.
    entry.valid_from = TODAY + dt.timedelta(days=10)
    entry.save(update_fields=["valid_from"])
    assert not marked()


# ------------------------------------------------------------------ loss sharing


def test_split_to_the_fen_by_largest_remainder() -> None:
    shares = [Decimal(40), Decimal(30), Decimal(20), Decimal(10)]
    assert split_loss(Decimal("1000000.00"), shares) == [
        Decimal("400000.00"),
        Decimal("300000.00"),
        Decimal("200000.00"),
        Decimal("100000.00"),
    ]
    # 0.05 yuan = 5 fen; exact shares 2, 1.5, 1, 0.5 fen: floors 2, 1, 1, 0 (4 fen),
    # the fifth fen goes to the largest remainder (bank's and guarantor's 0.5 tie →
    # bank first, in the order government, bank, insurer, guarantor).
    assert split_loss(Decimal("0.05"), shares) == [
        Decimal("0.02"),
        Decimal("0.02"),
        Decimal("0.01"),
        Decimal("0.00"),
    ]
    thirds = [Decimal("33.33"), Decimal("33.33"), Decimal("33.34"), Decimal(0)]
    assert split_loss(Decimal("100.00"), thirds) == [
        Decimal("33.33"),
        Decimal("33.33"),
        Decimal("33.34"),
        Decimal("0.00"),
    ]
    with pytest.raises(ValueError):
        split_loss(Decimal(1), [Decimal(50), Decimal(40), Decimal(0), Decimal(0)])


@given(
    fen=st.integers(min_value=1, max_value=10**15),
    cuts=st.lists(st.integers(min_value=0, max_value=10_000), min_size=3, max_size=3),
)
def test_split_parts_always_sum_to_the_loss_and_stay_within_a_fen(
    fen: int, cuts: list[int]
) -> None:
    a, b, c = sorted(cuts)
    basis = [a, b - a, c - b, 10_000 - c]
    shares = [Decimal(x) / 100 for x in basis]
    loss = Decimal(fen) / 100
    parts = split_loss(loss, shares)
    assert sum(parts) == loss
    for part, share in zip(parts, shares, strict=True):
        assert abs(part - loss * share / 100) < Decimal("0.01")
        assert part >= 0


def test_a_default_is_split_by_the_funds_shares_and_the_balance_follows(
    cast: dict[str, User], banks: dict[str, Any]
) -> None:
    fund = fund_create(
        actor=cast["supervisor"],
        data={
            "region": "420100",
            "name": "测试资金池",
            "size": "1000000",
            "established_on": "2025-01-01",
        },
    )
    data = {
        "bank": str(banks["a"].pk),
        "borrower": "洪山测试科技有限公司",
        "region": "420111",
        "loan_amount": "2000000",
        "loss": "1234567.89",
        "defaulted_on": "2026-05-06",
    }
    with pytest.raises(ApplicationError, match="尚未约定四方分担比例"):
        sharing.default_record(actor=cast["supervisor"], fund_id=fund.pk, data=data)
    with pytest.raises(ApplicationError) as exc:
        sharing.fund_shares_set(
            actor=cast["supervisor"],
            fund_id=fund.pk,
            data={"government_share": "40", "bank_share": "30", "insurer_share": "20"},
        )
    assert "现为 90" in exc.value.message
    with pytest.raises(ApplicationError):
        sharing.fund_shares_set(actor=cast["wuhan_clerk"], fund_id=fund.pk, data={})
    shares = {
        "government_share": "40",
        "bank_share": "30",
        "insurer_share": "17.5",
        "guarantor_share": "12.5",
    }
    sharing.fund_shares_set(actor=cast["supervisor"], fund_id=fund.pk, data=shares)
    d = sharing.default_record(actor=cast["supervisor"], fund_id=fund.pk, data=data)
    parts = [d.government_part, d.bank_part, d.insurer_part, d.guarantor_part]
    # Exact in fen: 49382715.6, 37037036.7, 21604938.075, 15432098.625; the floors
    # are 2 fen short, which go to the largest remainders (bank .7, guarantor .625).
    assert parts == [
        Decimal("493827.15"),
        Decimal("370370.37"),
        Decimal("216049.38"),
        Decimal("154320.99"),
    ]
    assert sum(parts) == Decimal("1234567.89")
    assert figures.fund_balance(fund) == Decimal("1000000") - Decimal("493827.15")
    # The fund cannot pay a government part beyond its balance; nothing is recorded.
    with pytest.raises(ApplicationError, match="余额"):
        sharing.default_record(
            actor=cast["supervisor"], fund_id=fund.pk, data=data | {"loss": "1500000"}
        )
    with pytest.raises(ApplicationError) as exc:
        sharing.default_record(
            actor=cast["yichang_supervisor"], fund_id=fund.pk, data=data | {"loss": "100"}
        )
    assert exc.value.status == 404
    assert LoanDefault.objects.count() == 1


# ------------------------------------------------------------------ insurance


def policy_data(**over: Any) -> dict[str, Any]:
    return {
        "kind": "enforcement",
        "number": "PICC-2026-0001",
        "insurer_name": "测试财产保险湖北分公司",
        "patents": [NUMBERS["granted"]],
        "premium": "20000",
        "sum_insured": "500000",
        "subsidy_claimed": "10000",
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
    } | over


def test_policies_cover_own_rights_and_claims_link_to_the_case(
    cast: dict[str, User], orgs: dict[str, Any], banks: dict[str, Any], patents: Any
) -> None:
    ent = cast["enterprise"]
    with pytest.raises(ApplicationError) as exc:
        insurance.policy_create(actor=ent, data=policy_data(patents=[NUMBERS["other_owner"]]))
    assert "专利权人不是被保险人" in exc.value.fields["patents"]
    with pytest.raises(ApplicationError) as exc:
        insurance.policy_create(actor=ent, data=policy_data(subsidy_claimed="30000"))
    assert exc.value.fields == {"subsidy_claimed": "申请的保费补贴不能超过保费。"}
    with pytest.raises(ApplicationError):
        insurance.policy_create(actor=cast["wuhan_clerk"], data=policy_data())
    policy = insurance.policy_create(actor=ent, data=policy_data())
    assert (policy.insured, policy.region_id) == (orgs["wuhan_hongshan"], "420111")
    # An enterprise cannot register a policy for another firm; a bank (as insurer) can.
    with pytest.raises(ApplicationError):
        insurance.policy_create(
            actor=cast["enterprise"], data=policy_data(insured=orgs["yichang"].uscc, number="X2")
        )
    other = insurance.policy_create(
        actor=banks["a_user"],
        data=policy_data(
            insured=orgs["yichang"].uscc, number="X2", patents=[NUMBERS["other_owner"]]
        ),
    )
    assert (other.insurer_name, other.insured) == (banks["a"].name, orgs["yichang"])

    enforcer = make_user("wuhan_enforcer_2", Role.ENFORCEMENT, "420100")
    case = case_create(
        actor=enforcer,
        title="专利侵权纠纷",
        case_type="patent_dispute",
        region_code="420100",
        parties=[{"role": "right_holder", "name": "洪山测试科技有限公司"}],
    )
    stranger = case_create(
        actor=enforcer,
        title="另一案",
        case_type="patent_dispute",
        region_code="420100",
        parties=[{"role": "right_holder", "name": "江岸测试制造有限公司"}],
    )
    base = {"amount_claimed": "120000", "filed_on": "2026-06-01"}
    with pytest.raises(ApplicationError, match="二选一"):
        insurance.claim_file(actor=ent, policy_id=policy.pk, data=base)
    with pytest.raises(ApplicationError) as exc:
        insurance.claim_file(
            actor=ent, policy_id=policy.pk, data=base | {"case_number": stranger.number}
        )
    assert "不是案件" in exc.value.fields["case_number"]
    with pytest.raises(ApplicationError):
        insurance.claim_file(
            actor=ent,
            policy_id=policy.pk,
            data=base | {"case_number": case.number, "amount_claimed": "600000"},
        )
    claim = insurance.claim_file(
        actor=ent, policy_id=policy.pk, data=base | {"case_number": case.number}
    )
    assert claim.case == case and claim.assistance is None
    # The enterprise's own assistance case; another firm's is refused.
    own = assistance_request_submit(
        actor=ent,
        subject="海外展会侵权",
        description="展会上发现仿冒产品",
        dispute_kind="domestic",
        field="H",
    )
    yc_user = make_user("yichang_ent", Role.ENTERPRISE, organisation=orgs["yichang"])
    theirs = assistance_request_submit(
        actor=yc_user, subject="他人纠纷", description="说明", dispute_kind="domestic", field="C"
    )
    with pytest.raises(ApplicationError):
        insurance.claim_file(
            actor=ent, policy_id=policy.pk, data=base | {"assistance": str(theirs.pk)}
        )
    second = insurance.claim_file(
        actor=ent, policy_id=policy.pk, data=base | {"assistance": str(own.pk)}
    )
    assert second.assistance == own
    # Outcomes: once; paid no more than claimed; other organisations cannot touch it.
    with pytest.raises(ApplicationError):
        insurance.claim_settle(actor=yc_user, claim_id=claim.pk, outcome="paid", amount_paid="1")
    with pytest.raises(ApplicationError):
        insurance.claim_settle(actor=ent, claim_id=claim.pk, outcome="paid", amount_paid="130000")
    insurance.claim_settle(actor=ent, claim_id=claim.pk, outcome="paid", amount_paid="100000")
    insurance.claim_settle(actor=ent, claim_id=second.pk, outcome="refused")
    with pytest.raises(ApplicationError, match="不能再改"):
        insurance.claim_settle(actor=ent, claim_id=claim.pk, outcome="refused")
    outcomes = dict(InsuranceClaim.objects.values_list("pk", "outcome"))
    assert outcomes == {claim.pk: ClaimOutcome.PAID, second.pk: ClaimOutcome.REFUSED}


def test_insurer_staff_register_for_their_own_company_and_see_only_theirs(
    client: Any, cast: dict[str, User], orgs: dict[str, Any], patents: Any
) -> None:
    """An organisation of kind 保险公司: its staff register policies under its own
    name for an insured named by USCC, and see only their company's policies —
    including one the insured registered naming it; another insurer sees none."""
    picc = make_org("测试财产保险湖北分公司", "420100", 31, kind="insurer")
    other_insurer = make_org("另一家保险武汉分公司", "420100", 32, kind="insurer")
    picc_user = make_user("picc_user", Role.ENTERPRISE, organisation=picc)
    other_user = make_user("other_insurer_user", Role.ENTERPRISE, organisation=other_insurer)
    # An insurer names the insured; it cannot insure itself or write another insurer's name.
    with pytest.raises(ApplicationError) as exc:
        insurance.policy_create(actor=picc_user, data=policy_data())
    assert exc.value.fields == {"insured": "请填写被保险人的统一社会信用代码。"}
    by_insurer = insurance.policy_create(
        actor=picc_user,
        data=policy_data(
            insured=orgs["wuhan_hongshan"].uscc, number="I-1", insurer_name="别家保险"
        ),
    )
    assert (by_insurer.insurer_name, by_insurer.insurer_org, by_insurer.insured) == (
        picc.name,
        picc,
        orgs["wuhan_hongshan"],
    )
    # The insured still registers its own, naming the insurer: linked to it.
    by_insured = insurance.policy_create(actor=cast["enterprise"], data=policy_data(number="I-2"))
    assert by_insured.insurer_org == picc
    unlinked = insurance.policy_create(
        actor=cast["enterprise"], data=policy_data(number="I-3", insurer_name="平台外保险公司")
    )
    assert unlinked.insurer_org is None

    def seen(user: User) -> set[str]:
        return {p.number for p in insurance_selectors.policy_list(user=user)}

    assert seen(picc_user) == {"I-1", "I-2"}
    assert seen(other_user) == set()
    assert seen(cast["enterprise"]) == {"I-1", "I-2", "I-3"}
    client.force_login(other_user)
    assert client.get(f"/finance/insurance/{by_insurer.pk}/").status_code == 404
    client.force_login(picc_user)
    page = client.get("/finance/insurance/").content.decode()
    assert "I-1" in page and "I-2" in page and "I-3" not in page
    assert client.get(f"/finance/insurance/{by_insured.pk}/").status_code == 200
