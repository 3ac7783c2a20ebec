"""Reads of financing: products and which fit a request, an enterprise's own
pledgeable rights, requests and answers (scoped: the enterprise its own, a bank
its own slots, staff their region), the answer board, the whitelist."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from iphub.core.calendar import LOCAL_TZ, working_days_between
from iphub.core.errors import AccessDenied, ApplicationError, NotFound
from iphub.core.models import Organisation, OrganisationKind, Region, RegionLevel, Role
from iphub.core.permissions import region_path_of, require_roles, scope_queryset
from iphub.finance import workflow
from iphub.finance.models import (
    AnswerState,
    BankAnswer,
    Collateral,
    FinanceNotice,
    FinancingRequest,
    LoanProduct,
    SupplementFile,
    WhitelistCriterion,
    WhitelistEntry,
)
from iphub.patents.models import PartyRole, Patent, PatentParty, Trademark, TrademarkType
from iphub.patents.names import applicant_key

STAFF_ROLES = (Role.SUPERVISOR, Role.WINDOW, Role.AUDITOR)
# A waiting slot due within this many hours is "at risk" on the board (as filings').
AT_RISK_HOURS = 4

PATENT_COLLATERAL = {
    "invention": Collateral.INVENTION,
    "pct_invention": Collateral.INVENTION,
    "utility": Collateral.UTILITY,
    "pct_utility": Collateral.UTILITY,
    "design": Collateral.DESIGN,
}


def patent_collateral(patent: Patent) -> str:
    """The collateral kind a patent is (发明/实用新型/外观设计); by the number's type digit
    when the record has no type."""
    kind = patent.patent_type or {"1": "invention", "8": "invention", "2": "utility"}.get(
        patent.application_number[4:5], "design"
    )
    return str(PATENT_COLLATERAL.get(kind, Collateral.DESIGN))


def trademark_collateral(mark: Trademark) -> str:
    return str(Collateral.GI if mark.mark_type == TrademarkType.GI else Collateral.TRADEMARK)


def _signed_in(user: Any) -> None:
    if user is None or not user.is_authenticated:
        raise ApplicationError("请先登录。", code="not_authenticated", status=401)


# ---------------------------------------------------------------- products


def product_list(*, bank_id: int | None = None, active_only: bool = True) -> QuerySet[LoanProduct]:
    """Loan products on offer (public to every signed-in user), one bank's if given."""
    qs = LoanProduct.objects.select_related("bank")
    if active_only:
        qs = qs.filter(active=True)
    if bank_id is not None:
        qs = qs.filter(bank_id=bank_id)
    return qs.order_by("bank__name", "name")


def product_fits(
    product: LoanProduct, *, amount: Decimal, term_months: int, kinds: set[str], region: Region
) -> list[str]:
    """Why ``product`` does not fit a request (empty: it fits): the amount and
    term inside its ranges, every pledged right a collateral it accepts, the
    enterprise's city or county among the regions it serves."""
    why = []
    if not product.amount_min <= amount <= product.amount_max:
        why.append(f"额度为 {product.amount_min:,.2f} 至 {product.amount_max:,.2f} 元")
    if not product.term_min_months <= term_months <= product.term_max_months:
        why.append(f"期限为 {product.term_min_months} 至 {product.term_max_months} 个月")
    missing = kinds - set(product.collateral)
    if missing:
        why.append("不接受" + "、".join(str(Collateral(k).label) for k in sorted(missing)))
    if product.region_codes and not set(region.path.split("/")) & set(product.region_codes):
        why.append(f"不服务{region.name}")
    return why


def products_fitting(
    *, amount: Decimal, term_months: int, kinds: set[str], region: Region
) -> list[LoanProduct]:
    """Active products that fit the request (:func:`product_fits`), lowest rate first."""
    out = [
        p
        for p in product_list()
        if not product_fits(p, amount=amount, term_months=term_months, kinds=kinds, region=region)
    ]
    return sorted(out, key=lambda p: (p.rate_min, p.bank.name, p.pk))


def bank_list() -> QuerySet[Organisation]:
    """Organisations of kind 银行 an enterprise may ask."""
    return Organisation.objects.filter(kind=OrganisationKind.BANK).order_by("name")


# ---------------------------------------------------------------- own rights


