"""Writes of the brokerage app, one module per family: pushes, brokers, calls."""

from iphub.brokerage.services.brokers import (
    assignment_set,
    broker_register,
    broker_revoke,
    broker_verify,
    contact_log_add,
)
from iphub.brokerage.services.calls import (
    call_cancel,
    call_create,
    call_publish,
    proposal_award,
    proposal_decline,
    proposal_score,
    proposal_submit,
    proposal_withdraw,
)
from iphub.brokerage.services.pushes import (
    profiles_rebuild,
    push_answer,
    push_mute,
    push_open,
    push_run_execute,
    push_run_request,
)

__all__ = [
    "assignment_set",
    "broker_register",
    "broker_revoke",
    "broker_verify",
    "call_cancel",
    "call_create",
    "call_publish",
    "contact_log_add",
    "profiles_rebuild",
    "proposal_award",
    "proposal_decline",
    "proposal_score",
    "proposal_submit",
    "proposal_withdraw",
    "push_answer",
    "push_mute",
    "push_open",
    "push_run_execute",
    "push_run_request",
]
