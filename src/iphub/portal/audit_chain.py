"""The auditors' page that verifies the audit log's hash chain (/audit/verify/)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render

from iphub.core import selectors
from iphub.core.auditchain import audit_chain_check
from iphub.core.models import AuditEntry


@login_required
def audit_verify(request: HttpRequest) -> HttpResponseBase:
    """Run the chain verification (core.auditchain.audit_chain_check) and show its
    result; a broken chain names the first altered or missing entry, in words."""
    result = audit_chain_check(user=request.user)
    ids = [b.entry_id for b in result.breaks if b.entry_id is not None]
    found = list(AuditEntry.objects.filter(pk__in=ids))
    entries = dict(zip((e.pk for e in found), selectors.audit_rows(found), strict=True))
    breaks = [(b, entries.get(b.entry_id) if b.entry_id else None) for b in result.breaks]
    return render(
        request,
        "portal/audit_verify.html",
        {"result": result, "breaks": breaks, "first": breaks[0] if breaks else None},
    )