def own_patents(*, user: Any) -> QuerySet[Patent]:
    """Patents whose patentee of record is the user's organisation (its portfolio)."""
    _signed_in(user)
    if user.organisation_id is None:
        return Patent.objects.none()
    key = applicant_key(user.organisation.name)
    ids = PatentParty.objects.filter(role=PartyRole.APPLICANT, key=key).values("patent_id")
    return (
        with_grade(Patent.objects.filter(pk__in=ids))
        .only("id", "application_number", "title", "patent_type", "grant_date", "legal_status")
        .order_by("-grant_date", "-pk")
    )


def with_grade(qs: QuerySet[Patent]) -> QuerySet[Patent]:
    """Patents with their value grade (band A-D, score) where one was computed
    (``patents``' grading); ``grade_band`` is None where it was not."""
    return qs.annotate(grade_band=F("grade__band"), grade_score=F("grade__score"))


def own_trademarks(*, user: Any) -> QuerySet[Trademark]:
    """Trademarks registered to the user's organisation (the platform's records)."""
    _signed_in(user)
    if user.organisation_id is None:
        return Trademark.objects.none()
    return Trademark.objects.filter(owner_key=applicant_key(user.organisation.name)).order_by(
        "registration_number"
    )


# ---------------------------------------------------------------- whitelist


def _current_whitelist(today: dt.date) -> QuerySet[WhitelistEntry]:
    return WhitelistEntry.objects.filter(
        removed_at=None, valid_from__lte=today, valid_until__gte=today
    )


def whitelisted(org_ref: Any, today: dt.date | None = None) -> Exists:
    """An ``Exists`` for annotating: the organisation at ``org_ref`` is on a current whitelist."""
    today = today or timezone.localdate()
    return Exists(_current_whitelist(today).filter(organisation_id=org_ref))


def whitelist_list(*, user: Any, include_past: bool = False) -> QuerySet[WhitelistEntry]:
    """The whitelist as ``user`` may see it: banks the whole list (that is what it is
    for), staff the entries of enterprises inside their region; enterprises nothing."""
    _signed_in(user)
    qs = WhitelistEntry.objects.select_related("organisation__region", "listed_by_region")
    if not include_past:
        qs = qs.filter(removed_at=None, valid_until__gte=timezone.localdate())
    if workflow.is_bank_user(user):
        return qs.order_by("organisation__name")
    if region_path_of(user) is None:
        raise AccessDenied("融资白名单仅向银行用户和管理部门开放。")
    return scope_queryset(user, qs, region_path_field="organisation__region__path").order_by(
        "organisation__name"
    )


# ---------------------------------------------------------------- requests


def _requests() -> QuerySet[FinancingRequest]:
    answers = BankAnswer.objects.select_related("bank", "product").order_by("id")
    return (
        FinancingRequest.objects.select_related("organisation", "region", "loan_bank")
        .prefetch_related(
            Prefetch("answers", queryset=answers),
            # In number order: the page, the API and the pledge links list them
            # alike (unordered, PostgreSQL returns them as it finds them).
            Prefetch("patents", queryset=with_grade(Patent.objects.order_by("application_number"))),
            Prefetch("trademarks", queryset=Trademark.objects.order_by("registration_number")),
        )
        .annotate(whitelisted=whitelisted(OuterRef("organisation_id")))
    )


def request_list(*, user: Any, state: str = "") -> QuerySet[FinancingRequest]:
    """Requests ``user`` may see: staff their region's, a bank those it was asked,
    an enterprise its own; newest first."""
    _signed_in(user)
    qs = _requests()
    if workflow.is_bank_user(user):
        qs = qs.filter(answers__bank_id=user.organisation_id)
    else:
        qs = scope_queryset(user, qs, organisation_field="organisation_id")
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-created_at", "-id")


def request_get(*, user: Any, request_id: int) -> FinancingRequest:
    """One request ``user`` may see (404 otherwise, as if it did not exist)."""
    found = request_list(user=user).filter(pk=request_id).first()
    if found is None:
        raise NotFound("未找到该融资需求。")
    return found


def visible_answers(user: Any, request: FinancingRequest) -> list[BankAnswer]:
    """The slots of ``request`` the user sees: a bank only its own, others all."""
    answers = list(request.answers.all())
    if workflow.is_bank_user(user):
        return [a for a in answers if a.bank_id == user.organisation_id]
    return answers


