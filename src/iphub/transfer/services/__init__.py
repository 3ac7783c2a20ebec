"""Writes of the transfer app (知慧桥), one module per entity."""

from iphub.transfer.services.deals import deal_link_filing, deal_record, deal_record_awarded
from iphub.transfer.services.events import (
    event_create,
    event_invite_best,
    event_pair_outcome,
    event_register,
)
from iphub.transfer.services.listings import listing_create, listing_revoke, listing_withdraw
from iphub.transfer.services.matches import (
    match_accept,
    match_from_interest,
    match_reject,
    match_request_contact,
    match_run_for_listing,
    match_run_for_need,
    notifications_mark_read,
    notify,
)
from iphub.transfer.services.need_imports import need_import
from iphub.transfer.services.needs import (
    need_close,
    need_create,
    need_mark_stale,
    need_match_again,
    need_renew,
    need_update,
    needs_expire_due,
)

__all__ = [
    "deal_link_filing",
    "deal_record",
    "deal_record_awarded",
    "event_create",
    "event_invite_best",
    "event_pair_outcome",
    "event_register",
    "listing_create",
    "listing_revoke",
    "listing_withdraw",
    "match_accept",
    "match_from_interest",
    "match_reject",
    "match_request_contact",
    "match_run_for_listing",
    "match_run_for_need",
    "need_close",
    "need_create",
    "need_import",
    "need_mark_stale",
    "need_match_again",
    "need_renew",
    "need_update",
    "needs_expire_due",
    "notifications_mark_read",
    "notify",
]
