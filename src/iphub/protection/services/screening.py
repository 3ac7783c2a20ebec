"""蓝天 screening: run the detectors over the corpus, store flagged groups, and
record staff decisions on them."""

from __future__ import annotations

import hashlib
import logging
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from django.db import DatabaseError, transaction
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from iphub.core.audit import audit_record, snapshot
from iphub.core.errors import ApplicationError
from iphub.core.id_ranges import IdRanges
from iphub.core.jobs import stall_after
from iphub.core.models import Role
from iphub.core.permissions import ensure_region_access, require_roles
from iphub.patents.models import LegalEvent, LegalEventKind, PartyRole, Patent, PatentParty
from iphub.protection.audit_actions import Action
from iphub.protection.errors import ProtectionErrorCode
from iphub.protection.models import (
    DismissedPair,
    FlaggedGroup,
    GroupKind,
    GroupMember,
    GroupStatus,
    RunKind,
    RunStage,
    RunStatus,
    ScreeningRun,
)
from iphub.protection.screening.detect import (
    BulkBurst,
    DuplicateCluster,
    ScreeningDoc,
    ScreeningParams,
    find_bulk_filings,
    find_near_duplicates,
    find_split_filings,
)
from iphub.protection.screening.evidence import (
    RiskInputs,
    display_text,
    risk_score,
    shared_passages,
)
from iphub.protection.screening.red_flags import (
    IpcOutlier,
    QuickAssignment,
    find_ipc_outliers,
    find_quick_assignments,
)
from iphub.protection.services.group_regions import Place, group_region, patent_places

logger = logging.getLogger(__name__)

PROVINCE_CODE = "420000"
# Side-by-side evidence is computed for the strongest pairs of a group only:
# a 200-member template cluster needs a few examples, not 20,000 comparisons.
PASSAGE_PAIRS = 12


def screening_run_create(
    *, actor: Any, kind: str = RunKind.FULL, patent_ids: Iterable[int] = ()
) -> ScreeningRun:
    """Queue a screening run (full corpus, or the given new records) and enqueue its task.

    The records are stored on the run as runs of consecutive ids (``IdRanges.to_json``:
    the million records of a fresh load are one ``[first, last]`` pair), and the
    audit entry gives their number, not the ids."""
    if actor is not None:
        require_roles(actor, Role.ENFORCEMENT)
    ids = IdRanges.of(patent_ids)
    with transaction.atomic():
        _close_stalled_runs()
        run = ScreeningRun.objects.create(
            kind=kind,
            patent_ids=ids.to_json(),
            started_by=actor if actor is not None and actor.is_authenticated else None,
        )
        after = {**snapshot(run, exclude=("patent_ids",)), "patent_count": len(ids)}
        audit_record(actor=actor, action=Action.SCREENING_RUN_CREATE, obj=run, after=after)
        transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def _close_stalled_runs() -> int:
    """Record runs that stopped moving (their worker thread died with its process:
    the embedded mode keeps no durable queue) as failed when a new run starts, so
    no run stays 进行中 in the records; claiming them keeps a revived worker off."""
    now = timezone.now()
    limit = now - stall_after()
    stalled = ScreeningRun.objects.filter(status__in=(RunStatus.PENDING, RunStatus.RUNNING)).filter(
        Q(progressed_at__lt=limit) | Q(progressed_at__isnull=True, created_at__lt=limit)
    )
    return stalled.update(
        status=RunStatus.FAILED,
        finished_at=now,
        claimed_at=Coalesce("claimed_at", Value(now)),
        message="后台任务已中断（长时间无进展），由之后发起的筛查接替。",
    )


def screening_run_incremental(*, patent_ids: Iterable[int]) -> ScreeningRun | None:
    """Hook for importers: screen newly imported records against the whole corpus.

    Call it after the import's transaction with the ids it created; nothing
    happens for an empty list.
    """
    ids = IdRanges.of(patent_ids)
    if not ids:
        return None
    return screening_run_create(actor=None, kind=RunKind.INCREMENTAL, patent_ids=ids)


def _enqueue(run_id: int) -> None:
    from iphub.protection.tasks import run_screening

    run_screening.enqueue(run_id)


