"""Fixtures for training: a Wuhan course kept by the Wuhan city clerk, with one
session a week ahead (deadline two days before), three questions, published.
``T0`` is the moment most tests act at: before the deadline."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from iphub.core.calendar import LOCAL_TZ
from iphub.training import services
from iphub.training.models import Course, Session

T0 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=LOCAL_TZ)
START = T0 + dt.timedelta(days=7)

QUESTIONS = [
    {"text": "质押登记由谁申请？", "options": ["出质人", "双方共同", "质权人"], "answer": 1},
    {"text": "湖北承诺的办理时限？", "options": ["一个工作日", "一个月"], "answer": 0},
    {"text": "专利权终止能否质押？", "options": ["能", "不能"], "answer": 1},
]


def make_course(keeper: Any, *, capacity: int = 30, audience: list[str] | None = None,
                title: str = "质押登记实务培训", start: dt.datetime = START,
                deadline: dt.datetime | None = None) -> Course:  # fmt: skip
    course = services.course_create(
        actor=keeper,
        data={
            "title": title,
            "summary": "窗口业务培训",
            "audience": audience or ["window", "agency", "enterprise"],
            "material_text": "质押登记的材料与时限。",
            "hours": "3.5",
            "pass_mark": 67,
        },
    )
    services.session_create(
        actor=keeper,
        course_id=course.pk,
        data={
            "mode": "in_person",
            "starts_at": start,
            "ends_at": start + dt.timedelta(hours=3),
            "registration_deadline": deadline or start - dt.timedelta(days=2),
            "place": "武汉市洪山区培训室",
            "capacity": capacity,
        },
    )
    services.questions_set(actor=keeper, course_id=course.pk, questions=QUESTIONS)
    return services.course_publish(actor=keeper, course_id=course.pk)


@pytest.fixture
def course(cast: dict[str, Any]) -> Course:
    return make_course(cast["wuhan_clerk"])


@pytest.fixture
def session(course: Course) -> Session:
    return course.sessions.get()
