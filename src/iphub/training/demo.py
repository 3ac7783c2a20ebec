"""Training demo for ``make run``: three courses (a province course on pledge
registration with a past and a coming session, a Wuhan course for enterprises
online, and an open online course), each named 演示. The Wuhan window clerk
(``wuhan_clerk``) attended the past session by its QR code, passed the test and
holds a certificate; the Hongshan clerk and the demo agency were marked present
at roll-call; the Wuhan enterprise and the Yichang clerk are registered for the
coming sessions. Everything goes through the services (audited), at the times
the steps would have happened."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from iphub.core.calendar import LOCAL_TZ
from iphub.core.models import User
from iphub.training import services
from iphub.training.models import Course, Registration, RegistrationState

PLEDGE_QUESTIONS = [
    {
        "text": "专利权质押登记由谁提出申请？",
        "options": ["出质人单独申请", "出质人和质权人共同申请", "质权人单独申请"],
        "answer": 1,
    },
    {
        "text": "湖北省对专利权质押登记承诺的办理时限是？",
        "options": ["受理后一个工作日", "受理后七个工作日", "受理后一个月"],
        "answer": 0,
    },
    {
        "text": "下列哪种情形不予办理质押登记？",
        "options": ["专利权已终止", "质押合同载明了被担保债权数额", "双方共同申请"],
        "answer": 0,
    },
]

COURSES: list[dict[str, Any]] = [
    {
        "keeper": "province_supervisor",
        "title": "专利权质押登记业务实务（演示）",
        "summary": "面向受理窗口和代理机构：质押登记的申请材料、审查要点、"
        "不予登记情形与一个工作日办结流程。",
        "audience": ["window", "agency"],
        "material_text": (
            "一、申请主体：出质人和质权人共同申请。\n"
            "二、申请材料：申请表、质押合同、身份证明、委托书。\n"
            "三、不予登记的情形：出质人非专利权人；专利权已终止或被宣告无效；"
            "年费未缴；已被质押等。\n"
            "四、办理时限：湖北省承诺受理后一个工作日办结。"
        ),
        "material_kind": "pdf",
        "material_url": "https://www.cnipa.gov.cn/",
        "hours": "4",
        "pass_mark": 60,
        "questions": PLEDGE_QUESTIONS,
        # (days from today, place, capacity)
        "sessions": [
            (-10, "武汉市武昌区 湖北省知识产权局三楼培训室（演示）", 40),
            (12, "武汉市洪山区 光谷会议中心（演示）", 30),
        ],
    },
    {
        "keeper": "wuhan_supervisor",
        "title": "企业知识产权管理规范入门（演示）",
        "summary": "面向企业：按 GB/T 29490 建立知识产权管理体系的要点。",
        "audience": ["enterprise"],
        "material_text": "知识产权管理体系：方针目标、资源、基础管理、实施和运行、审核与改进。",
        "material_kind": "video",
        "material_url": "https://www.cnipa.gov.cn/",
        "hours": "2",
        "pass_mark": 60,
        "questions": [
            {
                "text": "企业知识产权管理规范的国家标准编号是？",
                "options": ["GB/T 29490", "GB/T 39551", "GB/T 2260"],
                "answer": 0,
            }
        ],
        "sessions": [(20, "", 100)],
    },
    {
        "keeper": "province_supervisor",
        "title": "专利检索与分析基础（线上，演示）",
        "summary": "中文全文检索、检索式、分类号与统计分析，面向窗口人员、服务机构和企业。",
        "audience": ["window", "agency", "enterprise"],
        "material_text": "检索式示例：TI=锂电池 AND IPC=H01M*；按申请人、地区、年份统计。",
        "material_kind": "video",
        "material_url": "https://www.cnipa.gov.cn/",
        "hours": "1.5",
        "pass_mark": 60,
        "questions": [
            {
                "text": "按分类号检索锂电池相关专利，常用的 IPC 小类是？",
                "options": ["H01M", "A61K", "G06F"],
                "answer": 0,
            }
        ],
        "sessions": [(30, "", 200)],
    },
]


def _at(days: int, hour: int) -> dt.datetime:
    day = timezone.localdate(timezone.now(), LOCAL_TZ) + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=LOCAL_TZ)


def _course(spec: dict[str, Any]) -> tuple[Course, bool]:
    course = Course.objects.filter(title=spec["title"]).first()
    if course is not None:
        return course, False
    actor = User.objects.get(username=spec["keeper"])
    course = services.course_create(actor=actor, data=spec)
    for days, place, capacity in spec["sessions"]:
        services.session_create(
            actor=actor,
            course_id=course.pk,
            data={
                "mode": "in_person" if place else "online",
                "starts_at": _at(days, 9),
                "ends_at": _at(days, 12),
                "registration_deadline": _at(days - 2, 17),
                "place": place,
                "online_url": "" if place else "https://meeting.example.cn/iphub-demo",
                "capacity": capacity,
            },
        )
    services.questions_set(actor=actor, course_id=course.pk, questions=spec["questions"])
    services.course_publish(actor=actor, course_id=course.pk)
    return course, True


def _register(username: str, session: Any, *, at: dt.datetime) -> Registration:
    user = User.objects.get(username=username)
    reg = Registration.objects.filter(session=session, user=user).first()
    return reg or services.registration_register(actor=user, session_id=session.pk, now=at)


def demo_load() -> list[str]:
    """Create the demo courses and the demo trainees' records once."""
    made = [c.title for c, new in (_course(s) for s in COURSES) if new]
    pledge = Course.objects.get(title=COURSES[0]["title"])
    past, coming = list(pledge.sessions.order_by("starts_at"))
    keeper = User.objects.get(username="province_supervisor")
    before = past.registration_deadline - dt.timedelta(days=3)
    # The Wuhan clerk: QR check-in during the session, the test passed, the certificate.
    clerk = _register("wuhan_clerk", past, at=before)
    if clerk.state == RegistrationState.REGISTERED:
        token = services.check_in_token(past)
        services.registration_check_in(
            actor=clerk.user, token=token, now=past.starts_at + dt.timedelta(minutes=5)
        )
        answers = {q.pk: q.answer for q in pledge.questions.all()}
        wrong = {q.pk: (q.answer + 1) % len(q.options) for q in pledge.questions.all()}
        services.quiz_submit(actor=clerk.user, registration_id=clerk.pk, answers=wrong)
        services.quiz_submit(
            actor=clerk.user, registration_id=clerk.pk, answers=answers, now=past.ends_at
        )
    for username in ("hongshan_clerk", "agency_user"):
        reg = _register(username, past, at=before)
        if reg.state == RegistrationState.REGISTERED:
            services.registration_roll_call(
                actor=keeper, registration_id=reg.pk, now=past.starts_at + dt.timedelta(minutes=10)
            )
    _register("yichang_clerk", coming, at=timezone.now())
    wuhan_course = Course.objects.get(title=COURSES[1]["title"])
    _register("enterprise_user", wuhan_course.sessions.get(), at=timezone.now())
    clerk.refresh_from_db()
    lines = [f"新建培训课程：{t}" for t in made]
    lines.append(
        f"wuhan_clerk 已结业：证书 {clerk.certificate_number}，验证码 {clerk.certificate_code}"
    )
    return lines
