"""Financing requests: products and their fit, the checks on the offered rights,
every bank answer allowed and refused per role and bank, working-day answer
limits and the board, and the pledge filing that closes a request."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from iphub.conftest import make_org, make_user
from iphub.core.calendar import LOCAL_TZ
from iphub.core.errors import ApplicationError
from iphub.core.models import Role, User
from iphub.filings import services as filing_services
from iphub.filings.tests.conftest import MONDAY_10, NUMBERS, file_pledge
from iphub.finance import selectors, workflow
from iphub.finance.models import AnswerState, BankAnswer, FinancingRequest, RequestState
from iphub.finance.selectors import financing
from iphub.finance.services import answers, products
from iphub.finance.tests.conftest import BANK_A, PRODUCT, ask

pytestmark = pytest.mark.django_db


def slot(request: FinancingRequest, bank: Any) -> BankAnswer:
    return request.answers.get(bank=bank)


def step(user: User, a: BankAnswer, name: str, now: Any = MONDAY_10, **data: Any) -> BankAnswer:
    return answers.answer_step(actor=user, answer_id=a.pk, name=name, data=data, now=now)


# ------------------------------------------------------------------ products


def test_only_bank_users_publish_products_and_bad_ranges_change_nothing(
    cast: dict[str, User], banks: dict[str, Any]
) -> None:
    with pytest.raises(ApplicationError, match="仅限银行用户"):
        products.product_create(actor=cast["enterprise"], data=PRODUCT)
    with pytest.raises(ApplicationError) as exc:
        products.product_create(actor=banks["a_user"], data=PRODUCT | {"rate_max": "3.00"})
    assert exc.value.fields == {"rate_max": "年利率上限不能低于下限。"}
    with pytest.raises(ApplicationError) as exc:
        products.product_create(actor=banks["a_user"], data=PRODUCT | {"collateral": ["car"]})
    assert "质押物“car”无效" in exc.value.fields["collateral"]
    with pytest.raises(ApplicationError) as exc:
        products.product_create(actor=banks["a_user"], data=PRODUCT | {"amount_min": "NaN"})
    assert "amount_min" in exc.value.fields
    assert not financing.product_list().exists()
    p = products.product_create(actor=banks["a_user"], data=PRODUCT)
    assert p.bank == banks["a"] and p.region_codes == ["420100"]
    # Another bank cannot edit it; it does not exist for them.
    with pytest.raises(ApplicationError, match="未找到该产品"):
        products.product_update(actor=banks["b_user"], product_id=p.pk, data={}, active=False)


def test_product_fit_by_amount_term_collateral_and_region(
    cast: dict[str, User], offers: dict[str, Any], orgs: Any
) -> None:
    wuhan = orgs["wuhan_hongshan"].region
    yichang = orgs["yichang"].region

    def fit(amount: str, term: int, kinds: set[str], region: Any) -> list[str]:
        found = financing.products_fitting(
            amount=Decimal(amount), term_months=term, kinds=kinds, region=region
        )
        return [p.name for p in found]

    assert fit("2000000", 12, {"invention"}, wuhan) == ["知识产权质押贷", "专利快贷"]
    # Too much for B, utility models not accepted by B, Yichang outside A's area.
    assert fit("5000000", 12, {"invention"}, wuhan) == ["知识产权质押贷"]
    assert fit("2000000", 12, {"invention", "utility"}, wuhan) == ["知识产权质押贷"]
    assert fit("2000000", 12, {"invention"}, yichang) == ["专利快贷"]
    assert fit("2000000", 48, {"invention"}, wuhan) == []
    why = financing.product_fits(
        offers["b"], amount=Decimal(5_000_000), term_months=30, kinds={"utility"}, region=wuhan
    )
    assert why == [
        "额度为 500,000.00 至 3,000,000.00 元",
        "期限为 12 至 24 个月",
        "不接受实用新型专利",
    ]


def test_an_unrouted_request_goes_to_the_banks_whose_products_fit(
    cast: dict[str, User], banks: dict[str, Any], offers: Any, patents: dict[str, str]
) -> None:
    r = ask(cast["enterprise"], [NUMBERS["granted"], NUMBERS["utility"]])
    # The utility model rules out bank B's product.
    assert [(a.bank.name, a.product_id) for a in r.answers.all()] == [(BANK_A, offers["a"].pk)]
    with pytest.raises(ApplicationError) as exc:
        ask(cast["enterprise"], [NUMBERS["second"]], products=[offers["b"].pk], amount="5000000")
    assert "不适合本需求" in exc.value.fields["products"]


# ------------------------------------------------------------------ offered rights


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("other_owner", "不是专利登记簿记载的专利权人"),
        ("lapsed", "已终止"),
        ("pending", "尚未授予专利权"),
        ("co_owned", "共有专利"),
    ],
)
def test_only_own_patents_in_force_are_offered(
    cast: dict[str, User], offers: Any, patents: dict[str, str], key: str, message: str
) -> None:
    with pytest.raises(ApplicationError) as exc:
        ask(cast["enterprise"], [NUMBERS["granted"], NUMBERS[key]])
    assert message in exc.value.fields["patents"]
    assert not FinancingRequest.objects.exists()


def test_a_pledged_patent_cannot_be_offered_and_banks_and_staff_cannot_ask(
    cast: dict[str, User], banks: dict[str, Any], offers: Any, patents: dict[str, str]
) -> None:
    f = file_pledge(cast["enterprise"], NUMBERS["second"])
    filing_services.filing_accept(actor=cast["wuhan_clerk"], filing_id=f.pk, now=MONDAY_10)
    filing_services.filing_approve(actor=cast["wuhan_clerk"], filing_id=f.pk, now=MONDAY_10)
    with pytest.raises(ApplicationError) as exc:
        ask(cast["enterprise"], [NUMBERS["second"]])
    assert "已质押" in exc.value.fields["patents"]
    for user in (banks["a_user"], cast["wuhan_clerk"]):
        with pytest.raises(ApplicationError, match="只能由企业用户"):
            ask(user, [NUMBERS["granted"]])
    with pytest.raises(ApplicationError) as exc:
        ask(cast["enterprise"], [], amount="0")
    assert "amount" in exc.value.fields


# ------------------------------------------------------------------ answers


def test_each_bank_answer_allowed_for_its_bank_refused_for_others(
    cast: dict[str, User], banks: dict[str, Any], asked: FinancingRequest
) -> None:
    a, b = slot(asked, banks["a"]), slot(asked, banks["b"])
    # The other bank does not see the slot at all; the enterprise and staff may not answer.
    with pytest.raises(ApplicationError) as exc:
        step(banks["b_user"], a, "accept")
    assert exc.value.status == 404
    for user in (cast["enterprise"], cast["wuhan_clerk"], cast["supervisor"]):
        with pytest.raises(ApplicationError) as exc:
            step(user, a, "accept")
        assert exc.value.status in (403, 404)
    # Bank A: accept for review → ask for more → enterprise supplements → accept → approve.
    assert step(banks["a_user"], a, "accept").state == AnswerState.REVIEWING
    with pytest.raises(ApplicationError) as exc:
        step(banks["a_user"], a, "need_more")
    assert exc.value.fields == {"note": "请写明需要企业补充的材料。"}
    assert step(banks["a_user"], a, "need_more", note="近两年审计报告").state == AnswerState.MORE
    with pytest.raises(ApplicationError, match="融资企业本身"):
        step(banks["a_user"], a, "supplement")
    assert step(cast["enterprise"], a, "supplement", note="已补充").state == AnswerState.WAITING
    step(banks["a_user"], a, "accept")
    with pytest.raises(ApplicationError) as exc:
        step(banks["a_user"], a, "approve", amount="1800000", rate="abc", term_months="12")
    assert "rate" in exc.value.fields
    assert slot(asked, banks["a"]).state == AnswerState.REVIEWING
    done = step(banks["a_user"], a, "approve", amount="1800000", rate="3.85", term_months="12")
    assert (done.state, done.approved_amount) == (AnswerState.APPROVED, Decimal("1800000.00"))
    # A step from the wrong state is refused and says who handled it.
    with pytest.raises(ApplicationError, match="已由 bank_a_user 处理"):
        step(banks["a_user"], a, "decline", reason="credit")
    # Bank B declines with a reason from the list only.
    with pytest.raises(ApplicationError) as exc:
        step(banks["b_user"], b, "decline", reason="no_reason")
    assert exc.value.fields == {"reason": "请从列表中选择婉拒理由。"}
    with pytest.raises(ApplicationError) as exc:
        step(banks["b_user"], b, "decline", reason="other")
    assert exc.value.fields == {"note": "选择“其他”时请写明理由。"}
    declined = step(banks["b_user"], b, "decline", reason="value_low")
    assert declined.get_decline_reason_display() == "质押物价值不足以覆盖融资金额"
    asked.refresh_from_db()
    assert asked.state == RequestState.OPEN  # bank A's approval still stands
    assert list(slot(asked, banks["a"]).events.values_list("action", flat=True)) == [
        "create",
        "accept",
        "need_more",
        "supplement",
        "accept",
        "approve",
    ]


def test_buttons_follow_the_table(
    cast: dict[str, User], banks: dict[str, Any], asked: FinancingRequest
) -> None:
    a = slot(asked, banks["a"])

    def names(user: User) -> list[str]:
        return [t.name for t in workflow.available(user, a)]

    assert names(banks["a_user"]) == ["accept", "need_more", "decline"]
    assert names(banks["b_user"]) == []
    assert names(cast["enterprise"]) == ["withdraw"]
    assert names(cast["wuhan_clerk"]) == []


def test_all_banks_declining_ends_the_request_and_withdrawal_closes_open_slots(
    cast: dict[str, User], banks: dict[str, Any], asked: FinancingRequest, patents: Any
) -> None:
    step(banks["a_user"], slot(asked, banks["a"]), "decline", reason="credit")
    step(banks["b_user"], slot(asked, banks["b"]), "decline", reason="region")
    asked.refresh_from_db()
    assert asked.state == RequestState.DECLINED
    other = ask(cast["enterprise"], [NUMBERS["granted"]], banks=[banks["a"].pk])
    with pytest.raises(ApplicationError):
        answers.request_withdraw(actor=banks["a_user"], request_id=other.pk)
    answers.request_withdraw(actor=cast["enterprise"], request_id=other.pk)
    other.refresh_from_db()
    assert other.state == RequestState.WITHDRAWN
    assert slot(other, banks["a"]).state == AnswerState.WITHDRAWN
    with pytest.raises(ApplicationError, match="不能"):
        step(banks["a_user"], slot(other, banks["a"]), "accept")


# ------------------------------------------------------------------ deadlines and board


def test_answer_limits_in_working_days_and_late_answers_marked(
    cast: dict[str, User], banks: dict[str, Any], offers: Any, patents: Any, settings: Any
) -> None:
    settings.IPHUB_CUTOFF_HOUR = 17
    # Asked on Friday 3 April 2026 at 16:00, before the Qingming holiday (4-6 April):
    # three working days are 7, 8 and 9 April; due 9 April at 17:00.
    friday = dt.datetime(2026, 4, 3, 16, 0, tzinfo=LOCAL_TZ)
    r = ask(cast["enterprise"], [NUMBERS["granted"]], banks=[banks["a"].pk], now=friday)
    a = slot(r, banks["a"])
    assert a.due_at == dt.datetime(2026, 4, 9, 17, 0, tzinfo=LOCAL_TZ)
    # Asked after the cut-off: counted from the next working day.
    late_ask = dt.datetime(2026, 3, 2, 18, 0, tzinfo=LOCAL_TZ)
    r2 = ask(cast["enterprise"], [NUMBERS["second"]], banks=[banks["b"].pk], now=late_ask)
    assert slot(r2, banks["b"]).due_at == dt.datetime(2026, 3, 6, 17, 0, tzinfo=LOCAL_TZ)
    # Board on 9 April 15:00: A's slot is due today and at risk; then overdue.
    board = financing.answer_board(
        user=cast["supervisor"], now=dt.datetime(2026, 4, 9, 15, 0, tzinfo=LOCAL_TZ)
    )
    row = next(x for x in board if x.bank == banks["a"])
    assert [s.pk for s in row.due_today] == [a.pk] and [s.pk for s in row.at_risk] == [a.pk]
    later = dt.datetime(2026, 4, 10, 9, 0, tzinfo=LOCAL_TZ)
    row = next(
        x
        for x in financing.answer_board(user=cast["supervisor"], now=later)
        if x.bank == banks["a"]
    )
    assert [s.pk for s in row.overdue] == [a.pk]
    answered = step(banks["a_user"], a, "accept", now=later)
    assert answered.late and answered.first_answer_at == later
    # Review limit: ten working days from acceptance.
    assert answered.due_at == dt.datetime(2026, 4, 24, 17, 0, tzinfo=LOCAL_TZ)
    row = next(
        x
        for x in financing.answer_board(user=cast["supervisor"], now=later)
        if x.bank == banks["a"]
    )
    assert (row.answered, row.answered_late, row.average_days) == (1, 1, Decimal("4.0"))
    # The board is staff's or the bank's own: Yichang staff see no Wuhan request.
    assert financing.answer_board(user=cast["yichang_supervisor"], now=later) == []
    with pytest.raises(ApplicationError):
        financing.answer_board(user=cast["enterprise"])


# ------------------------------------------------------------------ visibility


def test_who_sees_which_request(
    cast: dict[str, User], banks: dict[str, Any], asked: FinancingRequest, orgs: Any
) -> None:
    c_bank = make_user(
        "bank_c_user",
        Role.ENTERPRISE,
        organisation=make_org("其他测试银行", "420100", 23, kind="bank"),
    )
    ids = lambda u: [r.pk for r in selectors_list(u)]  # noqa: E731
    assert ids(cast["enterprise"]) == [asked.pk]
    assert ids(banks["a_user"]) == [asked.pk]
    assert ids(cast["wuhan_clerk"]) == [asked.pk]
    assert ids(cast["supervisor"]) == [asked.pk]
    assert ids(cast["yichang_supervisor"]) == []
    assert ids(c_bank) == []
    # A bank reads only its own slot of a request it was asked.
    r = financing.request_get(user=banks["a_user"], request_id=asked.pk)
    assert [a.bank for a in financing.visible_answers(banks["a_user"], r)] == [banks["a"]]
    assert len(financing.visible_answers(cast["enterprise"], r)) == 2
    with pytest.raises(ApplicationError) as exc:
        financing.request_get(user=cast["yichang_supervisor"], request_id=asked.pk)
    assert exc.value.status == 404


def selectors_list(user: User) -> list[FinancingRequest]:
    return list(financing.request_list(user=user))


# ------------------------------------------------------------------ loan → pledge → closed


def test_the_approved_loan_registered_as_pledge_closes_the_request_with_the_real_amount(
    cast: dict[str, User], banks: dict[str, Any], asked: FinancingRequest
) -> None:
    a, b = slot(asked, banks["a"]), slot(asked, banks["b"])
    step(banks["a_user"], a, "accept")
    step(banks["a_user"], a, "approve", amount="1800000", rate="3.85", term_months="12")
    step(banks["b_user"], b, "accept")
    # A pledge to another pledgee does not close it.
    other = file_pledge(cast["enterprise"], NUMBERS["granted"], pledgee="别的银行")
    filing_services.filing_accept(actor=cast["wuhan_clerk"], filing_id=other.pk, now=MONDAY_10)
    filing_services.filing_refuse(
        actor=cast["wuhan_clerk"], filing_id=other.pk, ground="other", note="测试", now=MONDAY_10
    )
    f = file_pledge(
        cast["enterprise"],
        NUMBERS["granted"],
        pledgee=BANK_A,
        debt_amount="1750000.00",
        origin=answers.pledge_origin(a),
    )
    assert f.details["origin"] == f"financing:{a.pk}"
    filing_services.filing_accept(actor=cast["wuhan_clerk"], filing_id=f.pk, now=MONDAY_10)
    asked.refresh_from_db()
    assert asked.state == RequestState.OPEN
    filing_services.filing_approve(actor=cast["wuhan_clerk"], filing_id=f.pk, now=MONDAY_10)
    asked.refresh_from_db()
    assert asked.state == RequestState.LOANED
    assert (asked.loan_amount, asked.loan_bank, asked.pledge_filing_id) == (
        Decimal("1750000.00"),
        banks["a"],
        f.pk,
    )
    assert slot(asked, banks["a"]).state == AnswerState.LOANED
    assert slot(asked, banks["b"]).state == AnswerState.CLOSED
    with pytest.raises(ApplicationError):
        step(
            banks["b_user"],
            slot(asked, banks["b"]),
            "approve",
            amount="1",
            rate="3",
            term_months="1",
        )


def test_a_pledge_for_another_loan_with_the_same_bank_does_not_close_the_request(
    cast: dict[str, User], banks: dict[str, Any], asked: FinancingRequest
) -> None:
    """Same enterprise, same bank, same patent — but filed by hand for another
    loan (no link to the approval): the request stays open, its slot approved."""
    a = slot(asked, banks["a"])
    step(banks["a_user"], a, "accept")
    step(banks["a_user"], a, "approve", amount="1800000", rate="3.85", term_months="12")
    f = file_pledge(cast["enterprise"], NUMBERS["granted"], pledgee=BANK_A, debt_amount="300000.00")
    filing_services.filing_accept(actor=cast["wuhan_clerk"], filing_id=f.pk, now=MONDAY_10)
    filing_services.filing_approve(actor=cast["wuhan_clerk"], filing_id=f.pk, now=MONDAY_10)
    asked.refresh_from_db()
    assert (asked.state, asked.loan_amount, asked.pledge_filing_id) == (
        RequestState.OPEN,
        None,
        None,
    )
    assert slot(asked, banks["a"]).state == AnswerState.APPROVED


def test_a_pledge_filed_through_the_api_with_the_origin_closes_the_request(
    client: Any, cast: dict[str, User], banks: dict[str, Any], asked: FinancingRequest
) -> None:
    from iphub.filings.tests.conftest import pledge_data, pledge_documents

    a = slot(asked, banks["a"])
    step(banks["a_user"], a, "accept")
    step(banks["a_user"], a, "approve", amount="900000", rate="3.5", term_months="12")
    body = pledge_data(NUMBERS["second"], pledgee=BANK_A, debt_amount="880000.00")
    body |= {k: v[0] for k, v in pledge_documents().items()}
    client.force_login(cast["enterprise"])
    resp = client.post("/api/v1/filings/pledges", body | {"origin": f"financing:{a.pk}"})
    assert resp.status_code == 201, resp.content
    filing_id = resp.json()["id"]
    filing_services.filing_accept(actor=cast["wuhan_clerk"], filing_id=filing_id, now=MONDAY_10)
    filing_services.filing_approve(actor=cast["wuhan_clerk"], filing_id=filing_id, now=MONDAY_10)
    asked.refresh_from_db()
    assert (asked.state, asked.loan_amount, asked.pledge_filing_id) == (
        RequestState.LOANED,
        Decimal("880000.00"),
        filing_id,
    )


def test_a_forged_or_foreign_origin_closes_nothing(
    cast: dict[str, User], banks: dict[str, Any], asked: FinancingRequest
) -> None:
    """An origin of the wrong shape is refused at filing; one naming a slot that
    is not approved closes nothing."""
    with pytest.raises(ApplicationError) as exc:
        file_pledge(cast["enterprise"], NUMBERS["granted"], pledgee=BANK_A, origin="x y")
    assert "来源链接无效" in exc.value.fields["origin"]
    a = slot(asked, banks["a"])
    f = file_pledge(
        cast["enterprise"], NUMBERS["granted"], pledgee=BANK_A, origin=answers.pledge_origin(a)
    )
    filing_services.filing_accept(actor=cast["wuhan_clerk"], filing_id=f.pk, now=MONDAY_10)
    filing_services.filing_approve(actor=cast["wuhan_clerk"], filing_id=f.pk, now=MONDAY_10)
    asked.refresh_from_db()
    assert asked.state == RequestState.OPEN


def test_approved_answer_is_what_the_pledge_form_is_prefilled_from(
    client: Any, cast: dict[str, User], banks: dict[str, Any], asked: FinancingRequest
) -> None:
    a = slot(asked, banks["a"])
    step(banks["a_user"], a, "accept")
    step(banks["a_user"], a, "approve", amount="1800000", rate="3.85", term_months="12")
    asked = financing.request_get(user=cast["enterprise"], request_id=asked.pk)
    assert selectors.financing.approved_answer(asked) is not None
    client.force_login(cast["enterprise"])
    page = client.get(f"/finance/requests/{asked.pk}/").content.decode()
    link = page.split('data-testid="pledge-link"')[0].rsplit('href="', 1)[1].split('"')[0]
    form = client.get(link.replace("&amp;", "&")).content.decode()
    assert f'value="{NUMBERS["granted"]}"' in form
    assert f'value="{BANK_A}"' in form and 'value="1800000.00"' in form


def test_a_mark_offered_and_pledged_closes_the_request_too(
    client: Any, cast: dict[str, User], banks: dict[str, Any], offers: Any, patents: Any
) -> None:
    from iphub.filings.tests.conftest import file_trademark_pledge
    from iphub.patents.models import Trademark
    from iphub.patents.names import applicant_key

    owner = cast["enterprise"].organisation
    assert owner is not None
    Trademark.objects.create(
        registration_number="12345678",
        name="洪山测试",
        nice_classes=[9, 35],
        owner=owner.name,
        owner_key=applicant_key(owner.name),
        status="注册",
    )
    Trademark.objects.create(
        registration_number="87654321",
        name="别家",
        nice_classes=[9],
        owner="宜昌测试化工有限公司",
        owner_key=applicant_key("宜昌测试化工有限公司"),
        status="注册",
    )
    with pytest.raises(ApplicationError) as exc:
        ask(cast["enterprise"], [], trademarks=["87654321"], banks=[banks["a"].pk])
    assert "不是商标 87654321 的注册人" in exc.value.fields["trademarks"]
    r = ask(cast["enterprise"], [], trademarks=["12345678"], banks=[banks["a"].pk])
    a = slot(r, banks["a"])
    step(banks["a_user"], a, "accept")
    step(banks["a_user"], a, "approve", amount="800000", rate="4.1", term_months="12")
    client.force_login(cast["enterprise"])
    page = client.get(f"/finance/requests/{r.pk}/").content.decode()
    link = page.split('data-testid="pledge-link"')[0].rsplit('href="', 1)[1].split('"')[0]
    assert link.startswith("/filings/trademark/new/?")
    form = client.get(link.replace("&amp;", "&")).content.decode()
    assert 'value="12345678"' in form and 'value="9, 35"' in form and 'value="800000.00"' in form
    province_clerk = make_user("province_clerk", Role.WINDOW, "420000")
    assert f"origin=financing%3A{a.pk}" in link and f'value="financing:{a.pk}"' in form
    f = file_trademark_pledge(
        cast["enterprise"], pledgee=BANK_A, debt_amount="800000.00", origin=f"financing:{a.pk}"
    )
    filing_services.filing_accept(actor=province_clerk, filing_id=f.pk, now=MONDAY_10)
    filing_services.filing_approve(actor=province_clerk, filing_id=f.pk, now=MONDAY_10)
    r.refresh_from_db()
    assert (r.state, r.loan_amount, r.pledge_filing_id) == (
        RequestState.LOANED,
        Decimal("800000.00"),
        f.pk,
    )
