"""Writes to matches: storing ranked candidates, the parties' decisions (accept,
reject, request contact), and the notifications that tell them."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from iphub.core.audit import audit_record
from iphub.core.errors import AccessDenied, ApplicationError, NotFound
from iphub.core.models import Organisation, User
from iphub.patents.models import PartyRole, PatentParty
from iphub.patents.names import applicant_key
from iphub.transfer.access import is_member, signed_in
from iphub.transfer.audit_actions import Action
from iphub.transfer.errors import TransferError
from iphub.transfer.matching import Candidate, open_needs_for_listing, rank_for_need
from iphub.transfer.models import (
    Match,
    MatchingStage,
    MatchingStatus,
    MatchStage,
    NeedStatus,
    Notification,
    SupplyListing,
    TechnologyNeed,
)

logger = logging.getLogger(__name__)

# A listing is pushed to a need only when the pair is reasonably strong; a need's
# own ranking shows its top candidates whatever their score.
MIN_SCORE = 0.35


def _matching_report(
    pk: int, model: type[TechnologyNeed] | type[SupplyListing] = TechnologyNeed, **fields: Any
) -> int:
    """Write where a need's (or listing's) matching stands, in its own statement
    outside any transaction of the matching itself, so the page sees it at once."""
    fields["matching_progressed_at"] = timezone.now()
    return model.objects.filter(pk=pk).update(**fields)


def need_matching_queue(*, need_id: int) -> None:
    """Mark a need's matching as queued and enqueue it once the caller's
    transaction commits (posting, editing and renewing a need call this)."""
    from iphub.transfer.tasks import match_need_task

    _matching_report(
        need_id, matching_status=MatchingStatus.QUEUED, matching_stage="", matching_message=""
    )
    transaction.on_commit(lambda: match_need_task.enqueue(need_id))


def need_matching_run(*, need_id: int) -> int:
    """The background matching of one need, reporting each stage on the need:
    its vector first, then the ranking; a failure is recorded with its reason
    (the need's page shows it) instead of leaving the page at 匹配中.
    Returns the number of matches the need has."""
    from iphub.transfer import embeddings

    if not _matching_report(
        need_id,
        matching_status=MatchingStatus.RUNNING,
        matching_stage=str(MatchingStage.EMBED),
        matching_message="",
    ):
        return 0
    try:
        need = TechnologyNeed.objects.get(pk=need_id)
        embeddings.need_embed(need=need)
        _matching_report(need_id, matching_stage=str(MatchingStage.RANK))
        found = match_run_for_need(need_id=need_id)
    except Exception as exc:
        logger.exception("matching of need %s failed", need_id)
        _matching_report(
            need_id,
            matching_status=MatchingStatus.FAILED,
            matching_message=f"匹配失败：{exc}"[:300],
        )
        return 0
    _matching_report(
        need_id,
        matching_status=MatchingStatus.DONE,
        matching_stage="",
        matching_message=f"找到 {len(found)} 项候选专利。" if found else "",
    )
    return len(found)


def notify(*, organisations: Iterable[Organisation], title: str, body: str, link: str) -> int:
    """Tell every active member of the organisations; returns how many were told."""
    org_ids = {o.pk for o in organisations}
    users = User.objects.filter(organisation_id__in=org_ids, is_active=True)
    rows = [
        Notification(user=u, title=title[:200], body=body[:500], link=link[:300]) for u in users
    ]
    Notification.objects.bulk_create(rows)
    return len(rows)


def listing_matching_queue(*, listing_id: int) -> None:
    """Mark a new listing's matching as queued and enqueue it on commit."""
    from iphub.transfer.tasks import match_listing_task

    _matching_report(
        listing_id,
        SupplyListing,
        matching_status=MatchingStatus.QUEUED,
        matching_stage="",
        matching_message="",
    )
    transaction.on_commit(lambda: match_listing_task.enqueue(listing_id))


def listing_matching_run(*, listing_id: int) -> int:
    """The background matching of a new listing: its patents' vectors, then open
    needs scored against them; each stage and the outcome are recorded on the
    listing for its page. Returns the number of new matches."""
    from iphub.transfer import embeddings

    if not _matching_report(
        listing_id,
        SupplyListing,
        matching_status=MatchingStatus.RUNNING,
        matching_stage=str(MatchingStage.EMBED_PATENTS),
        matching_message="",
    ):
        return 0
    try:
        ids = list(
            SupplyListing.objects.get(pk=listing_id).items.values_list("patent_id", flat=True)
        )
        embeddings.patents_embed(patent_ids=ids)
        _matching_report(listing_id, SupplyListing, matching_stage=str(MatchingStage.SCORE_NEEDS))
        made = match_run_for_listing(listing_id=listing_id)
    except Exception as exc:
        logger.exception("matching of listing %s failed", listing_id)
        _matching_report(
            listing_id,
            SupplyListing,
            matching_status=MatchingStatus.FAILED,
            matching_message=f"匹配失败：{exc}"[:300],
        )
        return 0
    _matching_report(
        listing_id,
        SupplyListing,
        matching_status=MatchingStatus.DONE,
        matching_stage="",
        matching_message=f"匹配到 {len(made)} 项技术需求。" if made else "",
    )
    return len(made)


def patent_holders(patent_id: int) -> list[Organisation]:
    """Registered organisations named as applicants/patentees of a patent."""
    keys = set(
        PatentParty.objects.filter(patent_id=patent_id, role=PartyRole.APPLICANT).values_list(
            "key", flat=True
        )
    )
    names = PatentParty.objects.filter(patent_id=patent_id, role=PartyRole.APPLICANT).values_list(
        "name", flat=True
    )
    candidates = Organisation.objects.filter(name__in=list(names))
    found = [o for o in candidates if applicant_key(o.name) in keys]
    return found or [o for o in Organisation.objects.all() if applicant_key(o.name) in keys]


def _store(need: TechnologyNeed, found: list[Candidate], *, replace: bool) -> list[Match]:
    """Upsert matches of ``need``; progressed ones keep their stage. ``replace``
    drops untouched old candidates that fell out of the new ranking. Returns the
    matches that are news: new pairs, and known pairs whose patent is now listed."""
    existing = {m.patent_id: m for m in Match.objects.filter(need=need)}
    new: list[Match] = []
    for c in found:
        m = existing.get(c.patent.pk)
        if m is None:
            m = Match.objects.create(
                need=need,
                patent=c.patent,
                listing=c.listing,
                score=c.score,
                components=c.components,
                reasons=c.reasons,
            )
            new.append(m)
        else:
            m.score, m.components, m.reasons = c.score, c.components, c.reasons
            if m.listing_id is None and c.listing is not None:
                # A patent already proposed is now offered: news for both sides.
                new.append(m)
            if m.stage == MatchStage.MATCHED:
                m.listing = c.listing
            m.save(update_fields=["score", "components", "reasons", "listing", "updated_at"])
    if replace:
        kept = {c.patent.pk for c in found}
        Match.objects.filter(need=need, stage=MatchStage.MATCHED).exclude(
            patent_id__in=kept
        ).delete()
    return new


@transaction.atomic
def match_run_for_need(*, need_id: int, limit: int = 20) -> list[Match]:
    """Rank candidates for a need and store them; tell the need's owner about new ones."""
    need = (
        TechnologyNeed.objects.select_related("region", "organisation").filter(pk=need_id).first()
    )
    if need is None or need.status != NeedStatus.OPEN:
        return []
    new = _store(need, rank_for_need(need, limit=limit), replace=True)
    need.matched_at = timezone.now()
    need.save(update_fields=["matched_at"])
    if new:
        notify(
            organisations=[need.organisation],
            title=f"您的需求“{need.title}”有 {len(new)} 项新匹配",
            body="；".join(m.patent.title for m in new[:3]),
            link=reverse("transfer:need_detail", args=[need.pk]),
        )
    audit_record(
        actor=None,
        action=Action.MATCH_RUN,
        obj=need,
        region_path=need.region.path,
        after={"new": len(new)},
    )
    return list(Match.objects.filter(need=need).order_by("-score"))


@transaction.atomic
def match_run_for_listing(*, listing_id: int) -> list[Match]:
    """Score open needs against a new listing's patents; tell both sides of each new match."""
    listing = SupplyListing.objects.select_related("organisation").filter(pk=listing_id).first()
    if listing is None:
        return []
    among = set(listing.items.values_list("patent_id", flat=True))
    made: list[Match] = []
    for need in open_needs_for_listing(listing):
        found = [c for c in rank_for_need(need, limit=3, among=among) if c.score >= MIN_SCORE]
        new = _store(need, found, replace=False)
        if new:
            notify(
                organisations=[need.organisation],
                title=f"新挂牌专利与您的需求“{need.title}”匹配",
                body="；".join(m.patent.title for m in new),
                link=reverse("transfer:need_detail", args=[need.pk]),
            )
        made.extend(new)
    if made:
        notify(
            organisations=[listing.organisation],
            title=f"您的挂牌“{listing.title}”匹配到 {len(made)} 项技术需求",
            body="；".join(m.need.title for m in made[:3]),
            link=reverse("transfer:listing_detail", args=[listing.pk]),
        )
    return made


def _match(match_id: int) -> Match:
    m = (
        Match.objects.select_for_update(of=("self",))
        .select_related("need__organisation", "need__region", "listing__organisation", "patent")
        .filter(pk=match_id)
        .first()
    )
    if m is None:
        raise NotFound("未找到该匹配。")
    return m


def _supply_orgs(m: Match) -> list[Organisation]:
    return [m.listing.organisation] if m.listing else patent_holders(m.patent_id)


def _side(user: Any, m: Match) -> str:
    """``need`` if the user acts for the need's owner, ``supply`` for the patent holder."""
    signed_in(user)
    if is_member(user, m.need.organisation_id):
        return "need"
    if any(is_member(user, o.pk) for o in _supply_orgs(m)):
        return "supply"
    raise AccessDenied("只有需求方或专利权人可以处理该匹配。")


def _log(actor: Any, m: Match, action: Action, before: str) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=m,
        region_path=m.need.region.path,
        before={"stage": before},
        after={"stage": m.stage},
    )


