"""Every write of the programmes app (see the modules for each entity)."""

from iphub.programmes.services.applications import (
    application_approve,
    application_recommend,
    application_reject,
    application_resubmit,
    application_return,
    application_submit,
    application_withdraw,
    check_evidence,
    parse_scores,
)
from iphub.programmes.services.members import (
    indicator_report_submit,
    membership_grant,
    memberships_expire,
    notify_organisation,
    organisation_tag_add,
    organisation_tag_remove,
)
from iphub.programmes.services.programmes import programme_create

__all__ = [
    "application_approve",
    "application_recommend",
    "application_reject",
    "application_resubmit",
    "application_return",
    "application_submit",
    "application_withdraw",
    "check_evidence",
    "indicator_report_submit",
    "membership_grant",
    "memberships_expire",
    "notify_organisation",
    "organisation_tag_add",
    "organisation_tag_remove",
    "parse_scores",
    "programme_create",
]
