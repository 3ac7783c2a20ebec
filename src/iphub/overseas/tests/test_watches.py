"""Watches raise one warning per new record that matches, delivered once to each
subscribed enterprise, whatever the number of runs; records that were there
before the watch do not count."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from iphub.core.errors import AccessDenied, ApplicationError
from iphub.core.models import User
from iphub.overseas import selectors, services
from iphub.overseas.models import EarlyWarning, WarningNotice
from iphub.overseas.tests.conftest import import_marks, import_patents

pytestmark = pytest.mark.django_db(transaction=True)

RIVAL = "Northwind Photonics Inc."


def test_watches_warn_once_per_new_record(
    cast: dict[str, User], province: User, tmp_path: Path, client: Any
) -> None:
    # Already on record before the watches exist: never warned about.
    import_patents(tmp_path, [(1, "旧的光调制器", RIVAL, "US62/000,001 2019-01-01", "")])
    import_marks(tmp_path, [("99100001", "NORTHWIND", RIVAL)])
    rival = services.watch_create(actor=province, data={"kind": "competitor", "competitor": RIVAL})
    usa = services.watch_create(actor=province, data={"kind": "country", "country": "US"})
    services.watch_subscribe(actor=cast["enterprise"], watch_id=rival.pk)
    services.watch_subscribe(actor=cast["enterprise"], watch_id=usa.pk)
    assert services.watches_run() == 0

    # New: the rival's patent with a US priority (both watches), the rival's mark
    # (spelled differently: same normalised name), a US-addressed patent of someone
    # else, a Japanese priority, and a Hubei applicant (no watch).
    import_patents(
        tmp_path,
        [
            (2, "一种硅基光调制器", RIVAL, "US63/512,345 2024-03-04", ""),
            (3, "一种散热结构", "Other Corp.", "", "美国加利福尼亚州圣何塞市"),
            (4, "一种透镜", "Kyoto Optics K.K.", "JP2024-012345", "日本京都府"),
            (5, "一种电池", "武汉测试电池有限公司", "", "湖北省武汉市洪山区"),
            (6, "一种激光器", "某公司", "AUS 2024 note", ""),  # "AUS" is not the US
        ],
    )
    import_marks(tmp_path, [("99100002", "NORTHWIND BLUE", "NORTHWIND PHOTONICS INC")])
    # The import already ran the watches (patents announce imports); the trademark
    # import has no announcement: the hourly duty picks it up.
    assert services.watches_run() == 1
    assert services.watches_run() == 0
    warned = sorted((w.watch_id, w.title) for w in EarlyWarning.objects.all())
    assert warned == sorted(
        [
            (rival.pk, "一种硅基光调制器"),
            (rival.pk, "NORTHWIND BLUE"),
            (usa.pk, "一种硅基光调制器"),
            (usa.pk, "一种散热结构"),
        ]
    )
    # One notice per warning to the subscriber, none to anyone else.
    inbox = list(selectors.warning_inbox(user=cast["enterprise"]))
    assert len(inbox) == 4 and WarningNotice.objects.count() == 4
    reasons = {n.warning.reason for n in inbox}
    assert any("优先权" in r for r in reasons) and any("地址在美国" in r for r in reasons)
    client.force_login(cast["enterprise"])
    page = client.get("/overseas/warnings/").content.decode()
    assert "一种硅基光调制器" in page and "NORTHWIND BLUE" in page
    services.warnings_mark_read(actor=cast["enterprise"], notice_ids=[n.pk for n in inbox[:2]])
    assert selectors.warning_inbox(user=cast["enterprise"]).filter(read=False).count() == 2


def test_a_later_subscriber_gets_only_later_warnings(
    cast: dict[str, User], province: User, orgs: Any, tmp_path: Path
) -> None:
    from iphub.conftest import make_user
    from iphub.core.models import Role

    rival = services.watch_create(actor=province, data={"kind": "competitor", "competitor": RIVAL})
    services.watch_subscribe(actor=cast["enterprise"], watch_id=rival.pk)
    import_marks(tmp_path, [("99100003", "NW ONE", RIVAL)])
    services.watches_run()
    other = make_user("yichang_exporter", Role.ENTERPRISE, organisation=orgs["yichang"])
    services.watch_subscribe(actor=other, watch_id=rival.pk)
    import_marks(tmp_path, [("99100004", "NW TWO", RIVAL)])
    services.watches_run()
    assert [n.warning.title for n in selectors.warning_inbox(user=other)] == ["NW TWO"]
    assert len(selectors.warning_inbox(user=cast["enterprise"])) == 2


def test_only_province_staff_keep_watches_and_only_enterprises_subscribe(
    cast: dict[str, User], province: User
) -> None:
    with pytest.raises(AccessDenied):
        services.watch_create(
            actor=cast["wuhan_enforcer"], data={"kind": "country", "country": "US"}
        )
    watch = services.watch_create(actor=province, data={"kind": "country", "country": "US"})
    with pytest.raises(ApplicationError) as err:
        services.watch_create(actor=province, data={"kind": "country", "country": "US"})
    assert "country" in err.value.fields
    with pytest.raises(ApplicationError):
        services.watch_create(actor=province, data={"kind": "country", "country": "XX"})
    with pytest.raises(AccessDenied):
        services.watch_subscribe(actor=cast["wuhan_clerk"], watch_id=watch.pk)
