"""The value grade's method page: the weights table (read by all, kept by province
supervisors), the bands, and the national high-value criteria beside them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render

from iphub.core.errors import ApplicationError
from iphub.patents import events
from iphub.patents.intelligence.grading import grade_weight_rows
from iphub.patents.models import GradeWeightKind, PatentGrade
from iphub.patents.services.grades import grade_weights_can_edit, grade_weights_update


def grade_method(request: HttpRequest) -> HttpResponseBase:
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            grade_weights_update(
                actor=request.user,
                values={k: str(v) for k, v in request.POST.items() if k != "csrfmiddlewaretoken"},
            )
        except ApplicationError as exc:
            errors = exc.fields or {"": exc.message}
            messages.error(request, exc.message)
        else:
            messages.success(request, "权重已保存；全部专利将在后台按新权重重新分级。")
            return redirect("patents:grade_method")
    rows = grade_weight_rows()
    from django.db.models import Count

    mix = dict(PatentGrade.objects.values_list("band").annotate(n=Count("pk")))
    context: dict[str, Any] = {
        "factors": [w for w in rows if w.kind == GradeWeightKind.FACTOR],
        "bands": [w for w in rows if w.kind == GradeWeightKind.BAND],
        "can_edit": grade_weights_can_edit(request.user),
        "errors": errors,
        "posted": request.POST if errors else {},
        "mix": [(b, mix.get(b, 0)) for b in "ABCD"],
        "criteria": [],
    }
    # The national high-value criteria beside the weights come from navigation.
    context.update(events.grade_method_context())
    return render(request, "patents/grade_method.html", context)
