"""Thin pages of the training app: courses and their sessions, my training,
QR check-in, the test, the certificate and its public verification; for staff,
course keeping, the roll of a session and training hours. Rules live in
services, selectors and ``workflow.py``; templates get flags."""

from __future__ import annotations

import json
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from iphub.core.errors import ApplicationError
from iphub.core.pages import refusals_back_to
from iphub.core.permissions import signed_in
from iphub.training import selectors, services, workflow
from iphub.training.certificates import certificate_lines, certificate_pdf
from iphub.training.forms import course_values, parse_questions, questions_text
from iphub.training.models import Audience, MaterialKind, SessionMode


def _session_rows(request: HttpRequest, sessions: list[Any]) -> list[dict[str, Any]]:
    taken = selectors.seats_by_session(s.pk for s in sessions)
    mine = {}
    if signed_in(request.user):
        mine = {r.session_id: r for r in selectors.my_registrations(user=request.user)}
    now = timezone.now()
    rows = []
    for s in sessions:
        left = max(0, s.capacity - taken.get(s.pk, 0))
        reg = mine.get(s.pk)
        open_ = now <= s.registration_deadline and left > 0
        steps = workflow.available(request.user, reg) if reg is not None else []
        rows.append(
            {
                "session": s,
                "left": left,
                "mine": reg,
                "open": open_,
                "can_register": (reg is None or "register" in {t.name for t in steps}) and open_,
                "closed_reason": "" if open_ else ("名额已满" if left == 0 else "报名已截止"),
            }
        )
    return rows


def courses(request: HttpRequest) -> HttpResponse:
    """Published courses, with seats left on each session."""
    items = list(selectors.course_public_list())
    taken = selectors.seats_by_session(s.pk for c in items for s in c.sessions.all())
    cards = [
        {
            "course": c,
            "audience": [Audience(a).label for a in c.audience],
            "sessions": [(s, max(0, s.capacity - taken.get(s.pk, 0))) for s in c.sessions.all()],
        }
        for c in items
    ]
    can_keep = workflow.may_create_courses(request.user)
    return render(request, "training/courses.html", {"cards": cards, "can_keep": can_keep})


def course_detail(request: HttpRequest, course_id: int) -> HttpResponse:
    """A course: material, audience, sessions with their seats and a register button."""
    course = selectors.course_get(user=request.user, course_id=course_id)
    rows = _session_rows(request, list(course.sessions.all()))
    return render(
        request,
        "training/course_detail.html",
        {
            "course": course,
            "audience": [Audience(a).label for a in course.audience],
            "rows": rows,
            "signed_in": signed_in(request.user),
            "can_keep": workflow.may_keep(request.user, course),
            "question_count": course.questions.count(),
        },
    )


@login_required
@require_POST
def register(request: HttpRequest, session_id: int) -> HttpResponseBase:
    """报名 (a refusal — full, closed, not the audience — comes back as a message)."""
    session = selectors.session_get(session_id=session_id)
    try:
        services.registration_register(actor=request.user, session_id=session_id)
    except ApplicationError as exc:
        if exc.status == 404:
            raise
        messages.error(request, exc.message)
        return redirect("training:course", course_id=session.course_id)
    messages.success(request, _("报名成功。培训当天请扫描现场二维码签到。"))
    return redirect("training:mine")


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """我的培训: registrations with what can be done next, and hours earned."""
    regs = list(selectors.my_registrations(user=request.user))
    rows = []
    for r in regs:
        names = {t.name for t in workflow.available(request.user, r)}
        rows.append(
            {
                "reg": r,
                "can_cancel": "cancel" in names,
                "can_test": r.state in workflow.TEST_STATES,
                "has_certificate": bool(r.certificate_code),
                "certificate_valid": workflow.certificate_valid(r),
            }
        )
    hours = sum((r.hours for r in regs if r.state in workflow.HOURS_STATES), start=0)
    return render(request, "training/mine.html", {"rows": rows, "hours": hours})


@login_required
@require_POST
@refusals_back_to("training:mine")
def cancel(request: HttpRequest, registration_id: int) -> HttpResponseBase:
    services.registration_cancel(actor=request.user, registration_id=registration_id)
    messages.success(request, _("已取消报名，名额已释放。"))
    return redirect("training:mine")


@login_required
def check_in(request: HttpRequest, token: str) -> HttpResponseBase:
    """The page the session's QR code opens: confirm, and the check-in is recorded."""
    if request.method == "POST":
        try:
            reg = services.registration_check_in(actor=request.user, token=token)
        except ApplicationError as exc:
            return render(
                request, "training/check_in.html", {"error": exc.message}, status=exc.status
            )
        messages.success(
            request,
            _("签到成功：%(title)s，获得 %(hours)s 学时。")
            % {"title": reg.session.course.title, "hours": reg.hours},
        )
        return redirect("training:mine")
    return render(request, "training/check_in.html", {"error": ""})