@transaction.atomic
def match_request_contact(*, actor: Any, match_id: int, message: str = "") -> Match:
    """One side asks to be put in touch; the other side is told who is asking."""
    m = _match(match_id)
    side = _side(actor, m)
    if m.need.status != NeedStatus.OPEN:
        raise ApplicationError(
            f"该需求已{m.need.get_status_display()}，不能再请求联系。",
            code=TransferError.NEED_EXPIRED,
            status=409,
        )
    if m.stage != MatchStage.MATCHED:
        raise ApplicationError(
            f"该匹配已处于“{m.get_stage_display()}”，无需重复请求。",
            code=TransferError.MATCH_STAGE,
            status=409,
        )
    before = m.stage
    m.stage = MatchStage.CONTACTED
    m.contact_requested_by = actor.organisation
    m.save(update_fields=["stage", "contact_requested_by", "updated_at"])
    _log(actor, m, Action.MATCH_REQUEST_CONTACT, before)
    other = _supply_orgs(m) if side == "need" else [m.need.organisation]
    link = reverse("transfer:match_detail", args=[m.pk])
    notify(
        organisations=other,
        title=f"{actor.organisation.name} 请求就“{m.patent.title[:40]}”与您联系",
        body=(message or f"需求：{m.need.title}")[:500],
        link=link,
    )
    return m


