"""Patents endpoints: search (with facets), detail, export jobs, saved searches."""

from __future__ import annotations

import datetime as dt
import mimetypes
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from iphub.core.apiauth import AUTH
from iphub.core.downloads import protected_file_response
from iphub.core.errors import ApplicationError, NotFound
from iphub.core.exports import attachment_disposition
from iphub.patents import selectors, services
from iphub.patents.exports import export_filename
from iphub.patents.models import ExportJob, JobStatus
from iphub.patents.search import QuerySyntaxError

router = Router(tags=["patents"])


class PatentBrief(Schema):
    id: int
    application_number: str
    publication_number: str
    title: str
    patent_type: str
    applicants: list[str]
    app_date: dt.date | None
    pub_date: dt.date | None
    grant_date: dt.date | None
    ipc_main: str
    legal_status: str
    city_code: str


class HitOut(Schema):
    patent: PatentBrief
    title_html: str
    abstract_html: str
    score: float


class FacetOut(Schema):
    value: str
    label: str
    count: int


class SearchOut(Schema):
    query: str
    total: int
    page: int = Field(description="送达的页码：小于 1 按第 1 页，超出末页按末页")
    page_size: int
    num_pages: int
    sort: str
    hits: list[HitOut]
    facets: dict[str, list[FacetOut]]
    facets_approximate: bool = Field(
        False, description="分面计数是否为抽样估计（命中超过 5 万条时按哈希抽样计数后放大）"
    )


def _query_error(exc: QuerySyntaxError) -> ApplicationError:
    return ApplicationError(
        f"检索式有误：{exc}",
        code="invalid_query",
        fields={"q": f"第 {exc.position + 1} 个字符处：{exc}"},
    )


@router.get(
    "/patents/search",
    response=SearchOut,
    summary="专利检索（检索式 + 分面）",
    description=(
        "sort：relevance（相关度）、app_date_desc/app_date_asc（申请日）、"
        "pub_date_desc/pub_date_asc（公开日）、grant_date_desc/grant_date_asc（授权日）；"
        "缺该日期的记录排在最后。q 可以直接是申请号、公开号或授权公告号（任一常见写法）。"
    ),
)
def search(
    request: HttpRequest, q: str, sort: str = "relevance", page: int = 1, page_size: int = 20
) -> dict[str, Any]:
    try:
        result = selectors.patent_search(q, sort=sort, page=page, page_size=page_size)
    except QuerySyntaxError as exc:
        raise _query_error(exc) from None
    return {
        "query": q,
        "total": result.total,
        "page": result.page,
        "page_size": page_size,
        "num_pages": result.num_pages,
        "sort": result.sort,
        "hits": [
            {
                "patent": r["patent"],
                "title_html": r["title_html"],
                "abstract_html": r["abstract_html"],
                "score": r["score"],
            }
            for r in result.rows
        ],
        "facets": {k: [vars(fv) for fv in v] for k, v in result.facets.items()},
        "facets_approximate": result.facets_approximate,
    }


class PartyOut(Schema):
    role: str
    name: str


class LegalEventOut(Schema):
    kind: str
    date: dt.date | None
    detail: str


class PatentOut(PatentBrief):
    abstract: str
    claims: str
    inventors: list[str]
    address: str
    ipc_codes: list[str]
    grant_number: str
    priority: str
    agency: str
    source: str
    legal_events: list[LegalEventOut]
    ipc_suggested: list[dict[str, Any]] = Field(
        default_factory=list,
        description="推荐分类：记录本身无分类号时系统按名称和摘要推荐，不是该专利的分类号",
    )


@router.get("/patents/{int:patent_id}", response=PatentOut, summary="专利详情")
def detail(request: HttpRequest, patent_id: int) -> Any:
    from iphub.patents.services.ipc_suggestions import suggested_for_patent

    p = selectors.patent_get(patent_id)
    skip = ("legal_events", "ipc_suggested")
    return {
        **{f: getattr(p, f) for f in PatentOut.model_fields if f not in skip},
        "legal_events": list(p.legal_events.all()),
        "ipc_suggested": suggested_for_patent(p),
    }


class IPCSuggestIn(Schema):
    title: str = Field("", description="发明名称或需求名称（必填）")
    abstract: str = Field("", description="摘要或技术描述（可选，提高准确度）")
    limit: int = Field(5, description="最多返回的小类数（1-10）")