@login_required
def quiz(request: HttpRequest, registration_id: int) -> HttpResponseBase:
    """The course's test; passing it gives the certificate."""
    reg = selectors.my_registration(user=request.user, registration_id=registration_id)
    course = reg.session.course
    questions = list(course.questions.all())
    errors: dict[str, str] = {}
    chosen: dict[int, int] = {}
    result = None
    if request.method == "POST":
        for q in questions:
            raw = request.POST.get(f"q{q.pk}", "")
            if raw.isdigit():
                chosen[q.pk] = int(raw)
        try:
            result = services.quiz_submit(
                actor=request.user, registration_id=reg.pk, answers=chosen
            )
        except ApplicationError as exc:
            errors = {"form": exc.message, **exc.fields}
        else:
            if result.passed:
                messages.success(
                    request,
                    _("测试通过（%(score)s 分），结业证书已生成，可在下方下载。")
                    % {"score": result.score},
                )
                return redirect("training:mine")
            mark = course.pass_mark
            errors = {"form": f"得分 {result.score} 分，未达到及格分 {mark} 分，请复习后重试。"}
    rows = [
        {
            "q": q,
            "options": list(enumerate(q.options)),
            "chosen": chosen.get(q.pk),
            "error": errors.get(f"q{q.pk}", ""),
        }
        for q in questions
    ]
    return render(
        request,
        "training/quiz.html",
        {
            "reg": reg,
            "course": course,
            "rows": rows,
            "errors": errors,
            "open": reg.state in workflow.TEST_STATES,
        },
        status=400 if errors and result is None else 200,
    )


def _verify_url(request: HttpRequest, code: str) -> str:
    return request.build_absolute_uri(reverse("training:verify", args=[code or "-"]))


@login_required
def certificate(request: HttpRequest, registration_id: int) -> HttpResponse:
    """The trainee's certificate as a PDF."""
    reg = selectors.my_registration(user=request.user, registration_id=registration_id)
    data = certificate_pdf(reg, verify_url=_verify_url(request, reg.certificate_code or ""))
    response = HttpResponse(data, content_type="application/pdf")
    name = reg.certificate_number or reg.pk
    response["Content-Disposition"] = f'attachment; filename="certificate-{name}.pdf"'
    return response


def verify_form(request: HttpRequest) -> HttpResponseBase:
    code = request.GET.get("code", "").strip()
    if code:
        return redirect("training:verify", code=code)
    return render(request, "training/verify.html", {"reg": None, "code": ""})


def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public verification of a certificate by its code (no login)."""
    try:
        reg = selectors.registration_by_code(code)
    except ApplicationError as exc:
        return render(
            request, "training/verify.html", {"error": exc.message, "code": code}, status=404
        )
    return render(
        request,
        "training/verify.html",
        {
            "reg": reg,
            "code": code,
            "lines": certificate_lines(reg),
            "valid": workflow.certificate_valid(reg),
        },
    )


# -- staff --------------------------------------------------------------------------


@login_required
def keep_list(request: HttpRequest) -> HttpResponse:
    """The courses of the staff user's region."""
    items = selectors.course_keep_list(user=request.user)
    return render(
        request,
        "training/keep_list.html",
        {"items": items, "can_create": workflow.may_create_courses(request.user)},
    )


def _course_form(request: HttpRequest, course: Any = None) -> HttpResponseBase:
    values: dict[str, Any] = {"pass_mark": 60, "audience": []}
    if course is not None:
        values = course_values(course)
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in request.POST} | {
            "audience": request.POST.getlist("audience")
        }
        try:
            if course is None:
                course = services.course_create(actor=request.user, data=values)
            else:
                services.course_update(actor=request.user, course_id=course.pk, data=values)
        except ApplicationError as exc:
            errors = {"form": exc.message, **exc.fields}
        else:
            messages.success(request, _("课程已保存。"))
            return redirect("training:keep", course_id=course.pk)
    return render(
        request,
        "training/course_form.html",
        {
            "course": course,
            "values": values,
            "errors": errors,
            "audiences": [
                (a.value, a.label, a.value in values.get("audience", [])) for a in Audience
            ],
            "material_kinds": MaterialKind.choices,
        },
        status=400 if errors else 200,
    )


