"""The organisation's standing beside its figures: the cultivation programmes it
belongs to, with their periods (programmes app), and the subsidy and reward
policies it appears to qualify for, each condition explained (policies app).

**What the public form shows of these, and why.**

* Current memberships: shown, with the programme's kind and name and its
  period. A membership is an honour the province confers in public: the
  programme's page lists every approved organisation with its period (批准名单),
  and the firm carries the tag on the platform meanwhile. How many times it was
  renewed stays in the full form (a detail of the firm's own file).
* Ended memberships: left out of the public form altogether. A lapsed
  membership is no longer a title the firm may claim, and when and how it ended
  (not renewed, not reapplied) says something about the firm that no list
  announces; the full form shows them, separately, with their periods and the
  day each ended.
* Qualifying policies: full form only. They are read from records the public
  form masks (this year's pledges, its people's training hours) and are advice
  to the firm and its region's staff, like the comparison with peers, not a
  public rating.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from iphub.core.models import Organisation
from iphub.policies.conditions import Qualification
from iphub.policies.selectors import qualifying_policies
from iphub.programmes.selectors import organisation_memberships


@dataclass(frozen=True)
class ProgrammeLine:
    """One membership as the page, the brief and the workbook show it."""

    kind: str
    programme: str
    programme_url: str
    valid_from: dt.date
    valid_until: dt.date
    renewals: int
    current: bool
    ended_on: dt.date | None

    @property
    def period(self) -> str:
        return f"{self.valid_from.isoformat()} — {self.valid_until.isoformat()}"

    @property
    def status(self) -> str:
        if self.current:
            return _("有效")
        if self.ended_on is None:
            return _("已结束")
        return _("已于 %(d)s 结束") % {"d": self.ended_on.isoformat()}


def programme_lines(
    org: Organisation, *, public: bool, today: dt.date
) -> tuple[list[ProgrammeLine], list[ProgrammeLine]]:
    """The organisation's current memberships and its past ones (none in the
    public form, see the module). A membership whose period is over counts as
    past even before the daily duty has ended it; it ended the day after its
    period then."""
    current: list[ProgrammeLine] = []
    past: list[ProgrammeLine] = []
    for m in organisation_memberships(org):
        is_current = m.active and m.valid_until >= today
        if public and not is_current:
            continue
        ended = None
        if not is_current:
            ended = m.ended_on or (m.valid_until + dt.timedelta(days=1))
        line = ProgrammeLine(
            kind=m.get_kind_display(),
            programme=m.programme.name,
            programme_url=reverse("programmes:detail", kwargs={"programme_id": m.programme_id}),
            valid_from=m.valid_from,
            valid_until=m.valid_until,
            renewals=m.renewals,
            current=is_current,
            ended_on=ended,
        )
        (current if is_current else past).append(line)
    return current, past


def policy_checks(org: Organisation, *, public: bool) -> list[Qualification] | None:
    """The policies in force the organisation appears to qualify for, each with
    every condition checked and explained; ``None`` in the public form."""
    if public:
        return None
    return qualifying_policies(org)


def policy_url(q: Qualification) -> str:
    return reverse("policies:detail", kwargs={"policy_id": q.policy.pk})


def programme_headers(*, public: bool) -> list[str]:
    if public:
        return [_("项目类型"), _("项目名称"), _("有效期")]
    return [_("项目类型"), _("项目名称"), _("有效期"), _("续期次数"), _("状态")]


def programme_rows(lines: list[ProgrammeLine], *, public: bool) -> list[list[Any]]:
    """The memberships as table rows (the brief and the workbook)."""
    if public:
        return [[m.kind, m.programme, m.period] for m in lines]
    return [[m.kind, m.programme, m.period, m.renewals, m.status] for m in lines]


def policy_headers() -> list[str]:
    return [
        _("政策"),
        _("发文机关"),
        _("文号"),
        _("支持内容"),
        _("条件"),
        _("是否符合"),
        _("核对说明"),
    ]


def policy_rows(qualifications: list[Qualification]) -> list[list[Any]]:
    """One row per condition of each qualifying policy (the workbook)."""
    rows: list[list[Any]] = []
    for q in qualifications:
        p = q.policy
        for c in q.checks:
            met = _("符合") if c.met else _("不符合")
            rows.append(
                [
                    p.title,
                    p.issuing_body,
                    p.document_number,
                    p.support_note,
                    c.label,
                    met,
                    c.explanation,
                ]
            )
    return rows
