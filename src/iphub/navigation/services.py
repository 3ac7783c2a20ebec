"""Writes of the navigation app: chains, analyses, high-value evidence, projects.

Every function runs in one transaction and leaves an audit entry (the analysis
run itself is system work: its row records who asked and when it finished).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from iphub.core.amounts import NumberRange, parse_number
from iphub.core.audit import audit_record, snapshot
from iphub.core.errors import ApplicationError, NotFound
from iphub.core.models import Organisation, OrganisationKind, Role
from iphub.core.permissions import (
    can_edit_owned,
    ensure_can_edit_owned,
    has_role,
    require_roles,
)
from iphub.core.regions import HUBEI
from iphub.navigation import analysis
from iphub.navigation.audit_actions import Action
from iphub.navigation.errors import NavigationError
from iphub.navigation.models import (
    EVIDENCE_CRITERIA,
    EVIDENCE_ROLES,
    Analysis,
    AnalysisStatus,
    ChainSegment,
    ChainStage,
    HighValueCriterion,
    HighValueEvidence,
    IndustryChain,
    NavigationProject,
    ProjectType,
)
from iphub.navigation.selectors import acts_as_service_base
from iphub.patents.models import Patent
from iphub.patents.search import QuerySyntaxError
from iphub.patents.search.query import parse

logger = logging.getLogger(__name__)

CHAINS_FILE = Path(__file__).resolve().parent / "data" / "chains.json"
# Who may edit chains and run analyses: the province's supervisors and the
# navigation service bases (agencies).
EDIT_ROLES = (Role.SUPERVISOR, Role.AGENCY)
# The key industry chains (51020) are one definition for all of Hubei, owned by
# the province: only the province's supervisors change them. Agencies and city
# supervisors still run analyses of them.
CHAIN_OWNER_PATH = HUBEI
CHAIN_EDIT_ROLES = (Role.SUPERVISOR,)
REPORT_SUFFIXES = {".pdf", ".docx", ".doc", ".xlsx", ".pptx", ".zip"}


def query_validate(query: str, *, field: str = "query") -> str:
    """The query, stripped, if it parses in the patent query language; else raise."""
    query = (query or "").strip()
    if not query:
        raise ApplicationError("请填写检索式。", fields={field: "请填写检索式。"})
    try:
        parse(query)
    except QuerySyntaxError as exc:
        msg = f"检索式有误：{exc.message}"
        raise ApplicationError(
            msg, code=NavigationError.INVALID_QUERY, fields={field: msg}
        ) from None
    return query


@transaction.atomic
def chains_load(*, path: Path | None = None) -> int:
    """Create the chains of the data file that do not exist yet; returns how many.

    Existing chains are left alone, so running ``seed_demo`` again never undoes
    an edit staff made to a definition.
    """
    data = json.loads((path or CHAINS_FILE).read_text("utf-8"))
    created = 0
    for pos, item in enumerate(data["chains"]):
        if IndustryChain.objects.filter(code=item["code"]).exists():
            continue
        chain = IndustryChain.objects.create(
            code=item["code"],
            name=item["name"],
            cluster=item["cluster"],
            domain=item.get("domain", ""),
            description=item.get("description", ""),
            query=query_validate(item["query"]),
            position=pos,
        )
        for spos, seg in enumerate(item.get("segments", [])):
            ChainSegment.objects.create(
                chain=chain,
                stage=ChainStage(seg["stage"]),
                name=seg["name"],
                query=query_validate(seg["query"]),
                position=spos,
            )
        audit_record(actor=None, action=Action.CHAIN_CREATE, obj=chain, after=snapshot(chain))
        created += 1
    return created


def _chain_state(chain: IndustryChain) -> dict[str, Any]:
    state = snapshot(chain, exclude=("updated_at", "created_at"))
    state["segments"] = [[s.stage, s.name, s.query] for s in chain.segments.all()]
    return state


def chain_can_edit(*, actor: Any, chain: IndustryChain) -> bool:
    """Whether ``actor`` may change ``chain``'s definition (pages show the edit link by it)."""
    return has_role(actor, *CHAIN_EDIT_ROLES) and can_edit_owned(actor, CHAIN_OWNER_PATH)


def _ensure_chain_editable(actor: Any, chain: IndustryChain) -> None:
    require_roles(actor, *Role.values)  # signed in, else 401
    ensure_can_edit_owned(actor, CHAIN_OWNER_PATH, what=gettext("重点产业链"))
    require_roles(actor, *CHAIN_EDIT_ROLES)