@transaction.atomic
def match_from_interest(
    *, actor: Any, need_id: int, patent_id: int, listing_id: int | None = None, message: str = ""
) -> Match:
    """An organisation that was pushed a patent (专利找企业) says it is interested:
    the pair of its open need and the patent becomes a match (scored as the
    matcher would score it, or at 0 with the offer as its only reason when the
    matcher would not propose it) and the holder is asked to get in touch, as
    with :func:`match_request_contact`. An existing pair is reused."""
    signed_in(actor)
    need = (
        TechnologyNeed.objects.select_related("region", "organisation").filter(pk=need_id).first()
    )
    if need is None or not is_member(actor, need.organisation_id):
        raise NotFound("未找到该技术需求。")
    if need.status != NeedStatus.OPEN:
        raise ApplicationError(
            f"该需求已{need.get_status_display()}，请选择征集中的需求。",
            code=TransferError.NEED_EXPIRED,
            fields={"need": "请选择征集中的需求。"},
        )
    listing = SupplyListing.objects.filter(pk=listing_id).first() if listing_id else None
    m = Match.objects.filter(need=need, patent_id=patent_id).first()
    if m is None:
        found = rank_for_need(need, limit=1, among={patent_id})
        if found:
            c = found[0]
            m = Match.objects.create(
                need=need,
                patent=c.patent,
                listing=c.listing or listing,
                score=c.score,
                components=c.components,
                reasons=c.reasons,
            )
        else:
            offer = (
                f"已挂牌：{listing.get_mode_display()}"
                if listing
                else "未挂牌（可联系专利权人洽谈）"
            )
            m = Match.objects.create(
                need=need, patent_id=patent_id, listing=listing, score=0.0, reasons={"offer": offer}
            )
        audit_record(
            actor=actor, action=Action.MATCH_FROM_INTEREST, obj=m, region_path=need.region.path
        )
    if m.stage == MatchStage.MATCHED:
        return match_request_contact(actor=actor, match_id=m.pk, message=message)
    return m