def supplement_file_get(*, user: Any, answer_id: int, file_id: int) -> SupplementFile:
    """A supplementary file for download: only who sees its slot — that bank's
    users, the enterprise, the request's region staff (404 otherwise)."""
    found = (
        SupplementFile.objects.select_related("answer")
        .filter(pk=file_id, answer_id=answer_id)
        .first()
    )
    if found is None:
        raise NotFound("未找到该材料。")
    r = request_get(user=user, request_id=found.answer.request_id)
    if found.answer_id not in {a.pk for a in visible_answers(user, r)}:
        raise NotFound("未找到该材料。")
    return found


def slot_files(answer: BankAnswer) -> list[SupplementFile]:
    """The supplementary files of one slot, oldest first."""
    return list(answer.files.all())


def asked_for(answer: BankAnswer) -> str:
    """What the bank asked the enterprise to supply, while it waits for it ("" else)."""
    if answer.state != AnswerState.MORE:
        return ""
    event = answer.events.filter(action="need_more").order_by("-at", "-id").first()
    return event.note if event else answer.note


def bank_inbox(*, user: Any, state: str = "") -> QuerySet[BankAnswer]:
    """The bank's own slots, those it owes an answer on first, soonest due first."""
    if not workflow.is_bank_user(user):
        raise AccessDenied("此页面仅限银行用户。")
    qs = BankAnswer.objects.select_related("request__organisation", "request__region").filter(
        bank_id=user.organisation_id
    )
    if state:
        qs = qs.filter(state=state)
    return qs.annotate(whitelisted=whitelisted(OuterRef("request__organisation_id"))).order_by(
        "due_at", "-id"
    )


@dataclass
class BoardRow:
    bank: Organisation
    waiting: int = 0
    due_today: list[BankAnswer] = field(default_factory=list)
    at_risk: list[BankAnswer] = field(default_factory=list)
    overdue: list[BankAnswer] = field(default_factory=list)
    answered: int = 0
    answered_late: int = 0
    days_total: int = 0

    @property
    def average_days(self) -> Decimal | None:
        """Average working days from asking to the first answer."""
        if not self.answered:
            return None
        return (Decimal(self.days_total) / self.answered).quantize(Decimal("0.1"))


def answer_scope(user: Any) -> QuerySet[BankAnswer]:
    """Slots staff see (requests of enterprises in their region), or a bank its own."""
    _signed_in(user)
    qs = BankAnswer.objects.select_related("bank", "request__organisation", "request__region")
    if workflow.is_bank_user(user):
        return qs.filter(bank_id=user.organisation_id)
    require_roles(user, *STAFF_ROLES)
    return scope_queryset(user, qs, region_path_field="request__region__path")


def answer_board(*, user: Any, now: dt.datetime | None = None) -> list[BoardRow]:
    """Answers by bank, like the filings board: slots waiting on the bank (due later
    today, at risk, overdue), and how fast it answered (working days, late ones)."""
    now = now or timezone.now()
    today = now.astimezone(LOCAL_TZ).date()
    rows: dict[int, BoardRow] = {}
    for a in answer_scope(user).order_by("due_at", "id"):
        row = rows.setdefault(a.bank_id, BoardRow(bank=a.bank))
        if a.first_answer_at is not None:
            row.answered += 1
            row.answered_late += 1 if a.late else 0
            row.days_total += working_days_between(
                a.created_at.astimezone(LOCAL_TZ).date(),
                a.first_answer_at.astimezone(LOCAL_TZ).date(),
            )
        if a.state not in workflow.WAITING_ON_BANK or a.due_at is None:
            continue
        row.waiting += 1
        if a.due_at < now:
            row.overdue.append(a)
            continue
        if a.due_at <= now + dt.timedelta(hours=AT_RISK_HOURS):
            row.at_risk.append(a)
        if a.due_at.astimezone(LOCAL_TZ).date() == today:
            row.due_today.append(a)
    return sorted(rows.values(), key=lambda r: r.bank.name)


def answer_actions(user: Any, answer: BankAnswer) -> list[dict[str, Any]]:
    """The buttons ``user`` gets on ``answer`` (name, label)."""
    return [
        {"name": t.name, "label": str(t.label), "fields": workflow.STEP_FIELDS.get(t.name, ())}
        for t in workflow.available(user, answer)
    ]