class _RunProgress:
    """Writes a run's stage, counts and time of last progress on its row, at most
    once a second within a stage (each write is its own statement, outside the
    run's transaction, so the page polling the run sees it at once)."""

    def __init__(self, run_id: int) -> None:
        self.run_id, self.stage, self.last = run_id, "", 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if stage == self.stage and now - self.last < 1.0 and done < total:
            return
        self.stage, self.last = stage, now
        try:
            ScreeningRun.objects.filter(id=self.run_id).update(
                stage=stage, processed=done, total=total, progressed_at=timezone.now()
            )
        except DatabaseError:
            # A report that cannot be written now (SQLite busy with another
            # writer) is skipped: the next one catches up; the run goes on.
            logger.warning("screening run %s: progress not recorded", self.run_id)


def screening_run_execute(run_id: int, *, params: ScreeningParams | None = None) -> ScreeningRun:
    """Claim the run (once, whoever calls first), run the detectors, store new groups,
    reporting each stage's progress on the run as it goes."""
    now = timezone.now()
    claimed = ScreeningRun.objects.filter(id=run_id, claimed_at=None).update(
        claimed_at=now, status=RunStatus.RUNNING, stage=RunStage.LOAD, progressed_at=now
    )
    run = ScreeningRun.objects.get(id=run_id)
    if not claimed:
        return run
    started = time.perf_counter()
    progress = _RunProgress(run_id)
    try:
        docs = load_docs()
        progress(RunStage.LOAD, len(docs), len(docs))
        new_ids = IdRanges.from_json(run.patent_ids) if run.kind == RunKind.INCREMENTAL else None
        excluded = _dismissed_pairs()
        dup = find_near_duplicates(
            docs, params=params, new_ids=new_ids, excluded_pairs=excluded, progress=progress
        )
        progress(RunStage.SIGNALS, 0, 4)
        splits = find_split_filings(docs, params=params, excluded_pairs=excluded)
        progress(RunStage.SIGNALS, 1, 4)
        bursts = find_bulk_filings(docs, params=params)
        progress(RunStage.SIGNALS, 2, 4)
        outliers = find_ipc_outliers(docs)
        progress(RunStage.SIGNALS, 3, 4)
        quick = find_quick_assignments(docs, _transfers())
        if new_ids is not None:
            wanted = set(new_ids)
            bursts = [b for b in bursts if wanted.intersection(b.members)]
            splits = [c for c in splits if wanted.intersection(c.members)]
            outliers = [o for o in outliers if o.patent_id in wanted]
            quick = [q for q in quick if q.patent_id in wanted]
        clusters = [(str(GroupKind.NEAR_DUPLICATE), c) for c in dup.clusters]
        clusters += [(str(GroupKind.SPLIT_FILING), c) for c in splits]
        # One transaction for every group (all or none), so this stage reports
        # its size up front and its end when it commits.
        progress(RunStage.STORE, 0, len(clusters) + len(bursts) + len(outliers) + len(quick))
        with transaction.atomic():
            found = _store_groups(run, docs, clusters, bursts, outliers, quick)
            run.refresh_from_db(fields=["stage", "processed", "total", "progressed_at"])
            run.docs, run.candidate_pairs = dup.docs, dup.candidate_pairs
            run.verified_pairs, run.groups_found = dup.verified_pairs, found
            run.processed = run.total
            run.status, run.finished_at = RunStatus.DONE, timezone.now()
            run.progressed_at = run.finished_at
            run.duration_s = round(time.perf_counter() - started, 3)
            run.message = f"筛查 {dup.docs} 件，新标记 {found} 组。"
            run.save()
    except Exception as exc:
        run.refresh_from_db(fields=["stage", "processed", "total", "progressed_at"])
        run.status, run.finished_at = RunStatus.FAILED, timezone.now()
        run.message = f"筛查失败：{exc}"[:500]
        run.save()
        raise
    return run


def load_docs() -> list[ScreeningDoc]:
    """Every patent record as the detectors see it (text, applicants, agency, address)."""
    keys: dict[int, set[str]] = {}
    for patent_id, key in (
        PatentParty.objects.filter(role=PartyRole.APPLICANT)
        .values_list("patent_id", "key")
        .iterator(chunk_size=10_000)
    ):
        keys.setdefault(patent_id, set()).add(key)
    rows = Patent.objects.order_by("id").values_list(
        "id", "title", "abstract", "claims", "agency", "address", "app_date", "ipc_main"
    )
    return [
        ScreeningDoc(
            id=pk,
            title=title,
            abstract=abstract,
            claims=claims,
            applicant_keys=frozenset(keys.get(pk, ())),
            agency=agency.strip(),
            address=address.strip(),
            app_date=app_date,
            ipc=ipc_main,
        )
        for pk, title, abstract, claims, agency, address, app_date, ipc_main in rows.iterator(
            chunk_size=5000
        )
    ]


