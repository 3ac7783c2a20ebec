"""Every write of overseas dispute response, one module per family: the expert
pool (``experts``), dispute cases with guidance and experts (``cases``), watches,
subscriptions and the warnings they raise (``watches``)."""

from iphub.overseas.services.cases import (
    case_expert_assign,
    case_guidance_add,
    case_open,
    case_step,
)
from iphub.overseas.services.experts import expert_conflict_declare, expert_create
from iphub.overseas.services.watches import (
    warnings_mark_read,
    watch_create,
    watch_subscribe,
    watch_unsubscribe,
    watches_run,
)

__all__ = [
    "case_expert_assign",
    "case_guidance_add",
    "case_open",
    "case_step",
    "expert_conflict_declare",
    "expert_create",
    "warnings_mark_read",
    "watch_create",
    "watch_subscribe",
    "watch_unsubscribe",
    "watches_run",
]
