"""The programme workflow through its services: apply with evidence, return,
resubmit, city scores, province approval with the tag and its period, rejection
with a reason, renewal, expiry; refusals change nothing; the quota holds."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from iphub.conftest import make_org, make_user
from iphub.core.calendar import add_years
from iphub.core.errors import AccessDenied, ApplicationError, NotFound
from iphub.core.models import AuditEntry, Organisation, Role, User
from iphub.programmes import selectors, services
from iphub.programmes.models import (
    ApplicationState,
    Membership,
    ProgrammeApplication,
    ProgrammeNotice,
)
from iphub.programmes.tests.conftest import (
    EXE,
    SCORES,
    apply,
    apply_data,
    evidence,
    make_programme,
    pdf,
    programme_data,
    recommended,
)

pytestmark = pytest.mark.django_db


def _tags(org: Organisation) -> list[str]:
    org.refresh_from_db()
    return list(org.tags)


def test_the_whole_way_apply_return_resubmit_recommend_approve(
    cast: dict[str, User], programme: Any, orgs: dict[str, Organisation], owned_patents: None
) -> None:
    ent, clerk, province = cast["enterprise"], cast["wuhan_clerk"], cast["supervisor"]
    app = apply(ent, programme)
    assert app.state == ApplicationState.SUBMITTED and app.due_at is not None
    # The platform's records at the time of applying are kept beside what was declared.
    assert app.records["patents"] == 3
    assert app.records["inventions_in_force"] == 1 and app.records["pending"] == 1
    assert app.records["inventions"] == 2 and app.records["utility_models"] == 1
    assert app.evidence.count() == 2

    services.application_return(
        actor=clerk, application_id=app.pk, reason="请补充贯标证书的年检页。"
    )
    app.refresh_from_db()
    assert app.state == ApplicationState.RETURNED and app.return_reason.startswith("请补充")
    notice = ProgrammeNotice.objects.get(user=ent)
    assert "退回补正" in notice.title and "年检页" in notice.body

    services.application_resubmit(
        actor=ent,
        application_id=app.pk,
        data=apply_data(statement="已补充年检页。"),
        files={"evidence_c1": [pdf("年检页.pdf")]},
    )
    app.refresh_from_db()
    assert app.state == ApplicationState.SUBMITTED and app.statement == "已补充年检页。"
    assert app.evidence.count() == 3

    services.application_recommend(
        actor=clerk, application_id=app.pk, scores=SCORES, note="基础扎实"
    )
    app.refresh_from_db()
    assert app.state == ApplicationState.RECOMMENDED
    assert app.city_scores == {"c1": 35.0, "c2": 25.5, "c3": 20.0}
    assert app.city_total == Decimal("80.5")

    before = timezone.localdate()
    services.application_approve(
        actor=province,
        application_id=app.pk,
        scores={"score_c1": "38", "score_c2": "28", "score_c3": "25"},
    )
    app.refresh_from_db()
    assert app.state == ApplicationState.APPROVED and app.province_total == Decimal("91.0")
    assert "bqw_1000" in _tags(orgs["wuhan_hongshan"])
    m = Membership.objects.get(organisation=orgs["wuhan_hongshan"])
    assert m.active and m.tag == "bqw_1000" and m.valid_from >= before
    assert m.valid_until == m.valid_from.replace(year=m.valid_from.year + 3) - dt.timedelta(days=1)
    assert ProgrammeNotice.objects.filter(user=ent, title__contains="已批准").exists()
    actions = list(app.events.values_list("action", flat=True))
    assert actions == ["apply", "return", "resubmit", "recommend", "approve"]
    audited = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "programme_apply",
        "programme_approve",
        "programme_tag_add",
        "programme_membership_grant",
    } <= audited


def test_reject_with_a_reason_the_applicant_sees(cast: dict[str, User], programme: Any) -> None:
    app = recommended(cast, programme)
    with pytest.raises(ApplicationError) as exc:
        services.application_reject(actor=cast["supervisor"], application_id=app.pk, reason=" ")
    assert exc.value.fields == {"reason": "请写明不予批准的理由，申报单位将看到该理由。"}
    services.application_reject(
        actor=cast["supervisor"], application_id=app.pk, reason="有效发明专利数量不足 5 件。"
    )
    app.refresh_from_db()
    assert (
        app.state == ApplicationState.REJECTED
        and app.reject_reason == "有效发明专利数量不足 5 件。"
    )
    assert not Membership.objects.exists()
    n = ProgrammeNotice.objects.get(user=cast["enterprise"], title__contains="未获批准")
    assert n.body == "有效发明专利数量不足 5 件。"


def test_expiry_ends_the_membership_and_removes_the_tag(
    cast: dict[str, User], programme: Any, orgs: dict[str, Organisation]
) -> None:
    app = recommended(cast, programme)
    services.application_approve(actor=cast["supervisor"], application_id=app.pk, scores=SCORES)
    org = orgs["wuhan_hongshan"]
    assert "bqw_1000" in _tags(org)
    m = Membership.objects.get()
    # The day before the period ends nothing happens; the day after it, it lapses.
    assert services.memberships_expire(now=timezone.now()) == []
    after = dt.datetime.combine(m.valid_until + dt.timedelta(days=1), dt.time(2), tzinfo=dt.UTC)
    ended = services.memberships_expire(now=after)
    assert [x.pk for x in ended] == [m.pk]
    m.refresh_from_db()
    assert not m.active and m.ended_on == m.valid_until + dt.timedelta(days=1)
    assert "bqw_1000" not in _tags(org)
    assert ProgrammeNotice.objects.filter(user=cast["enterprise"], title__contains="到期").exists()
    assert services.memberships_expire(now=after) == []  # a second sweep ends nothing twice


def test_a_member_renews_and_the_period_runs_on(
    cast: dict[str, User], programme: Any, orgs: dict[str, Organisation]
) -> None:
    first = recommended(cast, programme)
    services.application_approve(actor=cast["supervisor"], application_id=first.pk, scores=SCORES)
    m = Membership.objects.get()
    # Far from its end a member may not apply again…
    second = make_programme(cast["supervisor"], name="下一年度示范企业")
    with pytest.raises(ApplicationError) as exc:
        apply(cast["enterprise"], second)
    assert exc.value.code == "programme_already_member"
    # …within the last year of its period it renews.
    ends = timezone.localdate() + dt.timedelta(days=30)
    Membership.objects.filter(pk=m.pk).update(valid_until=ends)
    app = recommended(cast, second)
    assert app.renewal
    services.application_approve(actor=cast["supervisor"], application_id=app.pk, scores=SCORES)
    m.refresh_from_db()
    # One membership, its period three years on from where it would have ended.
    assert Membership.objects.count() == 1 and m.renewals == 1
    assert m.valid_until == add_years(ends, 3) and m.active
    assert "bqw_1000" in _tags(orgs["wuhan_hongshan"])


def test_the_quota_is_enforced(cast: dict[str, User], orgs: dict[str, Organisation]) -> None:
    programme = make_programme(cast["supervisor"], quota="1")
    jiangan = make_user("jiangan_user", Role.ENTERPRISE, organisation=orgs["wuhan_jiangan"])
    a = recommended(cast, programme)
    b = recommended(cast, programme, actor=jiangan)
    services.application_approve(actor=cast["supervisor"], application_id=a.pk, scores=SCORES)
    with pytest.raises(ApplicationError) as exc:
        services.application_approve(actor=cast["supervisor"], application_id=b.pk, scores=SCORES)
    assert exc.value.code == "programme_quota_full" and "名额 1 个已满" in exc.value.message
    b.refresh_from_db()
    assert b.state == ApplicationState.RECOMMENDED and "bqw_1000" not in _tags(
        orgs["wuhan_jiangan"]
    )
    # Rejecting is still possible once the quota is full.
    services.application_reject(actor=cast["supervisor"], application_id=b.pk, reason="名额已满。")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"statement": ""}, "statement"),
        ({"declared_patents": "-3"}, "declared_patents"),
        ({"declared_inventions": "很多"}, "declared_inventions"),
    ],
)
def test_a_bad_application_changes_nothing(
    cast: dict[str, User], programme: Any, change: dict[str, str], field: str
) -> None:
    with pytest.raises(ApplicationError) as exc:
        apply(cast["enterprise"], programme, **change)
    assert field in exc.value.fields
    assert (
        not ProgrammeApplication.objects.exists()
        and not AuditEntry.objects.filter(action="programme_apply").exists()
    )


def test_evidence_is_checked_by_content_and_required_where_asked(
    cast: dict[str, User], programme: Any
) -> None:
    exe = SimpleUploadedFile("证书.pdf", EXE, content_type="application/pdf")
    for files, field, words in (
        (evidence(evidence_c1=[exe]), "evidence_c1", "不是 PDF、JPEG 或 PNG"),
        ({"evidence_c3": evidence()["evidence_c3"]}, "evidence_c1", "贯标认证证书"),
    ):
        with pytest.raises(ApplicationError) as exc:
            services.application_submit(
                actor=cast["enterprise"], programme_id=programme.pk, data=apply_data(), files=files
            )
        assert words in exc.value.fields[field]
    assert not ProgrammeApplication.objects.exists()


def test_the_size_limit(cast: dict[str, User], programme: Any, settings: Any) -> None:
    settings.IPHUB_PROGRAMME_MAX_UPLOAD_BYTES = 1024 * 1024
    big = SimpleUploadedFile(
        "大.pdf", b"%PDF-" + b"0" * (1024 * 1024), content_type="application/pdf"
    )
    with pytest.raises(ApplicationError) as exc:
        services.application_submit(
            actor=cast["enterprise"],
            programme_id=programme.pk,
            data=apply_data(),
            files=evidence(evidence_c1=[big]),
        )
    assert "超过 1 MB" in exc.value.fields["evidence_c1"]


def test_bad_scores_change_nothing(cast: dict[str, User], programme: Any) -> None:
    app = apply(cast["enterprise"], programme)
    with pytest.raises(ApplicationError) as exc:
        services.application_recommend(
            actor=cast["wuhan_clerk"],
            application_id=app.pk,
            scores={"score_c1": "41", "score_c2": "x"},
        )
    assert set(exc.value.fields) == {"score_c1", "score_c2", "score_c3"}
    assert "0 至 40 分" in exc.value.fields["score_c1"]
    app.refresh_from_db()
    assert app.state == ApplicationState.SUBMITTED and app.city_scores == {} and app.version == 0


def test_who_may_take_each_step(
    cast: dict[str, User], programme: Any, province_clerk: User
) -> None:
    app = apply(cast["enterprise"], programme)
    # A district's clerk and the province do not do the city's step, nor the applicant;
    # for another city's clerk the application is not there at all.
    for user in (cast["hongshan_clerk"], cast["supervisor"], cast["enterprise"]):
        with pytest.raises(AccessDenied):
            services.application_recommend(actor=user, application_id=app.pk, scores=SCORES)
    with pytest.raises(NotFound):
        services.application_recommend(
            actor=cast["yichang_clerk"], application_id=app.pk, scores=SCORES
        )
    services.application_recommend(actor=cast["wuhan_clerk"], application_id=app.pk, scores=SCORES)
    # The city does not approve; the province's window clerk may.
    with pytest.raises(AccessDenied):
        services.application_approve(
            actor=cast["wuhan_clerk"], application_id=app.pk, scores=SCORES
        )
    services.application_approve(actor=province_clerk, application_id=app.pk, scores=SCORES)


def test_a_step_in_the_wrong_state_or_from_a_stale_page_is_refused(
    cast: dict[str, User], programme: Any
) -> None:
    app = apply(cast["enterprise"], programme)
    with pytest.raises(ApplicationError) as exc:
        services.application_recommend(
            actor=cast["wuhan_clerk"], application_id=app.pk, scores=SCORES, expected_version=7
        )
    assert exc.value.status == 409
    services.application_recommend(actor=cast["wuhan_clerk"], application_id=app.pk, scores=SCORES)
    with pytest.raises(ApplicationError) as exc:
        services.application_return(actor=cast["wuhan_clerk"], application_id=app.pk, reason="晚了")
    assert "已由 wuhan_clerk 处理" in exc.value.message


def test_the_window_eligibility_and_one_application_each(
    cast: dict[str, User], orgs: dict[str, Organisation], programme: Any
) -> None:
    day = timezone.localdate()
    closed = make_programme(
        cast["supervisor"],
        opens_on=(day - dt.timedelta(days=30)).isoformat(),
        closes_on=(day - dt.timedelta(days=1)).isoformat(),
    )
    with pytest.raises(ApplicationError) as exc:
        apply(cast["enterprise"], closed)
    assert exc.value.code == "programme_window_closed"
    counties = make_programme(
        cast["supervisor"], kind="strong_county", eligible_kinds=["government"]
    )
    with pytest.raises(ApplicationError) as exc:
        apply(cast["enterprise"], counties)
    assert exc.value.code == "programme_not_eligible"
    apply(cast["enterprise"], programme)
    with pytest.raises(ApplicationError) as exc:
        apply(cast["enterprise"], programme)
    assert exc.value.code == "programme_already_applied"
    with pytest.raises(AccessDenied):
        apply(cast["wuhan_clerk"], programme)


def test_only_the_province_defines_a_programme_and_bad_input_saves_nothing(
    cast: dict[str, User],
) -> None:
    with pytest.raises(AccessDenied):
        make_programme(cast["wuhan_clerk"])
    with pytest.raises(ApplicationError) as exc:
        services.programme_create(
            actor=cast["supervisor"],
            data=programme_data(criteria="标准甲|200|", quota="0", confers_tag="nope"),
        )
    assert set(exc.value.fields) == {"criteria", "quota", "confers_tag"}
    assert not selectors.programme_list().exists()


def test_region_scoping_of_reads(cast: dict[str, User], programme: Any) -> None:
    app = apply(cast["enterprise"], programme)
    with pytest.raises(NotFound):
        selectors.application_get(user=cast["yichang_clerk"], application_id=app.pk)
    assert selectors.application_get(user=cast["hongshan_clerk"], application_id=app.pk) == app
    assert list(selectors.application_queue(user=cast["wuhan_clerk"])) == [app]
    assert list(selectors.application_queue(user=cast["yichang_clerk"])) == []
    assert list(selectors.application_queue(user=cast["hongshan_clerk"])) == []
    assert list(selectors.application_queue(user=cast["supervisor"])) == []
    other = make_org("宜昌别家公司", "420502", 77)
    outsider = make_user("yc_ent", Role.ENTERPRISE, organisation=other)
    with pytest.raises(NotFound):
        selectors.application_get(user=outsider, application_id=app.pk)


def test_members_report_yearly_figures(cast: dict[str, User], programme: Any) -> None:
    app = recommended(cast, programme)
    services.application_approve(actor=cast["supervisor"], application_id=app.pk, scores=SCORES)
    m = Membership.objects.get()
    year = timezone.localdate().year
    with pytest.raises(ApplicationError) as exc:
        services.indicator_report_submit(
            actor=cast["enterprise"], membership_id=m.pk, year=year, figures={"figure_i1": "-1"}
        )
    assert set(exc.value.fields) == {"figure_i1", "figure_i2"}
    report = services.indicator_report_submit(
        actor=cast["enterprise"],
        membership_id=m.pk,
        year=year,
        figures={"figure_i1": "6", "figure_i2": "500"},
    )
    assert report.figures == {"i1": 6.0, "i2": 500.0}
    with pytest.raises(NotFound):
        services.indicator_report_submit(
            actor=cast["yichang_clerk"], membership_id=m.pk, year=year, figures={}
        )


def test_records_count_a_patent_without_type_or_number(
    cast: dict[str, User], orgs: dict[str, Organisation], owned_patents: None
) -> None:
    """An imported record may lack both type and number (its term is then unknown):
    it counts in the total and does not stop the form from opening."""
    from iphub.patents.models import PartyRole, Patent, PatentParty
    from iphub.patents.names import applicant_key

    bare = Patent.objects.create(natural_key="bare-1", title="无号记录", legal_status="有效")
    PatentParty.objects.create(
        patent=bare,
        role=PartyRole.APPLICANT,
        name=orgs["wuhan_hongshan"].name,
        key=applicant_key(orgs["wuhan_hongshan"].name),
    )
    figures = selectors.organisation_records(orgs["wuhan_hongshan"]).figures
    assert figures["patents"] == 4 and figures["inventions_in_force"] == 1
