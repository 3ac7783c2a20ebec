"""transfer's periodic duties (registered in core's schedule by ``TransferConfig.ready()``)."""

from __future__ import annotations

import datetime as dt

from iphub.core.schedule import Duty, register_duty


def _expire_needs() -> str:
    from iphub.transfer.services import needs_expire_due

    counts = needs_expire_due()
    return f"过期需求 {counts['expired']} 条，标记待确认 {counts['stale']} 条"


def _embed_listed_patents() -> str:
    from iphub.transfer import embeddings

    run = embeddings.patents_embed(listed_only=True)
    return f"已读取挂牌专利 {run.seen} 件，新计算向量 {run.embedded} 件"


def register_duties() -> None:
    """Put transfer's duties into core's schedule."""
    register_duty(
        Duty("expire_needs", "技术需求到期与待确认标记", "day", _expire_needs, dt.time(1, 0))
    )
    register_duty(
        Duty("embed_patents", "挂牌专利语义向量计算", "day", _embed_listed_patents, dt.time(3, 0))
    )
