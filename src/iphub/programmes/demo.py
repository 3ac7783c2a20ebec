"""Programmes demo for ``make run``: the province's 百千万 (千) call and its
知识产权示范企业 call, open now, with applications of the demo organisations in
each state a reviewer meets — waiting on Wuhan's window (enterprise_user),
recommended by Yichang and waiting on the province (yichang_enterprise),
approved with its period (university_user), returned for correction
(ctgu_user) and rejected with a reason (enterprise_user's second). Two earlier
calls give enterprise_user's firm a membership in force (百千万·万, 2024) and one
that ran out (知识产权优势企业, 2021), so that its profile shows both, each step
dated on its own day. Everything goes through the services, so the history,
scores, tags and messages are real.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from iphub.core.calendar import LOCAL_TZ
from iphub.core.models import User
from iphub.programmes import services
from iphub.programmes.models import Membership, Programme, ProgrammeApplication
from iphub.programmes.selectors import organisation_records, today

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
BQW = "2026年度湖北省百千万知识产权强企工程·千家培育企业（演示）"
DEMO = "2026年度湖北省知识产权示范企业（演示）"
SCORES = {"score_c1": "26", "score_c2": "33", "score_c3": "24"}
ENDED = "2021年度湖北省知识产权优势企业（演示）"
CURRENT = "2024年度湖北省百千万知识产权强企工程·万家培育企业（演示）"
CRITERIA = (
    "知识产权管理体系|30|管理制度文件或贯标认证证书\n"
    "有效发明专利数量与质量|40|\n知识产权运用成效|30|质押、许可或转让合同"
)


def _programme(actor: User, name: str, **data: Any) -> tuple[Programme, bool]:
    found = Programme.objects.filter(name=name).first()
    if found is not None:
        return found, False
    day = today()
    base = {
        "name": name,
        "year": str(day.year),
        "opens_on": (day - dt.timedelta(days=15)).isoformat(),
        "closes_on": (day + dt.timedelta(days=45)).isoformat(),
        "term_years": "3",
        "renewable": "1",
    }
    return services.programme_create(actor=actor, data=base | data), True


def _apply(
    username: str, programme: Programme, now: dt.datetime | None = None
) -> ProgrammeApplication | None:
    """The demo user's application to ``programme`` (made once), or None if it exists."""
    user = User.objects.select_related("organisation").get(username=username)
    org = user.organisation
    assert org is not None, username  # the demo's applicants act for an organisation
    if ProgrammeApplication.objects.filter(programme=programme, organisation_id=org.pk).exists():
        return None
    records = organisation_records(org).figures
    data = {f"declared_{k}": str(v) for k, v in records.items()}
    data["statement"] = (
        f"{org.name}已建立知识产权管理制度，设专职管理人员；"
        "计划三年内有效发明专利翻番，开展专利导航和质押融资。（演示）"
    )
    files = {
        f"evidence_{c['key']}": [
            SimpleUploadedFile(f"{c['name']}证明（演示）.pdf", PDF, content_type="application/pdf")
        ]
        for c in programme.criteria
        if c["evidence"]
    }
    return services.application_submit(
        actor=user, programme_id=programme.pk, data=data, files=files, now=now
    )


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10), tzinfo=LOCAL_TZ)


def _earlier_member(
    name: str, opens: dt.date, *, expire: bool, **data: Any
) -> ProgrammeApplication | None:
    """enterprise_user's firm applied to an earlier year's call on its opening day,
    Wuhan recommended a week later and the province approved a week after that;
    with ``expire`` the period has since run out and the daily duty ended it."""
    province = User.objects.get(username="province_supervisor")
    programme, _new = _programme(
        province,
        name,
        year=str(opens.year),
        opens_on=opens.isoformat(),
        closes_on=(opens + dt.timedelta(days=45)).isoformat(),
        criteria=CRITERIA,
        eligible_kinds=["enterprise"],
        quota="100",
        **data,
    )
    app = _apply("enterprise_user", programme, now=_at(opens))
    if app is None:
        return None
    services.application_recommend(
        actor=User.objects.get(username="wuhan_clerk"),
        application_id=app.pk,
        scores=SCORES,
        now=_at(opens + dt.timedelta(days=7)),
    )
    services.application_approve(
        actor=province,
        application_id=app.pk,
        scores=SCORES,
        now=_at(opens + dt.timedelta(days=14)),
    )
    if expire:
        m = Membership.objects.get(application=app)
        services.memberships_expire(now=_at(m.valid_until + dt.timedelta(days=1)))
    return app


