"""Thin pages of the IP profile: the full and the public form, their downloads,
the proposal of a name variant and the staff's queue of proposals."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from iphub.core.errors import ApplicationError
from iphub.core.exports import XLSX_CONTENT_TYPE, file_response
from iphub.core.pages import refusals_back_to
from iphub.core.permissions import signed_in
from iphub.enterprises import selectors, services
from iphub.enterprises.downloads import profile_pdf, profile_xlsx
from iphub.enterprises.models import ApplicantNameVariant
from iphub.enterprises.selectors.figures import Profile
from iphub.enterprises.workflow import REVIEW_ROLES


def _page(request: HttpRequest, profile: Profile) -> HttpResponse:
    org = profile.organisation
    user: Any = request.user
    full = not profile.public
    variants = selectors.variant_list(organisation=org, full=full)
    base = "enterprises:profile" if full else "enterprises:public"
    uscc = str(org.uscc)
    return render(
        request,
        "enterprises/profile.html",
        {
            "profile": profile,
            "org": org,
            "full": full,
            "chart": json.dumps(profile.trend, ensure_ascii=False),
            "variant_rows": selectors.variant_rows(user, variants),
            "can_propose": signed_in(user),
            "hints": selectors.similar_applicant_names(org) if full else [],
            "pdf_url": f"{_reverse(base, uscc)}brief.pdf",
            "xlsx_url": f"{_reverse(base, uscc)}profile.xlsx",
            "public_url": _reverse("enterprises:public", uscc),
            # The policies it meets in part are on the firm's own page (policies app).
            "policies_mine_url": reverse("policies:mine")
            if full and selectors.is_own_organisation(user, org)
            else "",
        },
    )


def _reverse(name: str, uscc: str) -> str:
    return reverse(name, kwargs={"uscc": uscc})


@login_required
def profile(request: HttpRequest, uscc: str) -> HttpResponse:
    """The full profile: the organisation's own users and its region's staff."""
    org = selectors.profile_organisation(user=request.user, uscc=uscc)
    return _page(request, selectors.profile_build(org, public=False))


def public(request: HttpRequest, uscc: str) -> HttpResponse:
    """The public, masked profile: anyone."""
    org = selectors.organisation_by_uscc(uscc)
    return _page(request, selectors.profile_build(org, public=True))


@login_required
def mine(request: HttpRequest) -> HttpResponseBase:
    """我的知识产权画像: the signed-in user's own organisation's full profile, drawn
    here rather than by a redirect (the home card leads straight to a page)."""
    return profile(request, selectors.own_profile_uscc(request.user))


def _file(profile: Profile, fmt: str) -> HttpResponseBase:
    org = profile.organisation
    form = _("公开版") if profile.public else _("完整版")
    stem = f"{org.name}知识产权画像（{form}）"
    fallback = f"ip-profile-{org.uscc}{'-public' if profile.public else ''}"
    if fmt == "pdf":
        return file_response(
            profile_pdf(profile),
            f"{stem}.pdf",
            content_type="application/pdf",
            fallback=f"{fallback}.pdf",
        )
    return file_response(
        profile_xlsx(profile),
        f"{stem}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
        fallback=f"{fallback}.xlsx",
    )


@login_required
def profile_download(request: HttpRequest, uscc: str, fmt: str) -> HttpResponseBase:
    org = selectors.profile_organisation(user=request.user, uscc=uscc)
    return _file(selectors.profile_build(org, public=False), fmt)


def public_download(request: HttpRequest, uscc: str, fmt: str) -> HttpResponseBase:
    org = selectors.organisation_by_uscc(uscc)
    return _file(selectors.profile_build(org, public=True), fmt)


@require_POST
@login_required
def variant_propose(request: HttpRequest, uscc: str) -> HttpResponseBase:
    """这些专利的申请人名称也是我们: any signed-in user proposes; staff decide."""
    org = selectors.organisation_by_uscc(uscc)
    back = selectors.profile_url(request.user, org)
    try:
        v = services.variant_propose(
            actor=request.user,
            organisation=org,
            name=request.POST.get("name", ""),
            note=request.POST.get("note", ""),
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(
        request,
        _("已提出归并“%(name)s”（%(n)s 件专利），待所在地工作人员确认后计入画像。")
        % {"name": v.name, "n": v.patent_count},
    )
    return redirect(back)


@login_required
def variant_queue(request: HttpRequest) -> HttpResponse:
    """The reviewer's proposals to decide, inside their region."""
    qs = selectors.variant_queue(user=request.user)
    if qs.query.is_empty():
        raise ApplicationError(
            _("名称归并审核仅限窗口和督导工作人员。"), code="permission_denied", status=403
        )
    rows = selectors.variant_rows(request.user, qs[:200])
    for row in rows:
        row["url"] = selectors.profile_url(request.user, row["v"].organisation)
    return render(request, "enterprises/variant_queue.html", {"rows": rows, "roles": REVIEW_ROLES})


@require_POST
@login_required
@refusals_back_to("enterprises:variant_queue")
def variant_decide(request: HttpRequest, variant_id: int, step: str) -> HttpResponseBase:
    v: ApplicantNameVariant = services.variant_decide(
        actor=request.user,
        variant_id=variant_id,
        step=step,
        reason=request.POST.get("reason", ""),
    )
    messages.success(
        request, _("“%(name)s”：%(status)s。") % {"name": v.name, "status": v.get_status_display()}
    )
    nxt = request.POST.get("next", "")
    if nxt == "profile":
        return redirect(selectors.profile_url(request.user, v.organisation))
    return redirect("enterprises:variant_queue")
