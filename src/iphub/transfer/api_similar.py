"""Endpoints of "more like this" and 以文搜专利 (public, as patent records are).
Thin: schema in, ``similar`` call, schema out."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from iphub.patents.selectors import patent_get
from iphub.transfer import similar

router = Router(tags=["transfer"])


class SimilarItemOut(Schema):
    id: int
    title: str
    application_number: str
    legal_status: str
    ipc_codes: list[str]
    score: float = Field(description="0-1，按撮合匹配的权重合成（检索词、语义向量、分类号）")
    components: dict[str, float]
    shared_terms: list[str] = Field(description="共同技术词")
    ipc_overlap: list[str] = Field(description="相近的分类号对及层级")
    cosine: float | None = Field(description="语义向量余弦；无向量时为空")
    without_vector: bool = Field(description="该结果未使用语义向量（按检索词和分类号计算）")
    lapsed: bool = Field(description="已失效（未缴年费终止、期限届满、宣告无效等）")


class SimilarOut(Schema):
    items: list[SimilarItemOut]
    query_vector: bool = Field(description="查询本身有语义向量")
    without_vectors: int = Field(description="未使用语义向量的结果数")
    note: str = Field(description="关于语义向量的说明（都有向量时为空）")
    live_only: bool


def _out(result: similar.SimilarResult) -> dict[str, Any]:
    return {
        "items": [i.as_dict() for i in result.items],
        "query_vector": result.query_vector,
        "without_vectors": result.without_vectors,
        "note": result.note,
        "live_only": result.live_only,
    }


@router.get(
    "/patents/{int:patent_id}/similar",
    response=SimilarOut,
    summary="相似专利（更多类似）",
    description="不含该专利本身；live_only=true 时排除已失效专利。",
)
def similar_patent(
    request: HttpRequest, patent_id: int, live_only: bool = False, limit: int = 10
) -> dict[str, Any]:
    limit = max(1, min(limit, 50))
    result = similar.similar_to_patent(patent_get(patent_id), limit=limit, live_only=live_only)
    return _out(result)


class SimilarTextIn(Schema):
    text: str = Field(description="一段技术描述（4-5000 字）")
    ipc_codes: list[str] = Field(default_factory=list, description="已知的 IPC 分类号（可选）")
    live_only: bool = False
    limit: int = 20


@router.post("/patents/similar-text", response=SimilarOut, summary="以文搜专利")
def similar_text(request: HttpRequest, payload: SimilarTextIn) -> dict[str, Any]:
    from iphub.core.errors import ApplicationError
    from iphub.transfer.workflow import ipc_list_clean

    errors: dict[str, str] = {}
    codes = ipc_list_clean(payload.ipc_codes, errors)
    if errors:
        raise ApplicationError(next(iter(errors.values())), fields=errors)
    result = similar.similar_to_text(
        payload.text,
        codes=codes,
        limit=max(1, min(payload.limit, 50)),
        live_only=payload.live_only,
    )
    return _out(result)
