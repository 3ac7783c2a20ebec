"""IPC suggestions: building the model, asking it, and storing suggestions for
imported records that carry no IPC code.

A suggestion never becomes a record's classification: for a patent it is kept
in ``Patent.extra["ipc_suggested"]`` (shown as 推荐分类), never in ``ipc_codes``
or ``ipc_main``; forms store what the user ticked as chosen and the rest apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.db import transaction

from iphub.core.errors import ApplicationError
from iphub.patents.intelligence import ipc_suggest as ips
from iphub.patents.intelligence.ipc_suggest import IPCModel, IPCSuggestion
from iphub.patents.ipc import is_valid_ipc
from iphub.patents.models import Patent

TITLE_MAX = 500
ABSTRACT_MAX = 5000
PLATFORM_ROWS = 20_000  # own records used for training: enough to add vocabulary, quick to fit
EXTRA_KEY = "ipc_suggested"


def ipc_model_build(
    *,
    csv_path: Path,
    limit: int | None = None,
    platform: bool = True,
    only_if_missing: bool = False,
) -> IPCModel | None:
    """Train and store the suggester (None when ``only_if_missing`` and one exists).

    The platform's own records with IPC codes (their titles and subclasses) are
    added to the shared CSV's rows; records whose title the CSV already has are
    not counted twice."""
    if only_if_missing and ips.get_model() is not None:
        return None
    own: list[tuple[str, list[str]]] = []
    if platform:
        rows = (
            Patent.objects.exclude(ipc_codes=[])
            .order_by("-pk")
            .values_list("title", "ipc_codes")[:PLATFORM_ROWS]
        )
        own = [(t, [c[:4] for c in codes]) for t, codes in rows if t and codes]
    return ips.build(csv_path=csv_path, platform_rows=own, limit=limit)


def ipc_suggest(*, title: str, abstract: str = "", limit: int = 5) -> list[IPCSuggestion]:
    """Suggested IPC codes for a title (and abstract), best first; only codes of
    IPC 2026.01. Raises ``ApplicationError`` for input a user must fix, and when
    the model has not been built."""
    title = (title or "").strip()
    abstract = (abstract or "").strip()
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = "请填写名称（发明名称或需求名称），系统据此推荐分类号。"
    elif len(title) > TITLE_MAX:
        errors["title"] = f"名称最多 {TITLE_MAX} 个字，请缩短。"
    if len(abstract) > ABSTRACT_MAX:
        errors["abstract"] = f"摘要或描述最多 {ABSTRACT_MAX} 个字，请缩短。"
    if not 1 <= limit <= 10:
        errors["limit"] = "推荐条数应在 1 到 10 之间。"
    if errors:
        raise ApplicationError(next(iter(errors.values())), fields=errors)
    model = ips.get_model()
    if model is None:
        raise ApplicationError(
            "分类号推荐模型尚未生成，请管理员运行 manage.py build_ipc_model。",
            code="ipc_model_missing",
            status=503,
        )
    return [s for s in model.suggest(title, abstract, limit=limit) if is_valid_ipc(s.code)]


def ipc_suggest_quiet(title: str, abstract: str = "") -> list[IPCSuggestion]:
    """Like :func:`ipc_suggest`, but an empty list where it would raise (for pages
    and background work that go on without suggestions)."""
    try:
        return ipc_suggest(title=title[:TITLE_MAX], abstract=abstract[:ABSTRACT_MAX])
    except ApplicationError:
        return []


def suggested_for_patent(patent: Patent) -> list[dict[str, Any]]:
    """The stored 推荐分类 of a record without IPC codes (empty when it has its own)."""
    if patent.ipc_codes:
        return []
    return list((patent.extra or {}).get(EXTRA_KEY) or [])


def patents_ipc_suggest(patent_ids: Iterable[int] | None = None) -> int:
    """Store suggestions for records that carry no IPC code (``extra``, never the
    record's classification). Returns how many records got suggestions."""
    if ips.get_model() is None:
        return 0
    qs = Patent.objects.filter(ipc_codes=[]).only("pk", "title", "abstract", "extra")
    if patent_ids is not None:
        qs = qs.filter(pk__in=list(patent_ids))
    done = 0
    for patent in qs.iterator(chunk_size=500):
        found = [s for s in ipc_suggest_quiet(patent.title, patent.abstract)]
        extra = dict(patent.extra or {})
        extra[EXTRA_KEY] = [s.as_dict() for s in found]
        with transaction.atomic():
            # Only while the record still has no IPC of its own (an import may have
            # brought codes meanwhile): a suggestion never sits beside real codes.
            done += Patent.objects.filter(pk=patent.pk, ipc_codes=[]).update(extra=extra)
    return done
