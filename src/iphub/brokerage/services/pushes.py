"""Writes of 专利找企业: the profiles the ranking reads, push runs (background),
the pushes themselves (idempotent), a firm's mute, opening and answering."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter, defaultdict
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from iphub.brokerage.audit_actions import Action
from iphub.brokerage.errors import BrokerageError
from iphub.brokerage.models import (
    OrganisationProfile,
    ProfileSubclass,
    Push,
    PushAnswer,
    PushPreference,
    PushRun,
    RunStatus,
)
from iphub.brokerage.ranking import PatentFacts, rank_organisations, subclasses
from iphub.core.audit import audit_record
from iphub.core.errors import AccessDenied, ApplicationError, NotFound, field_error
from iphub.core.models import Organisation
from iphub.patents.models import PartyRole, Patent, PatentParty
from iphub.patents.names import applicant_key
from iphub.transfer import services as transfer_services
from iphub.transfer.access import is_member, own_organisation, signed_in
from iphub.transfer.models import ListingStatus, NeedStatus, SupplyListing, TechnologyNeed
from iphub.transfer.workflow import patent_availability

logger = logging.getLogger(__name__)

MAX_PER_PATENT = 20
PROFILE_MAX_AGE = dt.timedelta(days=1)
PORTFOLIO_MAX = 500  # patents one portfolio run ranks (the newest live ones)


# -- profiles -----------------------------------------------------------------------


def profiles_rebuild(*, organisation_ids: list[int] | None = None) -> int:
    """Recount every organisation's (or those given) patents per IPC subclass,
    reading each patent's applicants once (one pass over the corpus). Returns
    how many profiles were written."""
    orgs = Organisation.objects.all()
    if organisation_ids is not None:
        orgs = orgs.filter(pk__in=organisation_ids)
    key_of = {pk: applicant_key(name) for pk, name in orgs.values_list("pk", "name")}
    by_key: dict[str, list[int]] = defaultdict(list)
    for pk, key in key_of.items():
        if key:
            by_key[key].append(pk)
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    totals: Counter[int] = Counter()
    rows = Patent.objects.values_list("applicants", "ipc_codes").iterator(chunk_size=5000)
    for applicants, codes in rows:
        for key in {applicant_key(a) for a in applicants or []}:
            for org in by_key.get(key, ()):
                totals[org] += 1
                counts[org].update(subclasses(codes or []))
    with transaction.atomic():
        OrganisationProfile.objects.filter(pk__in=list(key_of)).delete()
        OrganisationProfile.objects.bulk_create(
            [
                OrganisationProfile(organisation_id=pk, applicant_key=key, patent_count=totals[pk])
                for pk, key in key_of.items()
            ],
            batch_size=2000,
        )
        ProfileSubclass.objects.bulk_create(
            [
                ProfileSubclass(profile_id=org, subclass=sub, patents=n)
                for org, subs in counts.items()
                for sub, n in subs.items()
            ],
            batch_size=5000,
        )
    return len(key_of)


def _profiles_current() -> bool:
    oldest = OrganisationProfile.objects.order_by("refreshed_at").values_list(
        "refreshed_at", flat=True
    )
    first = oldest.first()
    return first is not None and timezone.now() - first < PROFILE_MAX_AGE


# -- mute ---------------------------------------------------------------------------


@transaction.atomic
def push_mute(*, actor: Any, muted: bool) -> PushPreference:
    """The actor's organisation stops (or resumes) receiving pushed patents.
    Pushes already received stay in its inbox."""
    org = own_organisation(actor)
    pref, _ = PushPreference.objects.select_for_update().get_or_create(organisation=org)
    before = pref.muted
    pref.muted, pref.updated_by = bool(muted), actor
    pref.save()
    audit_record(
        actor=actor,
        action=Action.PUSH_MUTE,
        obj=pref,
        region_path=org.region.path,
        before={"muted": before},
        after={"muted": pref.muted},
    )
    return pref


# -- runs ---------------------------------------------------------------------------


def _per_patent(raw: Any) -> int:
    try:
        n = int(str(raw or 5))
    except ValueError:
        raise field_error("per_patent", "每件专利推送的企业数应为 1-20 的整数。") from None
    if not 1 <= n <= MAX_PER_PATENT:
        raise field_error("per_patent", "每件专利推送的企业数应为 1-20 的整数。")
    return n


@transaction.atomic
def push_run_request(*, actor: Any, listing_id: int | None = None, per_patent: Any = 5) -> PushRun:
    """Queue the ranking and pushing of a listing's patents (``listing_id``) or of
    the actor's organisation's whole portfolio; the work runs in the background
    and the run's page follows it. Only the holder's own accounts may push."""
    org = own_organisation(actor)
    n = _per_patent(per_patent)
    listing = None
    if listing_id is not None:
        listing = SupplyListing.objects.filter(pk=listing_id).first()
        if listing is None or not is_member(actor, listing.organisation_id):
            raise NotFound("未找到该挂牌。")
        if listing.status != ListingStatus.ACTIVE:
            raise ApplicationError(
                f"该挂牌{listing.get_status_display()}，不能再推送。",
                code=BrokerageError.STATE,
                status=409,
            )
    run = PushRun.objects.create(
        holder=org, listing=listing, region=org.region, per_patent=n, requested_by=actor
    )
    audit_record(
        actor=actor,
        action=Action.PUSH_RUN_REQUEST,
        obj=run,
        region_path=org.region.path,
        after={"listing": listing_id, "per_patent": n},
    )
    from iphub.brokerage.tasks import push_run_task

    transaction.on_commit(lambda: push_run_task.enqueue(run.pk))
    return run


def _report(run_id: int, **fields: Any) -> int:
    fields["progressed_at"] = timezone.now()
    return PushRun.objects.filter(pk=run_id).update(**fields)


def _run_patents(run: PushRun) -> list[Patent]:
    if run.listing_id is not None:
        ids = list(run.listing.items.values_list("patent_id", flat=True))  # type: ignore[union-attr]
        return list(Patent.objects.filter(pk__in=ids).select_related("region").order_by("pk"))
    held = PatentParty.objects.filter(
        role=PartyRole.APPLICANT, key=applicant_key(run.holder.name)
    ).values("patent_id")
    rows = Patent.objects.filter(pk__in=held).select_related("region").order_by("-app_date", "-pk")
    return [p for p in rows[: PORTFOLIO_MAX * 2] if patent_availability(p).alive][:PORTFOLIO_MAX]


def push_run_execute(*, run_id: int) -> int:
    """Rank and push one run, reporting progress per patent. Claimed atomically
    (two workers never run it twice); pushes already made to an organisation for
    the same patent are kept, not repeated. Returns the number of new pushes."""
    if not PushRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, progressed_at=timezone.now()
    ):
        return 0
    try:
        if not _profiles_current():
            _report(run_id, message="正在更新企业技术画像")
            profiles_rebuild()
        run = PushRun.objects.select_related("holder__region", "listing__region").get(pk=run_id)
        patents = _run_patents(run)
        _report(run_id, total=len(patents), done=0, message="")
        city = ""
        if run.listing is not None:
            parts = run.listing.region.path.split("/")
            city = parts[1] if len(parts) > 1 else ""
        new: list[Push] = []
        for i, patent in enumerate(patents, 1):
            facts = PatentFacts.of(patent, city=city)
            found = rank_organisations(facts, limit=run.per_patent, exclude={run.holder_id})
            new += _store(run, patent, found)
            _report(run_id, done=i)
        _notify(run, new)
    except Exception as exc:
        logger.exception("push run %s failed", run_id)
        _report(run_id, status=RunStatus.FAILED, message=f"推送失败：{exc}"[:300])
        return 0
    _report(
        run_id,
        status=RunStatus.DONE,
        pushed=len(new),
        message=f"新推送 {len(new)} 家次。" if new else "没有新的推送：合适的企业都已推送过。",
    )
    return len(new)


@transaction.atomic
def _store(run: PushRun, patent: Patent, found: list[Any]) -> list[Push]:
    """Create the pushes not made before; a known (holder, organisation, patent)
    is left as it is (its answer stands)."""
    if not found:
        return []
    orgs = Organisation.objects.select_related("region").in_bulk([c.organisation_id for c in found])
    known = set(
        Push.objects.filter(
            holder=run.holder, patent=patent, organisation_id__in=list(orgs)
        ).values_list("organisation_id", flat=True)
    )
    now = timezone.now()
    made = []
    for c in found:
        if c.organisation_id in known:
            continue
        push, created = Push.objects.get_or_create(
            holder=run.holder,
            organisation=orgs[c.organisation_id],
            patent=patent,
            defaults={
                "listing": run.listing,
                "run": run,
                "region": orgs[c.organisation_id].region,
                "score": c.score,
                "reasons": c.reasons,
                "need_id": c.need_id,
                "pushed_at": now,
            },
        )
        if created:
            made.append(push)
    if made:
        audit_record(
            actor=None,
            action=Action.PUSH_CREATE,
            obj=run,
            region_path=run.region.path,
            after={"patent": patent.pk, "organisations": [p.organisation_id for p in made]},
        )
    return made


def _notify(run: PushRun, new: list[Push]) -> None:
    """One inbox message per organisation reached, however many patents it got."""
    by_org: dict[int, list[Push]] = defaultdict(list)
    for p in new:
        by_org[p.organisation_id].append(p)
    for pushes in by_org.values():
        first = pushes[0]
        title = f"{run.holder.name}向贵单位推荐 {len(pushes)} 件专利"
        transfer_services.notify(
            organisations=[first.organisation],
            title=title,
            body="；".join(p.patent.title for p in pushes[:3]),
            link=reverse("brokerage:push_detail", args=[first.pk]),
        )


# -- the organisation reached -----------------------------------------------------


def _push_for(actor: Any, push_id: int, *, lock: bool = False) -> Push:
    signed_in(actor)
    qs = Push.objects.select_related("organisation__region", "patent", "listing", "holder")
    if lock:
        qs = qs.select_for_update(of=("self",))
    push = qs.filter(pk=push_id).first()
    if push is None or not is_member(actor, push.organisation_id):
        raise NotFound("未找到该推送。")
    return push


@transaction.atomic
def push_open(*, actor: Any, push_id: int) -> Push:
    """The organisation reached opened the push (the first time counts)."""
    push = _push_for(actor, push_id, lock=True)
    if push.opened_at is None:
        push.opened_at = timezone.now()
        push.save(update_fields=["opened_at"])
        audit_record(actor=actor, action=Action.PUSH_OPEN, obj=push, region_path=push.region.path)
    return push


def _need_for_interest(
    actor: Any, push: Push, need_id: Any, problem: str, contact: dict[str, str]
) -> TechnologyNeed:
    """The open need the interest is about: the one chosen, or a new one posted
    (through transfer) from the problem the organisation describes."""
    if need_id:
        need = TechnologyNeed.objects.filter(
            pk=int(need_id), organisation_id=push.organisation_id, status=NeedStatus.OPEN
        ).first()
        if need is None:
            raise field_error("need", "请选择本单位征集中的技术需求。")
        return need
    problem = problem.strip()
    if len(problem) < 10:
        raise field_error(
            "problem",
            "请用至少 10 个字说明希望用这件专利解决的技术问题（将作为贵单位的技术需求发布）。",
        )
    forms = ["transfer", "ordinary"] if push.listing is None else _forms_of(push.listing)
    return transfer_services.need_create(
        actor=actor,
        data={
            "title": f"承接专利：{push.patent.title}"[:200],
            "description": problem,
            "deadline": (timezone.localdate() + dt.timedelta(days=90)).isoformat(),
            "preferred_forms": forms,
            "ipc_codes": list(push.patent.ipc_codes or [])[:3],
            # Blank: the organisation's registered contact (transfer's default).
            **{k: v.strip() for k, v in contact.items() if v and v.strip()},
        },
    )


def _forms_of(listing: SupplyListing) -> list[str]:
    if listing.mode == "transfer":
        return ["transfer"]
    return list(listing.licence_forms or ["ordinary"])


@transaction.atomic
def push_answer(
    *,
    actor: Any,
    push_id: int,
    answer: str,
    note: str = "",
    need_id: Any = None,
    problem: str = "",
    contact_name: str = "",
    contact_phone: str = "",
) -> Push:
    """The organisation reached answers once: interested — a transfer match of its
    need and the patent is made and the holder asked to get in touch — or not
    needed, with an optional note the holder reads. Without an open need to
    name, the problem it describes is posted as its need (contact: the one
    given, else the organisation's registered contact)."""
    push = _push_for(actor, push_id, lock=True)
    if answer not in (PushAnswer.INTERESTED, PushAnswer.DECLINED):
        raise field_error("answer", "请选择“有意向”或“暂不需要”。")
    if push.answer:
        raise ApplicationError(
            f"贵单位已于 {timezone.localtime(push.answered_at):%Y-%m-%d} 答复过该推送。",
            code=BrokerageError.STATE,
            status=409,
        )
    now = timezone.now()
    if answer == PushAnswer.INTERESTED:
        contact = {"contact_name": contact_name, "contact_phone": contact_phone}
        need = _need_for_interest(actor, push, need_id, problem, contact)
        push.match = transfer_services.match_from_interest(
            actor=actor,
            need_id=need.pk,
            patent_id=push.patent_id,
            listing_id=push.listing_id,
            message=note or f"我单位对贵单位推送的专利“{push.patent.title}”有意向。",
        )
        push.need = need
    push.answer, push.answer_note, push.answered_at = answer, note.strip()[:300], now
    push.opened_at = push.opened_at or now
    push.save(update_fields=["answer", "answer_note", "answered_at", "opened_at", "match", "need"])
    audit_record(
        actor=actor,
        action=Action.PUSH_ANSWER,
        obj=push,
        region_path=push.region.path,
        after={"answer": answer, "match": push.match_id},
    )
    if answer == PushAnswer.DECLINED:
        holder_link = (
            reverse("brokerage:listing_pushes", args=[push.listing_id])
            if push.listing_id
            else reverse("brokerage:portfolio_pushes")
        )
        transfer_services.notify(
            organisations=[push.holder],
            title=f"{push.organisation.name}答复：暂不需要“{push.patent.title[:40]}”",
            body=push.answer_note,
            link=holder_link,
        )
    return push


def ensure_holder_member(actor: Any, organisation_id: int) -> None:
    """Raise unless the actor acts for the holder (pages that list its pushes)."""
    if not is_member(actor, organisation_id):
        raise AccessDenied("只有专利持有单位的账号可以查看推送情况。")