def demo_load() -> list[str]:
    """Create the two programmes and their applications once; returns what was made."""
    province = User.objects.get(username="province_supervisor")
    wuhan = User.objects.get(username="wuhan_clerk")
    yichang = User.objects.get(username="yichang_clerk")
    lines = []
    bqw, new_bqw = _programme(
        province,
        BQW,
        kind="bqw_1000",
        description="面向有效发明专利较多、知识产权管理规范的成长型企业，培育期内给予专利导航、"
        "质押融资和维权援助等优先服务。",
        criteria="知识产权管理体系|30|管理制度文件或贯标认证证书\n"
        "有效发明专利数量与质量|40|\n知识产权运用成效|30|质押、许可或转让合同",
        indicators="有效发明专利|件\nPCT 申请|件\n知识产权质押融资额|万元",
        eligible_kinds=["enterprise"],
        quota="50",
        confers_tag="bqw_1000",
    )
    demo, new_demo = _programme(
        province,
        DEMO,
        kind="demonstration",
        description="知识产权工作基础好、运用成效显著、可在全省示范推广的企业和高校。"
        "（平台暂无“示范企业”组织标签，批准后记为项目成员，不另加标签。）",
        criteria="知识产权战略与管理|30|知识产权战略规划或管理体系认证\n"
        "创造能力|40|\n运用与保护成效|30|许可、转让、维权案例材料",
        indicators="有效发明专利|件\n知识产权运营收入|万元",
        eligible_kinds=["enterprise", "university"],
        quota="20",
        confers_tag="",
    )
    lines += [f"新建培育项目：{p.name}" for p, new in ((bqw, new_bqw), (demo, new_demo)) if new]
    made = 0
    if _apply("enterprise_user", bqw):
        made += 1  # waits on Wuhan's window
    if app := _apply("yichang_enterprise", bqw):
        services.application_recommend(
            actor=yichang, application_id=app.pk, scores=SCORES, note="管理规范，推荐。"
        )
        made += 1
    if app := _apply("university_user", demo):
        services.application_recommend(actor=wuhan, application_id=app.pk, scores=SCORES)
        services.application_approve(actor=province, application_id=app.pk, scores=SCORES)
        made += 1
    if app := _apply("ctgu_user", demo):
        services.application_return(
            actor=yichang,
            application_id=app.pk,
            reason="请补充知识产权管理体系认证证书（当前上传的为申请受理通知）。",
        )
        made += 1
    if app := _apply("enterprise_user", demo):
        services.application_recommend(actor=wuhan, application_id=app.pk, scores=SCORES)
        services.application_reject(
            actor=province,
            application_id=app.pk,
            reason="有效发明专利数量低于示范企业要求（不少于 10 件），建议先申报优势企业。",
        )
        made += 1
    if made:
        lines.append(
            f"新建培育项目申报 {made} 件（待市级审核、待省级审定、已批准、退回补正、未通过各一）"
        )
    ended = _earlier_member(
        ENDED, dt.date(2021, 5, 10), expire=True, kind="advantage", confers_tag=""
    )
    current = _earlier_member(
        CURRENT, dt.date(2024, 4, 8), expire=False, kind="bqw_10000", confers_tag="bqw_10000"
    )
    if ended or current:
        lines.append("enterprise_user 所属企业：往期培育项目（已到期）与在期培育项目各一")
    return lines
