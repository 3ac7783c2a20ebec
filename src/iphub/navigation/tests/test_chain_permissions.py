"""Province-wide industry chains are the province's to edit (issue 18, finding 4).

Checked before the fix: the agency user's and the Yichang city supervisor's
PATCH /api/v1/navigation/chains/N answered 202 and changed the chain; the edit
page opened for both.
"""

from __future__ import annotations

from typing import Any

import pytest

from iphub.conftest import make_org, make_user
from iphub.core.errors import AccessDenied
from iphub.core.models import Role
from iphub.navigation import services
from iphub.navigation.models import IndustryChain

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def outsiders(cast: dict[str, Any]) -> dict[str, Any]:
    base = make_org("武汉测试导航服务中心", "420102", 9, kind="agency")
    return {
        "agency": make_user("nav_agency", Role.AGENCY, organisation=base),
        "city_supervisor": cast["yichang_supervisor"],
        "city_clerk": cast["wuhan_clerk"],
        "enterprise": cast["enterprise"],
    }


def test_outsiders_cannot_edit_a_province_chain(
    client: Any, chain: IndustryChain, outsiders: dict[str, Any]
) -> None:
    for who, user in outsiders.items():
        client.force_login(user)
        resp = client.patch(
            f"/api/v1/navigation/chains/{chain.pk}",
            {"name": "改名", "query": "TX=座椅"},
            content_type="application/json",
        )
        assert resp.status_code == 403, who
        assert "省级" in resp.json()["message"], who
        with pytest.raises(AccessDenied):
            services.chain_update(actor=user, chain=chain, query="TX=座椅")
        page = client.get(f"/navigation/chains/{chain.pk}/")
        assert "edit-chain" not in page.content.decode(), who
        assert client.get(f"/navigation/chains/{chain.pk}/edit/").status_code == 403, who
        posted = client.post(
            f"/navigation/chains/{chain.pk}/edit/",
            {"name": "改名", "query": "TX=座椅", "segment_count": "0"},
        )
        assert posted.status_code == 403, who
    chain.refresh_from_db()
    assert (chain.name, chain.query) == ("测试动力电池", "IPC=H01M* OR TX=电池")


def test_province_supervisor_edits_and_the_agency_still_runs_analyses(
    client: Any, chain: IndustryChain, cast: dict[str, Any], outsiders: dict[str, Any]
) -> None:
    client.force_login(cast["supervisor"])
    assert "edit-chain" in client.get(f"/navigation/chains/{chain.pk}/").content.decode()
    resp = client.patch(
        f"/api/v1/navigation/chains/{chain.pk}",
        {"query": "TX=电池"},
        content_type="application/json",
    )
    assert resp.status_code == 202
    chain.refresh_from_db()
    assert chain.query == "TX=电池"
    # Re-running the analysis changes nothing of the chain: agencies keep it.
    client.force_login(outsiders["agency"])
    assert client.post(f"/api/v1/navigation/chains/{chain.pk}/analyses").status_code == 202
