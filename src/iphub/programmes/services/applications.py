"""Applying to a programme and every review step after it.

Each step locks the application row (``select_for_update``), checks who may
(``workflow``), compares state and version, and writes the new state, the
history row and the audit entry in one transaction. Two reviewers pressing
"approve" at once: the second waits for the first's commit, then finds the
state moved on and is told who handled it. Approval also locks the programme
row, so two approvals of different applications cannot both take the last
place of the quota.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from iphub.core.audit import audit_record
from iphub.core.errors import AccessDenied, ApplicationError, NotFound, field_error
from iphub.core.permissions import has_role, in_region, require_login, signed_in
from iphub.core.uploads import CheckedUpload, check_upload
from iphub.programmes import workflow
from iphub.programmes.audit_actions import Action
from iphub.programmes.errors import ProgrammeErrorCode
from iphub.programmes.models import (
    ApplicationEvent,
    ApplicationEvidence,
    ApplicationState,
    Membership,
    Programme,
    ProgrammeApplication,
)
from iphub.programmes.selectors import (
    RECORD_FIELDS,
    organisation_records,
    window_open,
)
from iphub.programmes.services.members import membership_grant, notify_organisation

Files = Mapping[str, Sequence[Any]]
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_FILES_PER_CRITERION = 5
# A member may apply again (a renewal) when its period ends within this many days.
RENEWAL_WINDOW_DAYS = 365


def max_upload_bytes() -> int:
    return int(getattr(settings, "IPHUB_PROGRAMME_MAX_UPLOAD_BYTES", DEFAULT_MAX_BYTES))


def display_name(user: Any) -> str:
    """How a person is named to others: 姓名 if recorded, else the account name."""
    if user is None:
        return "系统"
    full = f"{user.last_name}{user.first_name}".strip()
    return full or user.get_username()


def _link(app: ProgrammeApplication) -> str:
    return reverse("programmes:application", args=[app.pk])


# ------------------------------------------------------------------ form checks


def _declared(data: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    errors: dict[str, str] = {}
    for key, label in RECORD_FIELDS:
        raw = str(data.get(f"declared_{key}", "") or "").strip()
        if not raw:
            errors[f"declared_{key}"] = f"请填写{label}。"
            continue
        if not raw.isdigit() or int(raw) > 10_000_000:
            errors[f"declared_{key}"] = f"{label}应为不小于 0 的整数。"
            continue
        out[key] = int(raw)
    if errors:
        raise ApplicationError(
            "申报数据有误，请按提示修改。", code=ProgrammeErrorCode.INVALID, fields=errors
        )
    return out


def check_evidence(
    programme: Programme, files: Files, *, require: bool = True
) -> list[tuple[str, CheckedUpload]]:
    """Every file a real PDF/JPEG/PNG within the size limit, at most
    ``MAX_FILES_PER_CRITERION`` a criterion; with ``require``, each criterion that
    asks for evidence has at least one."""
    out: list[tuple[str, CheckedUpload]] = []
    errors: dict[str, str] = {}
    bad_file = False
    for c in programme.criteria:
        field = f"evidence_{c['key']}"
        chosen = [f for f in files.get(field, []) if f]
        if len(chosen) > MAX_FILES_PER_CRITERION:
            errors[field] = f"每项标准最多上传 {MAX_FILES_PER_CRITERION} 个文件。"
            bad_file = True
            continue
        for f in chosen:
            try:
                out.append(
                    (
                        c["key"],
                        check_upload(
                            f,
                            field=field,
                            limit=max_upload_bytes(),
                            code=ProgrammeErrorCode.BAD_FILE,
                        ),
                    )
                )
            except ApplicationError as exc:
                errors.update(exc.fields)
                bad_file = True
        if require and c.get("evidence") and not chosen:
            errors.setdefault(field, f"请上传“{c['name']}”的证明材料：{c['evidence']}。")
    if errors:
        code = ProgrammeErrorCode.BAD_FILE if bad_file else ProgrammeErrorCode.MISSING_EVIDENCE
        first = next(iter(errors.values()))
        raise ApplicationError(f"证明材料有误：{first}", code=code, fields=errors)
    return out


def _store_evidence(
    app: ProgrammeApplication, checked: Sequence[tuple[str, CheckedUpload]]
) -> None:
    ApplicationEvidence.objects.bulk_create(
        ApplicationEvidence(
            application=app,
            criterion=key,
            file=ContentFile(up.content, name=f"{uuid.uuid4().hex}.{up.extension}"),
            original_name=up.original_name,
            content_type=up.content_type,
            size=len(up.content),
            sha256=up.sha256,
        )
        for key, up in checked
    )


def _event(
    app: ProgrammeApplication,
    *,
    action: str,
    actor: Any,
    at: dt.datetime,
    frm: str = "",
    note: str = "",
) -> None:
    ApplicationEvent.objects.create(
        application=app,
        action=action,
        from_state=frm,
        to_state=app.state,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_name=display_name(actor),
        note=note[:2000],
        at=at,
    )


def _renewal(programme: Programme, organisation_id: int, on: dt.date) -> bool:
    """Whether the organisation applies as a member renewing (its membership of
    this kind ends within the renewal window); refuses a member not yet due."""
    current = Membership.objects.filter(
        organisation_id=organisation_id, kind=programme.kind, active=True
    ).first()
    if current is None:
        return False
    if programme.renewable and (current.valid_until - on).days <= RENEWAL_WINDOW_DAYS:
        return True
    raise ApplicationError(
        f"本单位已是该类项目成员（有效期至 {current.valid_until:%Y-%m-%d}），"
        + ("期满前一年内方可申请续期。" if programme.renewable else "该项目不接受续期申请。"),
        code=ProgrammeErrorCode.ALREADY_MEMBER,
        status=409,
    )


# ------------------------------------------------------------------ applicant


@transaction.atomic
def application_submit(
    *,
    actor: Any,
    programme_id: int,
    data: Any,
    files: Files,
    now: dt.datetime | None = None,
) -> ProgrammeApplication:
    """Apply to a programme during its window, with the declared figures (the form
    offers the platform's records), a statement and the evidence each criterion
    asks. The records at this moment are kept beside what is declared."""
    require_login(actor)
    if not has_role(actor, *workflow.APPLICANT_ROLES) or actor.organisation_id is None:
        raise AccessDenied("培育项目由企业、高校等单位的用户在线申报。")
    now = now or timezone.now()
    programme = Programme.objects.filter(pk=programme_id).first()
    if programme is None:
        raise NotFound("未找到该培育项目。")
    day = timezone.localtime(now).date()
    if not window_open(programme, day):
        raise ApplicationError(
            f"该项目的申报时间为 {programme.opens_on:%Y-%m-%d} 至 "
            f"{programme.closes_on:%Y-%m-%d}，现在不能申报。",
            code=ProgrammeErrorCode.WINDOW_CLOSED,
            status=409,
        )
    org = actor.organisation
    if org.kind not in programme.eligible_kinds:
        raise ApplicationError(
            "本单位的类型不在该项目的申报范围内。", code=ProgrammeErrorCode.NOT_ELIGIBLE, status=409
        )
    if ProgrammeApplication.objects.filter(programme=programme, organisation_id=org.pk).exists():
        raise ApplicationError(
            "本单位已申报该项目，请在“我的申报”中查看。",
            code=ProgrammeErrorCode.ALREADY_APPLIED,
            status=409,
        )
    renewal = _renewal(programme, org.pk, day)
    errors: dict[str, str] = {}
    statement = str(data.get("statement", "")).strip()
    if not statement:
        errors["statement"] = "请填写申报说明：本单位的知识产权工作基础与培育目标。"
    declared: dict[str, int] = {}
    try:
        declared = _declared(data)
    except ApplicationError as exc:
        errors.update(exc.fields)
    checked: list[tuple[str, CheckedUpload]] = []
    try:
        checked = check_evidence(programme, files)
    except ApplicationError as exc:
        errors.update(exc.fields)
    if errors:
        raise ApplicationError(
            "申报未提交，请按提示修改。", code=ProgrammeErrorCode.INVALID, fields=errors
        )
    t = workflow.transition("resubmit")  # the deadline a (re)submission starts
    try:
        with transaction.atomic():
            app = ProgrammeApplication.objects.create(
                programme=programme,
                organisation=org,
                region=org.region,
                applicant=actor,
                statement=statement[:5000],
                declared=declared,
                records=organisation_records(org, on=day).figures,
                renewal=renewal,
                submitted_at=now,
                due_at=workflow.deadline(t, at=now),
            )
    except IntegrityError:
        raise ApplicationError(
            "本单位已申报该项目，请在“我的申报”中查看。",
            code=ProgrammeErrorCode.ALREADY_APPLIED,
            status=409,
        ) from None
    _store_evidence(app, checked)
    _event(app, action="apply", actor=actor, at=now)
    audit_record(
        actor=actor,
        action=Action.PROGRAMME_APPLY,
        obj=app,
        region_path=app.region.path,
        after={
            "programme": programme.pk,
            "state": app.state,
            "declared": declared,
            "renewal": renewal,
        },
    )
    return app


# ------------------------------------------------------------------ steps


def lock_application(application_id: int, actor: Any) -> ProgrammeApplication:
    """The application, row-locked until the transaction ends; NotFound if absent
    or outside what ``actor`` may see (another region, another organisation)."""
    app = (
        ProgrammeApplication.objects.select_for_update(of=("self",))
        .select_related("region", "programme", "organisation")
        .filter(pk=application_id)
        .first()
    )
    if app is None or not (
        in_region(actor, app.region)
        or (signed_in(actor) and actor.organisation_id == app.organisation_id)
    ):
        raise NotFound("未找到该申报。")
    return app


def conflict(app: ProgrammeApplication, label: str) -> ApplicationError:
    """The message for a step that lost the race, or came too late."""
    state = ApplicationState(app.state).label
    if app.handled_by_name:
        return ApplicationError(
            f"该申报已由 {app.handled_by_name} 处理（当前状态：{state}），请刷新后查看。",
            code=ProgrammeErrorCode.ALREADY_HANDLED,
            status=409,
        )
    return ApplicationError(
        f"该申报当前状态为“{state}”，不能{label}。", code=ProgrammeErrorCode.WRONG_STATE, status=409
    )


_TRACKED = (
    "state",
    "version",
    "due_at",
    "late",
    "decided_at",
    "handled_by_name",
    "city_scores",
    "city_total",
    "city_note",
    "province_scores",
    "province_total",
    "return_reason",
    "reject_reason",
    "statement",
    "declared",
    "records",
    "submitted_at",
)


def step(
    *,
    actor: Any,
    app: ProgrammeApplication,
    name: str,
    now: dt.datetime,
    expected_version: int | None = None,
    note: str = "",
    change: Callable[[ProgrammeApplication], None] | None = None,
) -> ProgrammeApplication:
    """Move a locked application along transition ``name`` (``workflow.TRANSITIONS``)."""
    t = workflow.transition(name)
    workflow.ensure_may(actor, t, app)
    if app.state not in t.sources or (
        expected_version is not None and app.version != expected_version
    ):
        raise conflict(app, t.label)
    old_state, old_version = app.state, app.version
    before = {k: getattr(app, k) for k in _TRACKED}
    if t.party != "applicant":
        if app.due_at is not None and now > app.due_at:
            app.late = True
        app.handled_by_name = display_name(actor)
    app.state = t.target
    app.version = old_version + 1
    app.due_at = workflow.deadline(t, at=now)
    if t.target in workflow.FINAL_STATES:
        app.decided_at = now
    if change is not None:
        change(app)
    after = {k: getattr(app, k) for k in _TRACKED}
    changed = {k: v for k, v in after.items() if before[k] != v}
    # The guard repeats the lock's promise for a database without row locks.
    updated = ProgrammeApplication.objects.filter(
        pk=app.pk, version=old_version, state=old_state
    ).update(**changed, updated_at=now)
    if updated != 1:
        app.refresh_from_db()
        raise conflict(app, t.label)
    _event(app, action=name, actor=actor, at=now, frm=old_state, note=note)
    audit_record(
        actor=actor,
        action=Action(f"programme_{name}"),
        obj=app,
        region_path=app.region.path,
        before=before,
        after=after,
    )
    return app


def parse_scores(
    programme: Programme, scores: Mapping[str, Any]
) -> tuple[dict[str, float], Decimal]:
    """A score for every criterion, from 0 to its full score (one decimal place);
    the scores and their total, or a refusal naming each wrong field."""
    out: dict[str, float] = {}
    errors: dict[str, str] = {}
    total = Decimal(0)
    for c in programme.criteria:
        field = f"score_{c['key']}"
        raw = str(scores.get(field, "") or "").strip()
        try:
            value = Decimal(raw).quantize(Decimal("0.1"))
        except (InvalidOperation, ValueError):
            errors[field] = f"请为“{c['name']}”打分（0 至 {c['max_score']} 分）。"
            continue
        if not Decimal(0) <= value <= Decimal(c["max_score"]):
            errors[field] = f"“{c['name']}”的得分应在 0 至 {c['max_score']} 分之间。"
            continue
        out[c["key"]] = float(value)
        total += value
    if errors:
        raise ApplicationError(
            "评分有误，请按提示修改。", code=ProgrammeErrorCode.BAD_SCORE, fields=errors
        )
    return out, total


@transaction.atomic
def application_resubmit(
    *,
    actor: Any,
    application_id: int,
    data: Any,
    files: Files,
    now: dt.datetime | None = None,
) -> ProgrammeApplication:
    """补正后重新提交: the applicant answers the return with a new statement and
    figures and any further evidence; the city's review clock starts again."""
    now = now or timezone.now()
    app = lock_application(application_id, actor)
    workflow.ensure_may(actor, workflow.transition("resubmit"), app)
    errors: dict[str, str] = {}
    statement = str(data.get("statement", "")).strip()
    if not statement:
        errors["statement"] = "请填写申报说明。"
    declared: dict[str, int] = {}
    try:
        declared = _declared(data)
    except ApplicationError as exc:
        errors.update(exc.fields)
    checked: list[tuple[str, CheckedUpload]] = []
    try:
        checked = check_evidence(app.programme, files, require=False)
    except ApplicationError as exc:
        errors.update(exc.fields)
    if errors:
        raise ApplicationError(
            "补正未提交，请按提示修改。", code=ProgrammeErrorCode.INVALID, fields=errors
        )

    def change(a: ProgrammeApplication) -> None:
        a.statement = statement[:5000]
        a.declared = declared
        a.records = organisation_records(a.organisation, on=timezone.localtime(now).date()).figures
        a.submitted_at = now

    step(actor=actor, app=app, name="resubmit", now=now, change=change)
    _store_evidence(app, checked)
    return app


@transaction.atomic
def application_withdraw(
    *, actor: Any, application_id: int, now: dt.datetime | None = None
) -> ProgrammeApplication:
    """撤回申报 before the city has recommended it."""
    app = lock_application(application_id, actor)
    return step(actor=actor, app=app, name="withdraw", now=now or timezone.now())


@transaction.atomic
def application_return(
    *,
    actor: Any,
    application_id: int,
    reason: str,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> ProgrammeApplication:
    """退回补正 (city): the applicant reads ``reason`` and corrects."""
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", "请写明需要补正的内容。", ProgrammeErrorCode.INVALID)
    now = now or timezone.now()
    app = lock_application(application_id, actor)

    def change(a: ProgrammeApplication) -> None:
        a.return_reason = reason[:2000]

    step(
        actor=actor,
        app=app,
        name="return",
        now=now,
        expected_version=expected_version,
        note=reason,
        change=change,
    )
    notify_organisation(
        app.organisation_id,
        title=f"培育项目申报被退回补正：{app.programme.name}",
        body=reason,
        link=_link(app),
        now=now,
    )
    return app


@transaction.atomic
def application_recommend(
    *,
    actor: Any,
    application_id: int,
    scores: Mapping[str, Any],
    note: str = "",
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> ProgrammeApplication:
    """评分并推荐至省级 (city): a score on every criterion; the province's clock starts."""
    now = now or timezone.now()
    app = lock_application(application_id, actor)
    workflow.ensure_may(actor, workflow.transition("recommend"), app)
    parsed, total = parse_scores(app.programme, scores)

    def change(a: ProgrammeApplication) -> None:
        a.city_scores = parsed
        a.city_total = total
        a.city_note = (note or "").strip()[:2000]

    return step(
        actor=actor,
        app=app,
        name="recommend",
        now=now,
        expected_version=expected_version,
        note=(note or "").strip(),
        change=change,
    )


@transaction.atomic
def application_approve(
    *,
    actor: Any,
    application_id: int,
    scores: Mapping[str, Any],
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> ProgrammeApplication:
    """评分并批准 (province), within the programme's quota: the organisation gets the
    membership (and the programme's tag) for the programme's period, and is told."""
    now = now or timezone.now()
    app = lock_application(application_id, actor)
    workflow.ensure_may(actor, workflow.transition("approve"), app)
    parsed, total = parse_scores(app.programme, scores)
    # The programme row is the quota's lock: approvals of one programme queue here.
    programme = Programme.objects.select_for_update().get(pk=app.programme_id)
    approved = programme.applications.filter(state=ApplicationState.APPROVED).count()
    if app.state == ApplicationState.RECOMMENDED and approved >= programme.quota:
        raise ApplicationError(
            f"该项目名额 {programme.quota} 个已满（已批准 {approved} 个），不能再批准。",
            code=ProgrammeErrorCode.QUOTA_FULL,
            status=409,
        )

    def change(a: ProgrammeApplication) -> None:
        a.province_scores = parsed
        a.province_total = total

    step(
        actor=actor,
        app=app,
        name="approve",
        now=now,
        expected_version=expected_version,
        change=change,
    )
    membership = membership_grant(actor=actor, application=app, on=timezone.localtime(now).date())
    notify_organisation(
        app.organisation_id,
        title=f"培育项目申报已批准：{programme.name}",
        body=f"有效期 {membership.valid_from:%Y-%m-%d} 至 {membership.valid_until:%Y-%m-%d}。",
        link=_link(app),
        now=now,
    )
    return app


@transaction.atomic
def application_reject(
    *,
    actor: Any,
    application_id: int,
    reason: str,
    scores: Mapping[str, Any] | None = None,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> ProgrammeApplication:
    """不予批准 (province) with the reason the applicant reads; scores if given."""
    reason = (reason or "").strip()
    if not reason:
        raise field_error(
            "reason", "请写明不予批准的理由，申报单位将看到该理由。", ProgrammeErrorCode.INVALID
        )
    now = now or timezone.now()
    app = lock_application(application_id, actor)
    workflow.ensure_may(actor, workflow.transition("reject"), app)
    given = {
        k: v for k, v in (scores or {}).items() if k.startswith("score_") and str(v or "").strip()
    }
    parsed, total = parse_scores(app.programme, given) if given else ({}, None)

    def change(a: ProgrammeApplication) -> None:
        a.reject_reason = reason[:2000]
        if parsed:
            a.province_scores = parsed
            a.province_total = total

    step(
        actor=actor,
        app=app,
        name="reject",
        now=now,
        expected_version=expected_version,
        note=reason,
        change=change,
    )
    notify_organisation(
        app.organisation_id,
        title=f"培育项目申报未获批准：{app.programme.name}",
        body=reason,
        link=_link(app),
        now=now,
    )
    return app
