"""An edited copy through the whole run (issue 24 item 3), on the database in
use: imported, screened with the production parameters, grouped, and shown on
the group page with its shared passages highlighted on both sides."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from iphub.core.models import User
from iphub.protection.models import FlaggedGroup, GroupKind
from iphub.protection.services.screening import screening_run_create, screening_run_execute
from iphub.protection.tests.conftest import BASE, import_rows, pid, row
from iphub.protection.tests.test_edited_copies import CLAIMS

pytestmark = pytest.mark.django_db

# Claim synonyms swapped, numbers changed and the clauses after the first
# reordered: a copy the MinHash stage alone does not flag (Jaccard ≈ 0.3).
_clauses = (
    CLAIMS.replace("所述", "该").replace("包括", "包含").replace("模块", "单元")
    .replace("300", "450").replace("180", "210").split("；")
)  # fmt: skip
EDITED_COPY = "；".join([_clauses[0], *reversed(_clauses[1:])])


@pytest.fixture
def edited_group(regions: None, tmp_path: Path, cast: dict[str, User]) -> FlaggedGroup:
    import_rows(tmp_path, [
        row(11, 名称="一种正极材料包覆装置", 摘要=CLAIMS, 申请人="武汉甲测试电池有限公司",
            申请人地址="湖北省武汉市洪山区珞喻路1号"),
        row(12, 名称="一种电池材料处理设备", 摘要=EDITED_COPY, 申请人="武汉丙测试科技有限公司",
            申请人地址="湖北省武汉市洪山区关山大道9号", 申请日="2022-05-10"),
        # Same template opening and vocabulary, another invention: stays out.
        row(13, 名称="一种正极材料包覆装置", 摘要=BASE, 申请人="武汉丁测试材料有限公司",
            申请人地址="湖北省武汉市洪山区雄楚大道3号"),
    ], name="edited.csv")  # fmt: skip
    screening_run_execute(screening_run_create(actor=cast["wuhan_enforcer"]).pk)
    (group,) = FlaggedGroup.objects.filter(kind=GroupKind.NEAR_DUPLICATE)
    return group


def test_edited_copy_is_grouped_with_its_source_and_not_the_lookalike(
    edited_group: FlaggedGroup,
) -> None:
    members = set(edited_group.patents.values_list("pk", flat=True))
    assert members == {pid(11), pid(12)}
    (pair,) = edited_group.evidence["pairs"]
    assert pair["stage"] == "edited" and pair["jaccard"] < 0.8 and pair["aligned"] >= 0.3
    assert not pair["same_applicant"] and not pair["shared_agency"]
    # Scored by what it shares, not by its low Jaccard (which alone would give 0
    # for similarity and put the group at the bottom of the list).
    assert edited_group.score >= 25 and "文本改写后相似" in edited_group.summary


def test_group_page_highlights_the_reordered_passages_side_by_side(
    client: Client, edited_group: FlaggedGroup, cast: dict[str, User]
) -> None:
    client.force_login(cast["wuhan_enforcer"])
    html = client.get(f"/protection/screening/{edited_group.pk}/").content.decode()
    # Every reordered clause is marked, on both sides, not only the longest run.
    assert html.count('data-testid="shared"') >= 2 * 3
    assert 'data-testid="aligned"' in html and 'data-testid="containment"' in html