class IPCSuggestionOut(Schema):
    code: str = Field(description="IPC 2026.01 分类号（小类，或置信时的大组）")
    title: str = Field(description="分类号的中文类名")
    confidence: float = Field(description="置信度 0-1；≥0.5 为交叉验证选定阈值之上")
    level: str = Field(description="subclass（小类）或 main_group（大组）")


@router.post(
    "/patents/ipc/suggest",
    response=list[IPCSuggestionOut],
    summary="IPC 分类号推荐（按名称和摘要）",
    description=(
        "返回推荐的 IPC 小类（置信时附大组），按置信度从高到低，只含 IPC 2026.01 中存在的"
        "分类号。推荐只供用户选择，不会写入任何专利的分类号。"
    ),
)
def ipc_suggest(request: HttpRequest, payload: IPCSuggestIn) -> list[dict[str, Any]]:
    from iphub.patents.services.ipc_suggestions import ipc_suggest as suggest

    found = suggest(title=payload.title, abstract=payload.abstract, limit=payload.limit)
    return [s.as_dict() for s in found]


class ExportIn(Schema):
    q: str = ""
    fmt: str = "xlsx"


class ExportOut(Schema):
    id: int
    status: str
    row_count: int
    download_url: str | None
    error: str = Field("", description="导出失败的原因（仅失败时）")


def _export_out(job: ExportJob) -> dict[str, Any]:
    url = f"/api/v1/patents/exports/{job.pk}/file" if job.status == JobStatus.DONE else None
    return {
        "id": job.pk,
        "status": job.status,
        "row_count": job.row_count,
        "download_url": url,
        "error": job.error,
    }


@router.post(
    "/patents/exports",
    response={202: ExportOut},
    auth=AUTH,
    summary="创建导出任务（整个结果集）",
)
def export_create(request: HttpRequest, payload: ExportIn) -> Any:
    from iphub.patents.tasks import run_export_job

    job = services.export_job_create(user=request.user, query=payload.q, fmt=payload.fmt)
    run_export_job.enqueue(job.pk)
    job.refresh_from_db()
    return Status(202, _export_out(job))


def _own_export(request: HttpRequest, export_id: int) -> ExportJob:
    job = ExportJob.objects.filter(pk=export_id, user=request.user).first()  # type: ignore[misc]
    if job is None:
        raise NotFound("未找到该导出任务。")
    return job


@router.get(
    "/patents/exports/{int:export_id}", response=ExportOut, auth=AUTH, summary="导出任务状态"
)
def export_status(request: HttpRequest, export_id: int) -> dict[str, Any]:
    return _export_out(_own_export(request, export_id))


@router.get("/patents/exports/{int:export_id}/file", auth=AUTH, summary="下载导出文件")
def export_file(request: HttpRequest, export_id: int) -> Any:
    job = _own_export(request, export_id)
    if job.status != JobStatus.DONE:
        raise ApplicationError("导出尚未完成，请稍后再下载。", code="not_ready", status=409)
    name, fallback = export_filename(job.query, job.fmt, on=timezone.localdate(job.created_at))
    # Sent by nginx behind the owner check when it fronts the node (core.downloads).
    response = protected_file_response(
        job.file_path,
        filename=fallback,
        content_type=mimetypes.guess_type(job.file_path)[0] or "application/octet-stream",
    )
    response["Content-Disposition"] = attachment_disposition(name, fallback)
    return response


class SavedIn(Schema):
    name: str = ""
    query: str


class SavedOut(Schema):
    id: int
    name: str
    query: str


@router.post(
    "/patents/saved-searches",
    response={201: SavedOut},
    auth=AUTH,
    summary="保存检索（新数据命中时提醒）",
)
def saved_create(request: HttpRequest, payload: SavedIn) -> Any:
    saved = services.saved_search_create(user=request.user, name=payload.name, query=payload.query)
    return Status(201, saved)


class ImportJobOut(Schema):
    id: int
    file_name: str
    status: str
    percent: int
    total: int
    ok: int
    bad: int
    created: int
    updated: int
    message: str
    report: dict[str, Any]


@router.get(
    "/patents/imports/{int:job_id}",
    response=ImportJobOut,
    auth=AUTH,
    summary="导入任务进度与报告",
)
def import_status(request: HttpRequest, job_id: int) -> Any:
    return selectors.import_job_get(user=request.user, job_id=job_id)