@transaction.atomic
def match_accept(*, actor: Any, match_id: int) -> Match:
    """The side that was asked agrees to talk: the pair moves to negotiation."""
    m = _match(match_id)
    _side(actor, m)
    if m.stage != MatchStage.CONTACTED:
        raise ApplicationError(
            "只有对方请求联系后才能接受。", code=TransferError.MATCH_STAGE, status=409
        )
    if m.contact_requested_by_id == actor.organisation_id:
        raise ApplicationError(
            "联系请求由您发出，需等待对方接受。", code=TransferError.MATCH_STAGE, status=409
        )
    before = m.stage
    m.stage = MatchStage.NEGOTIATING
    m.save(update_fields=["stage", "updated_at"])
    _log(actor, m, Action.MATCH_ACCEPT, before)
    if m.contact_requested_by is not None:
        notify(
            organisations=[m.contact_requested_by],
            title=f"{actor.organisation.name} 已接受您的联系请求",
            body=m.patent.title,
            link=reverse("transfer:match_detail", args=[m.pk]),
        )
    return m


@transaction.atomic
def match_reject(*, actor: Any, match_id: int, reason: str = "") -> Match:
    """Either side declines: the pair leaves both sides' lists (kept for the funnel)."""
    m = _match(match_id)
    _side(actor, m)
    if m.stage in (MatchStage.DEAL, MatchStage.REJECTED):
        raise ApplicationError(
            f"该匹配已{m.get_stage_display()}。", code=TransferError.MATCH_STAGE, status=409
        )
    before = m.stage
    m.stage = MatchStage.REJECTED
    m.reasons = m.reasons | {"rejected_reason": reason[:200]}
    m.save(update_fields=["stage", "reasons", "updated_at"])
    _log(actor, m, Action.MATCH_REJECT, before)
    return m


def notifications_mark_read(*, actor: Any, notification_ids: Iterable[int]) -> int:
    """Mark the actor's own notifications ``notification_ids`` read (the ones their
    inbox has just shown); one audit entry names them. Returns how many changed."""
    signed_in(actor)
    ids = sorted(set(notification_ids))
    with transaction.atomic():
        changed = Notification.objects.filter(user=actor, pk__in=ids, read=False).update(read=True)
        if changed:
            audit_record(
                actor=actor,
                action=Action.NOTIFICATIONS_MARK_READ,
                object_type="transfer.notification",
                object_repr=f"{changed} 条通知",
                after={"notifications": ids},
            )
    return changed