def _transfers() -> dict[int, list[tuple[Any, str]]]:
    """Every dated ``transferred`` legal event, per record: the assignment signal's input."""
    out: dict[int, list[tuple[Any, str]]] = {}
    for patent_id, date, detail in LegalEvent.objects.filter(
        kind=LegalEventKind.TRANSFERRED, date__isnull=False
    ).values_list("patent_id", "date", "detail"):
        out.setdefault(patent_id, []).append((date, detail))
    return out


def _dismissed_pairs() -> set[tuple[int, int]]:
    return set(DismissedPair.objects.values_list("low_id", "high_id"))


def _signature(kind: str, key: str) -> str:
    return hashlib.sha256(f"{kind}:{key}".encode()).hexdigest()


def _confirmed_parties() -> list[set[str]]:
    """The applicants and agencies of every confirmed group, one set per group.

    Read once per run and matched in Python: confirmed groups number in the
    hundreds, and JSON containment queries are not portable to SQLite.
    """
    return [
        set(applicants) | set(agencies)
        for applicants, agencies in FlaggedGroup.objects.filter(
            status=GroupStatus.CONFIRMED
        ).values_list("applicants", "agencies")
    ]


def _prior_confirmed(confirmed: list[set[str]], applicants: list[str], agencies: list[str]) -> int:
    names = set(applicants) | set(agencies)
    return sum(1 for parties in confirmed if names & parties)


def _parties(member_ids: list[int]) -> tuple[list[str], list[str], dict[int, Any]]:
    rows = {
        r["id"]: r
        for r in Patent.objects.filter(id__in=member_ids).values(
            "id", "title", "abstract", "claims", "applicants", "agency"
        )
    }
    applicants = Counter(name for r in rows.values() for name in (r["applicants"] or []))
    agencies = Counter(r["agency"].strip() for r in rows.values() if r["agency"].strip())
    return (
        [n for n, _ in applicants.most_common(20)],
        [n for n, _ in agencies.most_common(10)],
        rows,
    )


def _signal_evidence(
    outliers: Sequence[IpcOutlier], quick: Sequence[QuickAssignment]
) -> dict[int, list[dict[str, Any]]]:
    """Per record, the signals it carries, as the evidence rows a group page lists."""
    out: dict[int, list[dict[str, Any]]] = {}
    for o in outliers:
        out.setdefault(o.patent_id, []).append(
            {"kind": str(GroupKind.IPC_OUTLIER), "patent": o.patent_id, "ipc": o.ipc,
             "earlier": o.earlier, "section_share": o.section_share,
             "usual": [f"{c} {n}" for c, n in o.usual]}
        )  # fmt: skip
    for q in quick:
        out.setdefault(q.patent_id, []).append(
            {"kind": str(GroupKind.QUICK_ASSIGNMENT), "patent": q.patent_id,
             "filed": q.filed.isoformat(), "transferred": q.transferred.isoformat(),
             "days": q.days, "detail": q.detail}
        )  # fmt: skip
    return out


def _with_signals(
    inputs: RiskInputs, members: list[int], signals: dict[int, list[dict[str, Any]]]
) -> tuple[RiskInputs, list[dict[str, Any]]]:
    rows = [s for m in members for s in signals.get(m, [])]
    kinds = Counter(s["kind"] for s in rows)
    days = [s["days"] for s in rows if s["kind"] == GroupKind.QUICK_ASSIGNMENT]
    return (
        replace(
            inputs,
            ipc_outliers=kinds[GroupKind.IPC_OUTLIER],
            quick_assignments=kinds[GroupKind.QUICK_ASSIGNMENT],
            fastest_days=min(days, default=-1),
        ),
        rows,
    )