@transaction.atomic
def chain_update(
    *,
    actor: Any,
    chain: IndustryChain,
    name: str | None = None,
    description: str | None = None,
    query: str | None = None,
    segments: list[dict[str, str]] | None = None,
) -> Analysis:
    """Edit a chain's definition (and, if given, replace its segments), then queue
    a fresh analysis, since the old one no longer describes the chain. Only the
    province's supervisors may (object-level check, issue 18 finding 4)."""
    _ensure_chain_editable(actor, chain)
    before = _chain_state(chain)
    if name is not None:
        if not name.strip():
            raise ApplicationError("请填写产业链名称。", fields={"name": "请填写产业链名称。"})
        chain.name = name.strip()[:100]
    if description is not None:
        chain.description = description.strip()
    if query is not None:
        chain.query = query_validate(query)
    if segments is not None:
        clean = []
        for i, seg in enumerate(segments):
            stage = seg.get("stage", "")
            if stage not in ChainStage.values:
                msg = "环节只能是上游、中游或下游。"
                raise ApplicationError(msg, fields={f"segments.{i}.stage": msg})
            seg_name = (seg.get("name") or "").strip()
            if not seg_name:
                msg = "请填写环节名称。"
                raise ApplicationError(msg, fields={f"segments.{i}.name": msg})
            clean.append(
                (stage, seg_name, query_validate(seg.get("query", ""), field=f"segments.{i}.query"))
            )
        if len({(s, n) for s, n, _ in clean}) != len(clean):
            raise ApplicationError("同一环节下的名称不能重复。", fields={"segments": "名称重复。"})
        chain.segments.all().delete()
        ChainSegment.objects.bulk_create(
            ChainSegment(chain=chain, stage=s, name=n, query=q, position=i)
            for i, (s, n, q) in enumerate(clean)
        )
    chain.updated_by = actor
    chain.save()
    audit_record(
        actor=actor,
        action=Action.CHAIN_UPDATE,
        obj=chain,
        before=before,
        after=_chain_state(chain),
    )
    return analysis_request(actor=actor, chain=chain)


@transaction.atomic
def analysis_request(
    *, actor: Any, chain: IndustryChain | None = None, query: str = "", title: str = ""
) -> Analysis:
    """Queue the landscape analysis of a chain, or of any query; it runs in the background."""
    require_roles(actor, *EDIT_ROLES)
    if chain is None:
        query = query_validate(query)
        title = (title or query)[:200]
    else:
        title = chain.name
    job = Analysis.objects.create(
        chain=chain, title=title, query="" if chain else query, requested_by=actor
    )
    audit_record(actor=actor, action=Action.ANALYSIS_REQUEST, obj=job)
    from iphub.navigation.tasks import run_analysis

    transaction.on_commit(lambda: run_analysis.enqueue(job.pk))
    return job


def _progress(job_id: int):  # type: ignore[no-untyped-def]
    def report(pct: int, message: str) -> None:
        Analysis.objects.filter(pk=job_id).update(progress=pct, message=message[:500])

    return report


def analysis_run(analysis_id: int, *, today: dt.date | None = None) -> Analysis:
    """Run a queued analysis once: the claim is one conditional UPDATE, so two
    workers never run the same job."""
    now = timezone.now()
    claimed = Analysis.objects.filter(
        pk=analysis_id, status=AnalysisStatus.PENDING, claimed_at=None
    ).update(status=AnalysisStatus.RUNNING, claimed_at=now, progress=5, message="检索专利")
    job = Analysis.objects.select_related("chain").get(pk=analysis_id)
    if not claimed:
        return job
    try:
        if job.chain is not None:
            selection = analysis.chain_selection(job.chain)
        else:
            selection = analysis.query_selection(job.query, title=job.title)
        searched = (timezone.now() - now).total_seconds()
        result = analysis.landscape(selection, today=today, progress=_progress(job.pk))
    except Exception as exc:
        logger.exception("navigation analysis %s failed", analysis_id)
        Analysis.objects.filter(pk=job.pk).update(
            status=AnalysisStatus.FAILED,
            message=f"分析失败：{exc}"[:500],
            finished_at=timezone.now(),
        )
        job.refresh_from_db()
        return job
    timings = {"search": round(searched, 3), **result.pop("timings")}
    Analysis.objects.filter(pk=job.pk).update(
        status=AnalysisStatus.DONE,
        progress=100,
        message="",
        result=result,
        timings=timings,
        patent_count=result["total"],
        finished_at=timezone.now(),
    )
    job.refresh_from_db()
    return job


# A pledge amount in 万元, in DecimalField(max_digits=12, decimal_places=2).
PLEDGE_AMOUNT = NumberRange(
    "融资金额", unit="万元", maximum=Decimal("9999999999.99"), positive=True
)


def _amount(value: Any) -> Decimal | None:
    """A pledge amount in 万元 (positive, two decimals), or None when left empty."""
    return parse_number(value, PLEDGE_AMOUNT, field="amount")


