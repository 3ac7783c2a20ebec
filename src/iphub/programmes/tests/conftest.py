"""Fixtures for programmes: a province-defined programme open today, a Wuhan
enterprise's patents on record, evidence files with real signatures, and
helpers that apply and move an application along."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from iphub.conftest import make_user
from iphub.core.models import Role, User
from iphub.patents.importers import PatentIn
from iphub.patents.services import patents_upsert
from iphub.patents.tests.conftest import app_no
from iphub.programmes import services
from iphub.programmes.models import Programme, ProgrammeApplication
from iphub.programmes.selectors import RECORD_FIELDS, today

OWNER = "洪山测试科技有限公司"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64
CRITERIA = "知识产权管理体系|40|贯标认证证书\n有效发明专利数量|30|\n运用成效|30|质押或许可合同"
SCORES = {"score_c1": "35", "score_c2": "25.5", "score_c3": "20"}


@pytest.fixture(autouse=True)
def own_dirs(tmp_path: Path, settings: Any) -> Iterator[None]:
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    settings.MEDIA_ROOT = tmp_path / "media"
    yield


def pdf(name: str = "证明.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def programme_data(**over: Any) -> dict[str, Any]:
    day = today()
    data: dict[str, Any] = {
        "kind": "demonstration",
        "name": "2026年度湖北省知识产权示范企业（测试）",
        "year": str(day.year),
        "criteria": CRITERIA,
        "indicators": "有效发明专利|件\n知识产权质押融资额|万元",
        "eligible_kinds": ["enterprise", "university"],
        "quota": "2",
        "opens_on": (day - dt.timedelta(days=10)).isoformat(),
        "closes_on": (day + dt.timedelta(days=20)).isoformat(),
        "confers_tag": "bqw_1000",
        "term_years": "3",
        "renewable": "1",
    }
    return data | over


def make_programme(actor: User, **over: Any) -> Programme:
    return services.programme_create(actor=actor, data=programme_data(**over))


@pytest.fixture
def programme(cast: dict[str, User]) -> Programme:
    return make_programme(cast["supervisor"])


@pytest.fixture
def province_clerk(regions: None) -> User:
    return make_user("province_clerk", Role.WINDOW, "420000")


@pytest.fixture
def owned_patents(regions: None) -> None:
    """Three patents of the cast's enterprise: a granted invention, a pending one
    and a utility model."""
    base: dict[str, Any] = {
        "applicants": [OWNER],
        "address": "湖北省武汉市洪山区珞喻路1号",
        "source_name": "test",
    }
    patents_upsert(
        [
            PatentIn(
                application_number=app_no(2020, 1, 1),
                type="invention",
                title="一种锂电池正极材料",
                app_date=dt.date(2020, 3, 15),
                grant_date=dt.date(2022, 5, 10),
                legal_status="有效",
                **base,
            ),
            PatentIn(
                application_number=app_no(2024, 1, 2),
                type="invention",
                title="一种电池隔膜",
                app_date=dt.date(2024, 3, 15),
                legal_status="实质审查",
                **base,
            ),
            PatentIn(
                application_number=app_no(2021, 2, 3),
                type="utility",
                title="一种电池壳体",
                app_date=dt.date(2021, 3, 15),
                grant_date=dt.date(2021, 9, 1),
                legal_status="有效",
                **base,
            ),
        ]
    )


def apply_data(**over: Any) -> dict[str, Any]:
    data = {f"declared_{k}": "1" for k, _ in RECORD_FIELDS}
    data["statement"] = "本单位建立了知识产权管理体系，计划三年内有效发明专利翻番。"
    return data | over


def evidence(**over: Any) -> dict[str, list[Any]]:
    files: dict[str, list[Any]] = {
        "evidence_c1": [pdf("贯标证书.pdf")],
        "evidence_c3": [SimpleUploadedFile("许可合同.png", PNG, content_type="image/png")],
    }
    return files | over


def apply(actor: User, programme: Programme, **over: Any) -> ProgrammeApplication:
    return services.application_submit(
        actor=actor, programme_id=programme.pk, data=apply_data(**over), files=evidence()
    )


def recommended(
    cast: dict[str, User], programme: Programme, actor: User | None = None
) -> ProgrammeApplication:
    app = apply(actor or cast["enterprise"], programme)
    return services.application_recommend(
        actor=cast["wuhan_clerk"], application_id=app.pk, scores=SCORES, note="推荐"
    )