def _store_groups(
    run: ScreeningRun,
    docs: list[ScreeningDoc],
    clusters: list[tuple[str, DuplicateCluster]],
    bursts: list[BulkBurst],
    outliers: Sequence[IpcOutlier] = (),
    quick: Sequence[QuickAssignment] = (),
) -> int:
    existing = set(FlaggedGroup.objects.values_list("signature", flat=True))
    confirmed = _confirmed_parties()
    signals = _signal_evidence(outliers, quick)
    # Every member's place, read once for the run: a group lands where its
    # applicants are (see group_regions).
    places = patent_places(
        [m for _kind, c in clusters for m in c.members]
        + [m for b in bursts for m in b.members]
        + [o.patent_id for o in outliers]
        + [q.patent_id for q in quick]
    )
    found = 0
    for kind, cluster in clusters:
        signature = _signature(kind, ",".join(map(str, cluster.members)))
        if signature in existing:
            continue
        applicants, agencies, rows = _parties(cluster.members)
        pairs = []
        for i, pair in enumerate(cluster.pairs):
            entry: dict[str, Any] = {
                "a": pair.a,
                "b": pair.b,
                "jaccard": pair.jaccard,
                "same_applicant": pair.same_applicant,
                "shared_agency": pair.shared_agency,
                "shared_address": pair.shared_address,
                # Which stage flagged it; the edited-copy stages add what confirmed it.
                "stage": pair.stage,
                "containment": pair.containment,
                "aligned": pair.aligned,
            }
            if i < PASSAGE_PAIRS:
                entry["passages"] = shared_passages(_text(rows[pair.a]), _text(rows[pair.b]))
            pairs.append(entry)
        inputs = RiskInputs(
            kind=kind,
            max_jaccard=cluster.pairs[0].jaccard,
            max_aligned=max(p.aligned for p in cluster.pairs),
            size=len(cluster.members),
            same_applicant=any(p.same_applicant for p in cluster.pairs),
            shared_agency=any(p.shared_agency for p in cluster.pairs),
            shared_address=any(p.shared_address for p in cluster.pairs),
            prior_confirmed=_prior_confirmed(confirmed, applicants, agencies),
        )
        inputs, member_signals = _with_signals(inputs, cluster.members, signals)
        title = rows[cluster.members[0]]["title"]
        what = "文本高度相似" if kind == GroupKind.NEAR_DUPLICATE else "同日申请、内容部分重合"
        measure = f"最高 Jaccard {inputs.max_jaccard:.2f}"
        if inputs.max_aligned:
            # Found (at least in part) by the edited-copy stage: say what the texts
            # share, not only their low Jaccard.
            if cluster.pairs[0].stage != "minhash":
                what = "文本改写后相似"
            measure += f"，共同段落覆盖 {inputs.max_aligned:.2f}"
        summary = f"{len(cluster.members)} 件{what}（{measure}）：{title}"
        _create_group(
            run,
            places,
            kind,
            signature,
            cluster.members,
            risk_score(inputs),
            summary,
            applicants,
            agencies,
            {
                "pairs": pairs,
                "max_jaccard": inputs.max_jaccard,
                "relations": {
                    "same_applicant": inputs.same_applicant,
                    "shared_agency": inputs.shared_agency,
                    "shared_address": inputs.shared_address,
                },
                "prior_confirmed": inputs.prior_confirmed,
                "signals": member_signals,
            },
        )
        found += 1
    for burst in bursts:
        signature = _signature(
            GroupKind.BULK_FILING, f"{burst.entity_kind}:{burst.entity}:{burst.month}"
        )
        if signature in existing:
            continue
        applicants, agencies, _rows = _parties(burst.members)
        who = "代理机构" if burst.entity_kind == "agency" else "申请人"
        inputs = RiskInputs(
            kind=GroupKind.BULK_FILING,
            size=burst.count,
            z=burst.z,
            prior_confirmed=_prior_confirmed(confirmed, applicants, agencies),
        )
        inputs, member_signals = _with_signals(inputs, burst.members, signals)
        summary = (
            f"{who}“{burst.entity}”{burst.month} 申请 {burst.count} 件（月中位数 {burst.median:g}）"
        )
        _create_group(
            run,
            places,
            GroupKind.BULK_FILING,
            signature,
            burst.members,
            risk_score(inputs),
            summary,
            applicants,
            agencies,
            {
                "entity_kind": burst.entity_kind,
                "entity": burst.entity,
                "month": burst.month,
                "count": burst.count,
                "median": burst.median,
                "z": round(burst.z, 2),
                "prior_confirmed": inputs.prior_confirmed,
                "signals": member_signals,
            },
        )
        found += 1
    # Each signal standing alone: one group per applicant, of its signalled filings.
    per_applicant: dict[tuple[str, str], list[int]] = {}
    for o in outliers:
        per_applicant.setdefault((GroupKind.IPC_OUTLIER, o.applicant), []).append(o.patent_id)
    for q in quick:
        key = (GroupKind.QUICK_ASSIGNMENT, q.applicants[0] if q.applicants else "")
        per_applicant.setdefault(key, []).append(q.patent_id)
    for (kind, _key), members in sorted(per_applicant.items()):
        members = sorted(set(members))
        signature = _signature(kind, ",".join(map(str, members)))
        if signature in existing:
            continue
        applicants, agencies, rows = _parties(members)
        inputs = RiskInputs(
            kind=kind,
            size=len(members),
            prior_confirmed=_prior_confirmed(confirmed, applicants, agencies),
        )
        inputs, member_signals = _with_signals(inputs, members, signals)
        who = applicants[0] if applicants else "—"
        if kind == GroupKind.IPC_OUTLIER:
            summary = f"“{who}”{len(members)} 件申请的分类号远离其既往申请领域"
        else:
            summary = (
                f"“{who}”{len(members)} 件申请在申请后短期内转让（最短 {inputs.fastest_days} 天）"
            )
        _create_group(
            run, places, kind, signature, members, risk_score(inputs), summary,
            applicants, agencies,
            {"signals": member_signals, "prior_confirmed": inputs.prior_confirmed},
        )  # fmt: skip
        found += 1
    return found


