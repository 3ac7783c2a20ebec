"""The portal's cast: the shared one and the roles it lacks."""

from __future__ import annotations

import pytest

from iphub.conftest import make_org, make_user
from iphub.core.models import Organisation, Role, User


@pytest.fixture
def people(cast: dict[str, User], orgs: dict[str, Organisation]) -> dict[str, User]:
    """The shared cast plus a city supervisor, a province enforcer and auditor, an
    agency user, and enterprise-role users of a university and of a bank."""
    university = make_org("武汉测试大学", "420111", 7, kind="university")
    agency = make_org("湖北测试专利代理事务所", "420106", 8, kind="agency")
    bank = make_org("测试银行武汉分行", "420106", 9, kind="bank")
    return cast | {
        "wuhan_supervisor": make_user("wuhan_supervisor", Role.SUPERVISOR, "420100"),
        "province_enforcer": make_user("province_enforcer", Role.ENFORCEMENT, "420000"),
        "province_auditor": make_user("province_auditor", Role.AUDITOR, "420000"),
        "agency": make_user("agency_user", Role.AGENCY, organisation=agency),
        "university": make_user("university_user", Role.ENTERPRISE, organisation=university),
        "bank": make_user("bank_user", Role.ENTERPRISE, organisation=bank),
    }
