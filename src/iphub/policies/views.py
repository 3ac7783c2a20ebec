"""Thin pages of the policy library: the public list with full-text search and
the document page; "我可能符合的政策" for an organisation's users; the staff's
list and form. Rules live in services, selectors and ``conditions.py``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from iphub.core.errors import ApplicationError
from iphub.core.models import OrganisationKind, OrganisationTag, Region
from iphub.policies import access, selectors, services
from iphub.policies.conditions import describe
from iphub.policies.forms import data_from_post, values_of
from iphub.policies.models import PolicyLevel, Validity


def policy_list(request: HttpRequest) -> HttpResponse:
    """The library: search by words or 文号, filter by level, validity, support."""
    q = request.GET.get("q", "")
    level = request.GET.get("level", "")
    validity = request.GET.get("validity", "")
    support = request.GET.get("support") == "1"
    result = selectors.policy_list(
        q=q,
        level=level if level in PolicyLevel.values else "",
        validity=validity if validity in Validity.values else "",
        support=support,
    )
    rows = [(p, result.title_html[p.pk]) for p in result.policies]
    return render(
        request,
        "policies/list.html",
        {
            "rows": rows,
            "result": result,
            "q": q,
            "level": level,
            "validity": validity,
            "support": support,
            "levels": PolicyLevel.choices,
            "validities": Validity.choices,
            "can_keep": access.may_keep_library(request.user),
            "has_org": request.user.is_authenticated
            and request.user.organisation_id is not None
            and not request.user.is_region_staff,
        },
    )


def policy_detail(request: HttpRequest, policy_id: int) -> HttpResponse:
    """A document: metadata, validity, conditions, full text; for an organisation's
    user, how the organisation fares against the conditions."""
    policy = selectors.policy_get(policy_id=policy_id)
    check = None
    if policy.is_support and request.user.is_authenticated:
        try:
            org = selectors.organisation_of(request.user)
        except ApplicationError:
            org = None
        if org is not None:
            check = selectors.policy_check(policy, org)
    return render(
        request,
        "policies/detail.html",
        {
            "policy": policy,
            "conditions": [describe(r) for r in policy.conditions],
            "check": check,
            "can_edit": access.may_keep(request.user, policy),
        },
    )


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """我可能符合的政策: every subsidy/reward policy in force here, met ones first."""
    org = selectors.organisation_of(request.user)
    checks = selectors.support_policy_checks(org)
    return render(
        request,
        "policies/mine.html",
        {
            "org": org,
            "qualifying": [c for c in checks if c.qualifies],
            "others": [c for c in checks if not c.qualifies],
        },
    )


@login_required
def keep_list(request: HttpRequest) -> HttpResponse:
    """The staff's documents (their region and below)."""
    items = selectors.policy_keep_list(user=request.user)
    return render(request, "policies/keep_list.html", {"items": items})


def _form(request: HttpRequest, policy: Any = None) -> HttpResponseBase:
    errors: dict[str, str] = {}
    data = None
    if request.method == "POST":
        data = data_from_post(request.POST)
        try:
            if policy is None:
                policy = services.policy_create(actor=request.user, data=data)
            else:
                services.policy_update(actor=request.user, policy_id=policy.pk, data=data)
        except ApplicationError as exc:
            if exc.status == 404:
                raise
            errors = {"form": exc.message, **exc.fields}
        else:
            messages.success(request, _("政策已保存。"))
            return redirect("policies:detail", policy_id=policy.pk)
    values = values_of(policy, data)
    scope = Region.objects.filter(code=getattr(request.user, "region_id", None)).first()
    regions = [
        r
        for r in Region.objects.filter(level__in=("province", "prefecture")).order_by("code")
        if scope is None or scope.contains(r)
    ]
    conds = values.get("conditions", {})
    return render(
        request,
        "policies/form.html",
        {
            "policy": policy,
            "values": values,
            "errors": errors,
            "levels": PolicyLevel.choices,
            "validities": Validity.choices,
            "regions": regions,
            "all_regions": Region.objects.filter(level__in=("province", "prefecture")).order_by(
                "code"
            ),
            "kinds": [
                (k.value, k.label, k.value in conds.get("org_kind", [])) for k in OrganisationKind
            ],
            "tags": [
                (t.value, t.label, t.value in conds.get("tag_any", [])) for t in OrganisationTag
            ],
            "conds": conds,
        },
        status=400 if errors else 200,
    )


@login_required
def policy_new(request: HttpRequest) -> HttpResponseBase:
    selectors.policy_keep_list(user=request.user)  # refuses those who do not keep the library
    return _form(request)


@login_required
def policy_edit(request: HttpRequest, policy_id: int) -> HttpResponseBase:
    return _form(request, selectors.policy_keep_get(user=request.user, policy_id=policy_id))
