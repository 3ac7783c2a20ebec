"""Navigation endpoints: industry chains, landscape analyses and their reports,
high-value evidence, navigation projects."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

from django.http import FileResponse, HttpRequest
from ninja import Form, Router, Schema, Status

from iphub.core.apiauth import AUTH
from iphub.core.apiparams import Limit, Offset
from iphub.core.errors import NotFound
from iphub.navigation import selectors, services
from iphub.navigation.models import Analysis, IndustryChain, NavigationProject
from iphub.navigation.pdf import report_pdf
from iphub.navigation.reports import write_report_xlsx

router = Router(tags=["navigation"])


class SegmentIn(Schema):
    stage: str
    name: str
    query: str


class SegmentOut(SegmentIn):
    stage_label: str


class ChainOut(Schema):
    id: int
    code: str
    name: str
    cluster: str
    domain: str
    description: str
    query: str
    segments: list[SegmentOut]


class ChainIn(Schema):
    name: str | None = None
    description: str | None = None
    query: str | None = None
    segments: list[SegmentIn] | None = None


class AnalysisOut(Schema):
    id: int
    chain_id: int | None
    title: str
    status: str
    progress: int
    message: str
    patent_count: int
    created_at: dt.datetime
    finished_at: dt.datetime | None
    timings: dict[str, Any]


class AnalysisResultOut(AnalysisOut):
    result: dict[str, Any]


class AnalysisIn(Schema):
    query: str
    title: str = ""


class EvidenceIn(Schema):
    patent_id: int
    criterion: str
    source_note: str
    amount: str | None = None  # 万元, pledges only; the service checks it


class EvidenceOut(Schema):
    id: int
    patent_id: int
    criterion: str
    source_note: str
    amount: Decimal | None


class ProjectIn(Schema):
    # Plain strings and optional ids: the service checks them and answers in Chinese.
    title: str = ""
    project_type: str = ""
    client: int | None = None
    service_base: int | None = None
    chain: int | None = None
    started_on: str = ""
    finished_on: str = ""


class ProjectOut(Schema):
    id: int
    title: str
    project_type: str
    project_type_label: str
    client_id: int
    client_name: str
    service_base_id: int | None
    service_base_name: str
    chain_id: int | None
    chain_name: str
    region_code: str
    region_name: str
    started_on: dt.date
    finished_on: dt.date | None
    report_url: str


class ProjectCountOut(Schema):
    region: str
    region_name: str
    month: str
    count: int


def _chain(c: IndustryChain) -> dict[str, Any]:
    return {
        "id": c.pk,
        "code": c.code,
        "name": c.name,
        "cluster": c.cluster,
        "domain": c.domain,
        "description": c.description,
        "query": c.query,
        "segments": [
            {
                "stage": s.stage,
                "stage_label": s.get_stage_display(),
                "name": s.name,
                "query": s.query,
            }
            for s in c.segments.all()
        ],
    }


@router.get("/navigation/chains", response=list[ChainOut], auth=AUTH, summary="重点产业链列表")
def chain_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [_chain(c) for c in selectors.chain_list()]


@router.get("/navigation/chains/{int:chain_id}", response=ChainOut, auth=AUTH, summary="产业链详情")
def chain_detail(request: HttpRequest, chain_id: int) -> dict[str, Any]:
    return _chain(selectors.chain_get(chain_id))


@router.patch(
    "/navigation/chains/{int:chain_id}",
    response={202: AnalysisOut},
    auth=AUTH,
    summary="编辑产业链（保存后自动重新分析）",
)
def chain_update(request: HttpRequest, chain_id: int, payload: ChainIn) -> Any:
    chain = selectors.chain_get(chain_id)
    job = services.chain_update(
        actor=request.user,
        chain=chain,
        name=payload.name,
        description=payload.description,
        query=payload.query,
        segments=[s.dict() for s in payload.segments] if payload.segments is not None else None,
    )
    return Status(202, job)


@router.post(
    "/navigation/chains/{int:chain_id}/analyses",
    response={202: AnalysisOut},
    auth=AUTH,
    summary="重新分析产业链",
)
def chain_analyse(request: HttpRequest, chain_id: int) -> Any:
    chain = selectors.chain_get(chain_id)
    return Status(202, services.analysis_request(actor=request.user, chain=chain))


@router.get(
    "/navigation/chains/{int:chain_id}/analysis",
    response=AnalysisResultOut,
    auth=AUTH,
    summary="产业链最近一次完成的分析（含全部结果）",
)
def chain_latest(request: HttpRequest, chain_id: int) -> Analysis:
    job = selectors.analysis_latest_done(chain=selectors.chain_get(chain_id))
    if job is None:
        raise NotFound("该产业链尚无完成的分析。")
    return job


@router.post(
    "/navigation/analyses",
    response={202: AnalysisOut},
    auth=AUTH,
    summary="对任意检索式做导航分析",
)
def analysis_create(request: HttpRequest, payload: AnalysisIn) -> Any:
    job = services.analysis_request(actor=request.user, query=payload.query, title=payload.title)
    return Status(202, job)


@router.get(
    "/navigation/analyses/{int:analysis_id}",
    response=AnalysisResultOut,
    auth=AUTH,
    summary="分析状态与结果",
)
def analysis_detail(request: HttpRequest, analysis_id: int) -> Analysis:
    return selectors.analysis_get(analysis_id)


@router.get(
    "/navigation/analyses/{int:analysis_id}/report.{fmt}",
    auth=AUTH,
    summary="下载报告（fmt 为 pdf 或 xlsx）",
)
def analysis_report(request: HttpRequest, analysis_id: int, fmt: str) -> Any:
    job = selectors.analysis_result(analysis_id)
    name = f"navigation-{job.pk}.{fmt}"
    if fmt == "pdf":
        data = report_pdf(title=job.title, query=job.result["query"], result=job.result)
        return FileResponse(
            io.BytesIO(data), as_attachment=True, filename=name, content_type="application/pdf"
        )
    if fmt == "xlsx":
        buf = io.BytesIO()
        write_report_xlsx(buf, title=job.title, query=job.result["query"], result=job.result)
        buf.seek(0)
        return FileResponse(buf, as_attachment=True, filename=name)
    raise NotFound("报告格式只能是 pdf 或 xlsx。")


@router.post(
    "/navigation/evidence",
    response={201: EvidenceOut},
    auth=AUTH,
    summary="登记高价值专利佐证（海外同族、获奖、质押融资）",
)
def evidence_add(request: HttpRequest, payload: EvidenceIn) -> Any:
    ev = services.evidence_add(
        actor=request.user,
        patent_id=payload.patent_id,
        criterion=payload.criterion,
        source_note=payload.source_note,
        amount=payload.amount,
    )
    return Status(201, ev)


@router.delete(
    "/navigation/evidence/{int:evidence_id}",
    response={204: None},
    auth=AUTH,
    summary="撤销高价值专利佐证",
)
def evidence_remove(request: HttpRequest, evidence_id: int) -> Any:
    services.evidence_remove(actor=request.user, evidence_id=evidence_id)
    return Status(204, None)


def _project(p: NavigationProject) -> dict[str, Any]:
    return {
        "id": p.pk,
        "title": p.title,
        "project_type": p.project_type,
        "project_type_label": p.get_project_type_display(),
        "client_id": p.client_id,
        "client_name": p.client.name,
        "service_base_id": p.service_base_id,
        "service_base_name": p.service_base.name if p.service_base else "",
        "chain_id": p.chain_id,
        "chain_name": p.chain.name if p.chain else "",
        "region_code": p.region.code,
        "region_name": p.region.name,
        "started_on": p.started_on,
        "finished_on": p.finished_on,
        "report_url": p.report.url if p.report else "",
    }


@router.get(
    "/navigation/projects",
    response=list[ProjectOut],
    auth=AUTH,
    summary="导航项目（工作人员：辖区；服务基地：本机构承担的）",
)
def project_list(
    request: HttpRequest, limit: Limit = 50, offset: Offset = 0
) -> list[dict[str, Any]]:
    qs = selectors.project_list(user=request.user)[offset : offset + limit]
    return [_project(p) for p in qs]


@router.get(
    "/navigation/projects/counts",
    response=list[ProjectCountOut],
    auth=AUTH,
    summary="导航项目数（按地区和月份，督导指标）",
)
def project_counts(request: HttpRequest) -> list[dict[str, Any]]:
    return selectors.project_counts(user=request.user)


@router.get(
    "/navigation/projects/{int:project_id}", response=ProjectOut, auth=AUTH, summary="导航项目"
)
def project_detail(request: HttpRequest, project_id: int) -> dict[str, Any]:
    return _project(selectors.project_get(user=request.user, project_id=project_id))


@router.post(
    "/navigation/projects",
    response={201: ProjectOut},
    auth=AUTH,
    summary="登记导航项目（multipart：表单字段 + 可选的 report 报告文件）",
)
def project_create(request: HttpRequest, payload: Form[ProjectIn]) -> Any:
    project = services.project_create(
        actor=request.user, data=payload.dict(), report=request.FILES.get("report")
    )
    return Status(201, _project(project))