@transaction.atomic
def evidence_add(
    *, actor: Any, patent_id: int, criterion: str, source_note: str, amount: Any = None
) -> HighValueEvidence:
    """Record a fact the patent records cannot show (foreign family, award, pledge
    with its amount); recording the same criterion again replaces the old entry."""
    require_roles(actor, *EVIDENCE_ROLES)
    if criterion not in EVIDENCE_CRITERIA:
        msg = "只能登记海外同族、获奖或质押融资三类佐证。"
        raise ApplicationError(
            msg, code=NavigationError.UNKNOWN_CRITERION, fields={"criterion": msg}
        )
    note = (source_note or "").strip()
    if not note:
        msg = "请注明依据（如同族专利号、奖项名称与年度、质押登记号）。"
        raise ApplicationError(msg, fields={"source_note": msg})
    value = _amount(amount)
    if criterion == HighValueCriterion.PLEDGE and value is None:
        msg = "质押融资佐证请填写融资金额（万元）。"
        raise ApplicationError(msg, fields={"amount": msg})
    if criterion != HighValueCriterion.PLEDGE:
        value = None  # an amount means nothing for a family or an award
    patent = Patent.objects.filter(pk=patent_id).first()
    if patent is None:
        raise NotFound("未找到该专利。")
    evidence, created = HighValueEvidence.objects.update_or_create(
        patent=patent,
        criterion=criterion,
        defaults={"source_note": note[:300], "amount": value, "created_by": actor},
    )
    audit_record(
        actor=actor,
        action=Action.EVIDENCE_ADD if created else Action.EVIDENCE_UPDATE,
        obj=evidence,
        after=snapshot(evidence),
    )
    return evidence


@transaction.atomic
def evidence_remove(*, actor: Any, evidence_id: int) -> None:
    """Withdraw a staff-recorded fact (the audit entry keeps what it said)."""
    require_roles(actor, *EVIDENCE_ROLES)
    evidence = HighValueEvidence.objects.filter(pk=evidence_id).first()
    if evidence is None:
        raise NotFound("未找到该佐证。")
    audit_record(
        actor=actor, action=Action.EVIDENCE_REMOVE, obj=evidence, before=snapshot(evidence)
    )
    evidence.delete()


def _date(value: Any, field: str, errors: dict[str, str], *, required: bool) -> dt.date | None:
    """Parse a date; a problem goes into ``errors`` so the form shows every one at once."""
    if value in (None, ""):
        if required:
            errors[field] = "请填写日期。"
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        errors[field] = "日期格式应为 YYYY-MM-DD。"
        return None


@transaction.atomic
def project_create(
    *, actor: Any, data: dict[str, Any], report: UploadedFile | None = None
) -> NavigationProject:
    """Register a navigation project. A service base (agency user) registers its
    own; a supervisor may register one for any service base."""
    require_roles(actor, *EDIT_ROLES)
    errors: dict[str, str] = {}
    title = str(data.get("title", "")).strip()
    if not title:
        errors["title"] = "请填写项目名称。"
    ptype = str(data.get("project_type", ""))
    if ptype not in ProjectType.values:
        errors["project_type"] = "请选择导航类型。"
    client = (
        Organisation.objects.select_related("region").filter(pk=data.get("client") or 0).first()
    )
    if client is None:
        errors["client"] = "请选择委托单位。"
    chain = None
    if data.get("chain"):
        chain = IndustryChain.objects.filter(pk=data["chain"]).first()
        if chain is None:
            errors["chain"] = "产业链不存在。"
    if acts_as_service_base(actor):
        base = actor.organisation
    else:
        base = Organisation.objects.filter(pk=data.get("service_base") or 0).first()
        if base is None:
            errors["service_base"] = "请选择承担项目的导航服务基地或工作站。"
        elif base.kind != OrganisationKind.AGENCY:
            errors["service_base"] = "承担单位应为服务机构。"
    if report is not None and Path(report.name or "").suffix.lower() not in REPORT_SUFFIXES:
        errors["report"] = "报告文件应为 PDF、Word、Excel、PPT 或 ZIP。"
    started = _date(data.get("started_on"), "started_on", errors, required=True)
    finished = _date(data.get("finished_on"), "finished_on", errors, required=False)
    if started and finished and finished < started:
        errors["finished_on"] = "完成日期不能早于开始日期。"
    if errors:
        raise ApplicationError("请按提示修改后再提交。", fields=errors)
    assert client is not None and started is not None
    project = NavigationProject(
        title=title[:200],
        project_type=ptype,
        client=client,
        service_base=base,
        chain=chain,
        region=client.region,
        started_on=started,
        finished_on=finished,
        created_by=actor,
    )
    if report is not None:
        project.report.save(Path(report.name or "report").name, report, save=False)
    project.save()
    audit_record(
        actor=actor,
        action=Action.PROJECT_CREATE,
        obj=project,
        region_path=client.region.path,
        after={**snapshot(project, exclude=("report",)), "report": project.report.name},
    )
    return project