@login_required
def course_new(request: HttpRequest) -> HttpResponseBase:
    if not workflow.may_create_courses(request.user):
        selectors.course_keep_list(user=request.user)  # the role refusal, if that is why
        raise ApplicationError("培训课程由省、市（州）的工作人员创建。", status=403)
    return _course_form(request)


@login_required
def course_edit(request: HttpRequest, course_id: int) -> HttpResponseBase:
    return _course_form(request, selectors.course_keep_get(user=request.user, course_id=course_id))


@login_required
def keep(request: HttpRequest, course_id: int) -> HttpResponseBase:
    """A course as its keepers see it: sessions, the test, publishing."""
    course = selectors.course_keep_get(user=request.user, course_id=course_id)
    errors: dict[str, str] = {}
    session_values: dict[str, Any] = {"mode": SessionMode.IN_PERSON}
    text = questions_text(list(course.questions.all()))
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "session":
                session_values = {k: request.POST.get(k, "") for k in request.POST}
                services.session_create(
                    actor=request.user, course_id=course.pk, data=session_values
                )
                messages.success(request, _("班次已添加。"))
            elif action == "questions":
                text = request.POST.get("questions", "")
                services.questions_set(
                    actor=request.user, course_id=course.pk, questions=parse_questions(text)
                )
                messages.success(request, _("测试题已保存。"))
            elif action in ("publish", "unpublish"):
                services.course_publish(
                    actor=request.user, course_id=course.pk, published=action == "publish"
                )
                messages.success(
                    request, _("课程已发布。") if action == "publish" else _("课程已下架。")
                )
            else:
                raise ApplicationError("未知的操作。")
        except ApplicationError as exc:
            if exc.status == 404:
                raise
            errors = {"form": exc.message, **exc.fields}
        else:
            return redirect("training:keep", course_id=course.pk)
    sessions = list(course.sessions.all())
    taken = selectors.seats_by_session(s.pk for s in sessions)
    return render(
        request,
        "training/keep.html",
        {
            "course": course,
            "audience": [Audience(a).label for a in course.audience],
            "sessions": [(s, taken.get(s.pk, 0)) for s in sessions],
            "errors": errors,
            "session_values": session_values,
            "modes": SessionMode.choices,
            "questions_text": text,
        },
        status=400 if errors else 200,
    )


@login_required
def roll(request: HttpRequest, session_id: int) -> HttpResponse:
    """A session's roll: the QR code to show in the room, and roll-call by name."""
    session, regs = selectors.session_roll(user=request.user, session_id=session_id)
    url = request.build_absolute_uri(
        reverse("training:check_in", args=[services.check_in_token(session)])
    )
    qr = segno.make(url, error="m").svg_data_uri(scale=5, border=2)
    rows = [
        {
            "reg": r,
            "steps": [t for t in workflow.available(request.user, r) if t.party == "staff"],
        }
        for r in regs
    ]
    return render(
        request,
        "training/roll.html",
        {"session": session, "rows": rows, "qr": qr, "check_in_url": url},
    )


@login_required
@require_POST
def roll_act(request: HttpRequest, registration_id: int, action: str) -> HttpResponseBase:
    """点名签到 or 撤销证书 on one registration of the roll."""
    reg = selectors.registration_keep_get(user=request.user, registration_id=registration_id)
    try:
        if action == "roll_call":
            services.registration_roll_call(actor=request.user, registration_id=reg.pk)
            messages.success(
                request, _("%(trainee_name)s 已点名签到。") % {"trainee_name": reg.trainee_name}
            )
        elif action == "revoke":
            services.certificate_revoke(
                actor=request.user, registration_id=reg.pk, reason=request.POST.get("reason", "")
            )
            messages.success(
                request, _("已撤销 %(trainee_name)s 的证书。") % {"trainee_name": reg.trainee_name}
            )
        else:
            raise ApplicationError("未知的操作。")
    except ApplicationError as exc:
        if exc.status == 404:
            raise
        messages.error(request, exc.message)
    return redirect("training:roll", session_id=reg.session_id)


@login_required
def hours(request: HttpRequest) -> HttpResponse:
    """Training hours per region (chart) and per person (table) in the user's region."""
    year_raw = request.GET.get("year", "").strip()
    year = int(year_raw) if year_raw.isdigit() and 2000 <= int(year_raw) <= 2100 else None
    people = selectors.hours_by_person(user=request.user, year=year)
    regions = selectors.hours_by_region(user=request.user, year=year)
    chart = json.dumps([[name, float(h)] for name, h, _n in regions], ensure_ascii=False)
    return render(
        request,
        "training/hours.html",
        {"people": people, "regions": regions, "chart": chart, "year": year},
    )
