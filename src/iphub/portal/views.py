"""Thin pages: each view reads through a selector or writes through a service."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from iphub.core import selectors, services
from iphub.core.auditchain import can_verify_chain
from iphub.core.errors import ApplicationError
from iphub.core.exports import csv_response, xlsx_response
from iphub.core.models import OrganisationKind, OrganisationTag, Role
from iphub.core.permissions import has_role, region_path_of
from iphub.enterprises.selectors import profile_url
from iphub.portal.forms import LoginForm
from iphub.portal.workspace import workspace_tasks

# Who registers organisations on the pages (window staff and supervisors, in their region).
ORGANISATION_REGISTRARS = (Role.WINDOW, Role.SUPERVISOR)


def favicon(request: HttpRequest) -> HttpResponseBase:
    """Browsers ask for /favicon.ico whatever the page links; the icon lives in static."""
    return redirect(static("portal/favicon.ico"), permanent=True)


def home(request: HttpRequest) -> HttpResponseBase:
    return render(request, "portal/home.html", {"services": workspace_tasks(request.user)})


class IphubLoginView(LoginView):
    template_name = "portal/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@require_POST
def logout_view(request: HttpRequest) -> HttpResponseBase:
    logout(request)
    messages.info(request, _("您已安全退出。"))
    return redirect("portal:home")


@login_required
def password_change(request: HttpRequest) -> HttpResponseBase:
    """Change one's own password through the service (policy checked, audited)."""
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            services.user_password_change(
                user=request.user,
                old_password=request.POST.get("old_password", ""),
                new_password=request.POST.get("new_password", ""),
            )
        except ApplicationError as exc:
            errors = exc.fields or {"__all__": exc.message}
        else:
            update_session_auth_hash(request, request.user)  # type: ignore[arg-type]
            messages.success(request, _("密码已修改。"))
            return redirect("portal:workspace")
    return render(request, "portal/password_change.html", {"errors": errors})


@login_required
def workspace(request: HttpRequest) -> HttpResponseBase:
    user: Any = request.user
    scope = region_path_of(user)
    org_count = selectors.organisation_list(user=user).count()
    return render(
        request,
        "portal/workspace.html",
        {"tasks": workspace_tasks(user), "scope": scope, "org_count": org_count},
    )


@login_required
def organisation_list(request: HttpRequest) -> HttpResponseBase:
    params = {k: request.GET.get(k, "") for k in ("q", "kind", "region", "tag")}
    try:
        qs = selectors.organisation_list(user=request.user, **params)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        qs = selectors.organisation_list(user=request.user)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    user: Any = request.user
    # Each name links to the organisation's IP profile, the form this user may see.
    rows = [
        asdict(selectors.organisation_row(o)) | {"profile_url": profile_url(user, o)} for o in page
    ]
    return render(
        request,
        "portal/organisation_list.html",
        {
            "page": page,
            "rows": rows,
            "params": params,
            "kinds": OrganisationKind.choices,
            "tags": OrganisationTag.choices,
            "regions": selectors.prefecture_list(),
            "can_create": has_role(user, *ORGANISATION_REGISTRARS),
        },
    )


ORG_COLUMNS = [
    ("name", "名称"),
    ("uscc", "统一社会信用代码"),
    ("kind_label", "类型"),
    ("region_name", "地区"),
    ("contact_name", "联系人"),
    ("contact_phone", "联系电话"),
]


@login_required
def organisation_export(request: HttpRequest) -> HttpResponseBase:
    params = {k: request.GET.get(k, "") for k in ("q", "kind", "region", "tag")}
    qs = selectors.organisation_list(user=request.user, **params)
    rows = (
        [getattr(selectors.organisation_row(o), k) for k, _l in ORG_COLUMNS]
        for o in qs.iterator(chunk_size=500)
    )
    return xlsx_response(
        "organisations.xlsx",
        "组织机构",
        [label for _k, label in ORG_COLUMNS],
        rows,
        query=params,
    )


@login_required
def organisation_new(request: HttpRequest) -> HttpResponseBase:
    user: Any = request.user
    if not has_role(user, *ORGANISATION_REGISTRARS):
        messages.error(request, _("您的角色无权登记组织。"))
        return redirect("portal:organisations")
    errors: dict[str, str] = {}
    data: dict[str, Any] = {}
    if request.method == "POST":
        data = {
            k: request.POST.get(k, "")
            for k in (
                "name",
                "uscc",
                "kind",
                "region",
                "address",
                "contact_name",
                "contact_phone",
                "contact_id_number",
            )
        }
        data["tags"] = request.POST.getlist("tags")
        try:
            org = services.organisation_create(actor=user, data=data)
        except ApplicationError as exc:
            errors = exc.fields or {"__all__": exc.message}
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已登记：%(name)s") % {"name": org.name})
            return redirect("portal:organisations")
    scope = region_path_of(user) or ""
    regions = [r for r in selectors.region_list() if not scope or r.path.startswith(scope)]
    return render(
        request,
        "portal/organisation_form.html",
        {
            "errors": errors,
            "data": data,
            "kinds": OrganisationKind.choices,
            "tags": OrganisationTag.choices,
            "regions": regions,
        },
    )


def _audit_columns() -> list[str]:
    return [
        _("时间"),
        _("操作人"),
        _("来源 IP"),
        _("操作"),
        _("对象类型"),
        _("对象 ID"),
        _("对象"),
        _("修改前"),
        _("修改后"),
        _("结果"),
    ]


def _audit_params(request: HttpRequest) -> dict[str, Any]:
    return {k: request.GET.get(k, "") for k in ("q", "action", "actor")}


@login_required
def audit_list(request: HttpRequest) -> HttpResponseBase:
    """The audit log in words: action names, field labels, before → after, personal
    data masked (selectors.audit_rows)."""
    qs = selectors.audit_list(user=request.user, **_audit_params(request))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/audit_list.html",
        {
            "page": page,
            "rows": selectors.audit_rows(page),
            "actions": selectors.audit_action_choices(user=request.user),
            "params": _audit_params(request),
            "can_verify": can_verify_chain(request.user),
        },
    )


@login_required
def audit_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The filtered log as Excel or CSV, in the same words and masks as the page."""
    qs = selectors.audit_list(user=request.user, **_audit_params(request))

    def rows() -> Any:
        batch: list[Any] = []
        for entry in qs.iterator(chunk_size=1000):
            batch.append(entry)
            if len(batch) == 500:
                yield from _audit_cells(batch)
                batch = []
        yield from _audit_cells(batch)

    if fmt == "xlsx":
        return xlsx_response(
            "audit.xlsx", _("审计日志"), _audit_columns(), rows(), query=_audit_params(request)
        )
    if fmt == "csv":
        return csv_response("audit.csv", _audit_columns(), rows())
    return render(
        request, "portal/error.html", {"message": _("仅支持 csv 或 xlsx 格式。")}, status=404
    )


def _audit_cells(entries: list[Any]) -> Any:
    for r in selectors.audit_rows(entries):
        yield [
            timezone.localtime(r.at).strftime("%Y-%m-%d %H:%M:%S"),
            r.actor_name,
            r.ip,
            r.action_label,
            r.object_type_label,
            r.object_id,
            r.object_repr,
            r.before_text(),
            r.after_text(),
            r.outcome_label,
        ]
