from __future__ import annotations

from typing import Any

from iphub.core.models import User


def test_home_is_chinese_first_and_lists_services(client: Any, db: Any) -> None:
    page = client.get("/").content.decode()
    assert 'lang="zh-hans"' in page
    assert "知识产权一网通办" in page
    assert "专利质押登记一个工作日办结" in page


def test_english_is_one_switch_away(client: Any, db: Any) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert 'lang="en"' in page
    assert "IP services online in one place" in page


def test_workspace_lists_what_the_role_can_do(cast: dict[str, User], client: Any) -> None:
    client.force_login(cast["supervisor"])
    page = client.get("/workspace/").content.decode()
    assert 'data-task="audit"' in page and 'data-task="supervision"' in page
    client.force_login(cast["enterprise"])
    page = client.get("/workspace/").content.decode()
    assert 'data-task="audit"' not in page and 'data-task="filings"' in page


def test_workspace_requires_login(client: Any, db: Any) -> None:
    response = client.get("/workspace/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_organisation_form_shows_field_errors_and_saves_nothing(
    cast: dict[str, User], client: Any
) -> None:
    client.force_login(cast["wuhan_clerk"])
    response = client.post(
        "/organisations/new/",
        {
            "name": "表单测试有限公司",
            "uscc": "91110000600037341A",
            "kind": "enterprise",
            "region": "420102",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "第 18 位应为“L”" in page
    assert "表单测试有限公司" not in client.get("/organisations/").content.decode()
    response = client.post(
        "/organisations/new/",
        {
            "name": "表单测试有限公司",
            "uscc": "91110000600037341L",
            "kind": "enterprise",
            "region": "420102",
            "tags": ["high_tech"],
        },
    )
    assert response.status_code == 302
    assert "表单测试有限公司" in client.get("/organisations/").content.decode()


def test_organisation_excel_export_is_scoped(cast: dict[str, User], client: Any) -> None:
    import io

    from openpyxl import load_workbook

    client.force_login(cast["yichang_clerk"])
    response = client.get("/organisations/export.xlsx")
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(wb["组织机构"].iter_rows(values_only=True))
    assert rows[0][0] == "名称"
    assert [r[0] for r in rows[1:]] == ["宜昌测试化工有限公司"]
    assert "查询条件" in wb.sheetnames