def _text(row: dict[str, Any]) -> str:
    return display_text(title=row["title"], abstract=row["abstract"], claims=row["claims"])


def _create_group(
    run: ScreeningRun,
    places: dict[int, Place],
    kind: str,
    signature: str,
    members: list[int],
    score: int,
    summary: str,
    applicants: list[str],
    agencies: list[str],
    evidence: dict[str, Any],
) -> FlaggedGroup:
    region, placed = group_region(members, places)
    group = FlaggedGroup.objects.create(
        run=run,
        kind=kind,
        signature=signature,
        score=score,
        region=region,
        summary=summary[:300],
        applicants=applicants,
        agencies=agencies,
        evidence=evidence | {"places": placed},
    )
    GroupMember.objects.bulk_create([GroupMember(group=group, patent_id=m) for m in members])
    return group


def _decide(*, actor: Any, group: FlaggedGroup, status: str, note: str) -> FlaggedGroup:
    require_roles(actor, Role.ENFORCEMENT)
    with transaction.atomic():
        locked = FlaggedGroup.objects.select_for_update().select_related("region").get(pk=group.pk)
        ensure_region_access(actor, locked.region)
        if locked.status != GroupStatus.OPEN:
            when = timezone.localtime(locked.decided_at).strftime("%Y-%m-%d %H:%M")
            raise ApplicationError(
                f"该组已于 {when} 核查为“{locked.get_status_display()}”，不能重复核查。",
                code=ProtectionErrorCode.GROUP_DECIDED,
                status=409,
            )
        before = snapshot(locked)
        locked.status, locked.decided_by, locked.decided_at = status, actor, timezone.now()
        locked.decision_note = note.strip()[:500]
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        if status == GroupStatus.DISMISSED and locked.kind != GroupKind.BULK_FILING:
            DismissedPair.objects.bulk_create(
                [
                    DismissedPair(low_id=p["a"], high_id=p["b"], group=locked)
                    for p in locked.evidence.get("pairs", [])
                ],
                ignore_conflicts=True,
            )
        audit_record(
            actor=actor,
            action=(
                Action.FLAGGED_GROUP_CONFIRM
                if status == GroupStatus.CONFIRMED
                else Action.FLAGGED_GROUP_DISMISS
            ),
            obj=locked,
            region_path=locked.region.path,
            before=before,
            after=snapshot(locked),
        )
    return locked


def flagged_group_confirm(*, actor: Any, group: FlaggedGroup, note: str = "") -> FlaggedGroup:
    """Confirm a flagged group as abnormal filing; later groups of the same parties score higher."""
    return _decide(actor=actor, group=group, status=GroupStatus.CONFIRMED, note=note)


def flagged_group_dismiss(*, actor: Any, group: FlaggedGroup, note: str = "") -> FlaggedGroup:
    """Dismiss a flagged group; its pairs are never flagged together again."""
    return _decide(actor=actor, group=group, status=GroupStatus.DISMISSED, note=note)