def approved_answer(request: FinancingRequest) -> BankAnswer | None:
    """The slot whose bank approved the loan (the one a pledge filing follows)."""
    for a in request.answers.all():
        if a.state == AnswerState.APPROVED:
            return a
    return None


def request_q_in_region(user: Any) -> Q:
    """Staff scope over requests as a ``Q`` (for figures)."""
    scope = region_path_of(user)
    if scope is None:
        raise AccessDenied()
    if scope == "":
        return Q()
    return Q(region__path=scope) | Q(region__path__startswith=scope + "/")


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months (the 31st becomes the month's last day)."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def service_regions() -> QuerySet[Region]:
    """The prefecture-level units a product may serve (the form's choices)."""
    return Region.objects.filter(level=RegionLevel.PREFECTURE).order_by("code")


def proposals_for(*, user: Any, data: Any) -> list[LoanProduct]:
    """Products that fit what the request form holds so far (amount, term, the
    chosen patents' kinds, the enterprise's region); all products before that."""
    from iphub.core.amounts import parse_number
    from iphub.finance.services.requests import AMOUNT, TERM

    try:
        amount = parse_number(data.get("amount"), AMOUNT, field="amount")
        term = parse_number(data.get("term_months"), TERM, field="term_months")
    except ApplicationError:
        amount = term = None
    org = user.organisation if user.organisation_id else None
    if amount is None or term is None or org is None:
        return list(product_list())
    numbers = data.getlist("patents") if hasattr(data, "getlist") else []
    kinds = {patent_collateral(p) for p in Patent.objects.filter(application_number__in=numbers)}
    return products_fitting(
        amount=amount, term_months=int(term), kinds=kinds or set(), region=org.region
    )


def may_curate_whitelist(user: Any) -> bool:
    """City (prefecture) and province supervisors keep the whitelist."""
    scope = region_path_of(user)
    return bool(
        scope is not None and scope != "" and user.role == Role.SUPERVISOR and scope.count("/") <= 1
    )


def criteria_labels(codes: list[str]) -> list[str]:
    labels = dict(WhitelistCriterion.choices)
    return [str(labels.get(c, c)) for c in codes]


def whitelist_candidates(*, user: Any) -> QuerySet[Organisation]:
    """Enterprises in the curator's region (the form's choices)."""
    qs = Organisation.objects.select_related("region").filter(
        kind__in=(
            OrganisationKind.ENTERPRISE,
            OrganisationKind.UNIVERSITY,
            OrganisationKind.INSTITUTE,
        )
    )
    return scope_queryset(user, qs).order_by("name")


def may_ask(user: Any) -> bool:
    """Whether ``user`` may ask for financing (an enterprise user, not a bank)."""
    org = user.organisation if user.is_authenticated and user.organisation_id else None
    return bool(
        org is not None and user.role == Role.ENTERPRISE and org.kind != OrganisationKind.BANK
    )


def _inbox_label(user: Any) -> str:
    """“融资消息”, with the count of unread ones when there are any."""
    from django.utils.translation import gettext

    unread = FinanceNotice.objects.filter(user=user, read=False).count()
    label = gettext("融资消息")
    return f"{label}（{unread}）" if unread else label


def nav_links(user: Any) -> list[tuple[str, str]]:
    """The finance pages ``user`` may open, for the pages' own menu: products,
    requests and insurance for everyone signed in; the whitelist and the answer
    board for banks and staff; the figures and the funds for staff."""
    from django.urls import reverse
    from django.utils.translation import gettext

    from iphub.finance.selectors.totals import FINANCE_ROLES

    if user is None or not user.is_authenticated:
        return []
    bank = workflow.is_bank_user(user)
    staff = region_path_of(user) is not None and (user.is_superuser or user.role in FINANCE_ROLES)
    links = [
        ("finance:products", gettext("贷款产品"), True),
        ("finance:requests", gettext("融资需求"), True),
        ("finance:inbox", _inbox_label(user), True),
        ("finance:whitelist", gettext("融资白名单"), bank or region_path_of(user) is not None),
        ("finance:policies", gettext("知识产权保险"), True),
        ("finance:board", gettext("答复时限看板"), bank or staff),
        ("finance:figures", gettext("金融数据"), staff),
        ("finance:overview", gettext("质押融资"), staff),
    ]
    return [(reverse(name), label) for name, label, shown in links if shown]
