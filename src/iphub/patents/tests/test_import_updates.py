"""Legal-status change files and weekly publication files as increments (issue 24)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from iphub.core.models import AuditEntry, IndexOutbox
from iphub.patents.indexing import matching_ids
from iphub.patents.models import (
    CHANGE_FILE_SOURCE,
    JobStatus,
    LegalEvent,
    Patent,
    PatentGrade,
    PatentParty,
    SearchAlert,
)
from iphub.patents.services import import_file, saved_search_create
from iphub.patents.services.updates import legal_status_file_apply
from iphub.patents.tests.conftest import HEADERS, app_no, row, write_csv

CHANGE_HEADERS = ["申请号", "事件日期", "事件类型", "说明"]


def change_csv(path: Path, rows: list[list[str]], headers: list[str] | None = None) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(headers or CHANGE_HEADERS)
        w.writerows(rows)
    return path


@pytest.fixture
def corpus(regions: None, tmp_path: Path) -> dict[int, Patent]:
    """Three records: a pending invention (1), two granted ones (2, 3)."""
    rows = [
        row(1, 法律状态="审中-实质审查"),
        row(2, 名称="一种固态电池隔膜", 法律状态="有权-审定授权"),
        row(3, 名称="一种电池管理系统", 法律状态="有权-审定授权"),
    ]
    job = import_file(actor=None, path=write_csv(tmp_path / "base.csv", rows))
    assert job.status == JobStatus.DONE
    return {i: Patent.objects.get(application_number=app_no(2021, 1, i)) for i in (1, 2, 3)}


def changes(tmp_path: Path) -> Path:
    return change_csv(
        tmp_path / "changes.csv",
        [
            [app_no(2021, 1, 1), "2023-05-10", "授权", ""],
            [app_no(2021, 1, 2), "2024/1/10", "专利权的终止", "未缴年费"],
            [app_no(2021, 1, 3), "20240201", "专利权质押合同登记的生效", "出质人：武汉测试电池"],
        ],
    )


def fresh(p: Patent) -> Patent:
    return Patent.objects.get(pk=p.pk)


pytestmark = pytest.mark.django_db(transaction=True)


def test_events_are_appended_and_status_recomputed(
    corpus: dict[int, Patent], tmp_path: Path
) -> None:
    job = legal_status_file_apply(actor=None, path=changes(tmp_path), mode="all")

    assert job.status == JobStatus.DONE, job.message
    assert "已追加 3 条法律状态事件，涉及 3 件专利，其中 2 件法律状态改变" in job.message
    granted, lapsed, pledged = (fresh(corpus[i]) for i in (1, 2, 3))
    assert granted.legal_status == "有权-授权"
    assert granted.grant_date == dt.date(2023, 5, 10)  # the empty 授权公告日 filled
    assert lapsed.legal_status == "失效-权利终止"
    assert pledged.legal_status == "有权-审定授权"  # a pledge changes no status
    kinds = set(
        LegalEvent.objects.filter(source=CHANGE_FILE_SOURCE).values_list("patent_id", "kind")
    )
    assert kinds == {(granted.pk, "granted"), (lapsed.pk, "lapsed"), (pledged.pk, "pledged")}
    # The search index answers with the new status (it was reread on commit) ...
    assert matching_ids('STATUS="失效-权利终止"') == [lapsed.pk]
    # ... and the value grade counts the pledge and the lapse (regraded in background).
    assert PatentGrade.objects.get(patent=pledged).factors["deals"][0] > 0
    assert PatentGrade.objects.get(patent=lapsed).band == "D"
    # Each status change is in the audit trail, with before and after.
    entry = AuditEntry.objects.get(action="patent_status_change", object_id=str(lapsed.pk))
    assert entry.before == {"legal_status": "有权-审定授权"}
    assert entry.after == {"legal_status": "失效-权利终止"}


def test_a_rerun_of_the_same_file_changes_nothing(
    corpus: dict[int, Patent], tmp_path: Path
) -> None:
    path = changes(tmp_path)
    legal_status_file_apply(actor=None, path=path, mode="skip")
    before = {
        "events": LegalEvent.objects.count(),
        "outbox": IndexOutbox.objects.count(),
        "patent_audit": AuditEntry.objects.filter(object_type="patents.patent").count(),
        "grades": list(PatentGrade.objects.order_by("pk").values_list("score", "computed_at")),
        "stamps": list(Patent.objects.order_by("pk").values_list("legal_status", "updated_at")),
    }

    again = legal_status_file_apply(actor=None, path=path, mode="skip")

    assert again.status == JobStatus.DONE
    assert (again.created, again.updated) == (0, 0)
    assert "已追加 0 条" in again.message and "3 条事件此前已记录" in again.message
    after = {
        "events": LegalEvent.objects.count(),
        "outbox": IndexOutbox.objects.count(),
        "patent_audit": AuditEntry.objects.filter(object_type="patents.patent").count(),
        "grades": list(PatentGrade.objects.order_by("pk").values_list("score", "computed_at")),
        "stamps": list(Patent.objects.order_by("pk").values_list("legal_status", "updated_at")),
    }
    assert after == before


def test_an_event_already_in_the_history_is_not_appended_again(
    corpus: dict[int, Patent], tmp_path: Path
) -> None:
    # Another file recorded the pledge; this one lists it again, twice, in its own
    # words, and adds a licence.
    legal_status_file_apply(actor=None, path=changes(tmp_path))
    rows = [
        [app_no(2021, 1, 3), "2024-02-01", "质押", "质押登记"],
        [app_no(2021, 1, 3), "2024-02-01", "pledged", ""],
        [app_no(2021, 1, 3), "2024-03-01", "许可", "普通许可"],
    ]
    job = legal_status_file_apply(actor=None, path=change_csv(tmp_path / "d.csv", rows))
    assert (job.created, job.report["already_recorded"]) == (1, 2)
    assert LegalEvent.objects.filter(patent=corpus[3], kind="pledged").count() == 1


def bad_changes(tmp_path: Path) -> Path:
    number = app_no(2021, 1, 2)
    wrong_check = number[:-1] + ("1" if number.endswith("0") else "0")
    return change_csv(
        tmp_path / "bad.csv",
        [
            [app_no(2021, 1, 1), "2023-05-10", "授权", ""],  # line 2, good
            [wrong_check, "2024-01-10", "权利终止", ""],  # line 3
            [app_no(2021, 1, 99), "2024-01-10", "权利终止", ""],  # line 4, not held
            [app_no(2021, 1, 3), "2024-13-45", "质押", ""],  # line 5
            [app_no(2021, 1, 3), "2024-02-01", "费用减缴", ""],  # line 6
            [app_no(2021, 1, 2), "2024-01-10", "权利终止", ""],  # line 7, good
        ],
    )


def test_all_or_nothing_reports_every_bad_row_and_commits_nothing(
    corpus: dict[int, Patent], tmp_path: Path
) -> None:
    outbox = IndexOutbox.objects.count()
    job = legal_status_file_apply(actor=None, path=bad_changes(tmp_path), mode="all")

    assert job.status == JobStatus.REJECTED
    assert "未追加任何事件" in job.message
    errors = {(line, field) for line, field, _m in job.report_errors}
    assert errors == {(3, "申请号"), (4, "申请号"), (5, "事件日期"), (6, "事件类型")}
    messages = " ".join(m for _l, _f, m in job.report_errors)
    assert f"平台中没有申请号为 {app_no(2021, 1, 99)} 的专利" in messages
    assert "无法识别的事件类型“费用减缴”" in messages
    assert not LegalEvent.objects.filter(source=CHANGE_FILE_SOURCE).exists()
    assert fresh(corpus[1]).legal_status == "审中-实质审查"
    assert IndexOutbox.objects.count() == outbox


def test_skip_bad_rows_applies_the_good_ones(corpus: dict[int, Patent], tmp_path: Path) -> None:
    job = legal_status_file_apply(actor=None, path=bad_changes(tmp_path), mode="skip")

    assert job.status == JobStatus.DONE
    assert (job.ok, job.bad, job.created, job.updated) == (2, 4, 2, 2)
    assert "跳过错误行 4 行" in job.message
    assert fresh(corpus[1]).legal_status == "有权-授权"
    assert fresh(corpus[2]).legal_status == "失效-权利终止"
    assert Path(job.report["full_report"]).read_text("utf-8-sig").count(",错误\n") == 4


def test_a_file_without_the_columns_says_which_are_missing(
    corpus: dict[int, Patent], tmp_path: Path
) -> None:
    path = change_csv(tmp_path / "cols.csv", [[app_no(2021, 1, 1), "授权"]], ["申请号", "状态"])
    job = legal_status_file_apply(actor=None, path=path)
    assert job.status == JobStatus.FAILED
    assert "文件缺少列：事件日期、事件类型" in job.message


def test_a_saved_search_matching_a_changed_record_raises_an_alert(
    corpus: dict[int, Patent], cast: dict[str, Any], tmp_path: Path
) -> None:
    lapses = saved_search_create(
        user=cast["enterprise"], name="失效的电池专利", query='电池 AND STATUS="失效-权利终止"'
    )
    quiet = saved_search_create(user=cast["enterprise"], name="隔热", query="隔热材料")

    job = legal_status_file_apply(actor=None, path=changes(tmp_path))

    alert = SearchAlert.objects.get(saved_search=lapses)
    assert (alert.import_job_id, alert.new_count, alert.changed_count) == (job.pk, 0, 1)
    assert alert.patent_ids == [corpus[2].pk]
    assert not SearchAlert.objects.filter(saved_search=quiet).exists()
    legal_status_file_apply(actor=None, path=changes(tmp_path))  # the re-run: nothing new
    assert SearchAlert.objects.count() == 1


def test_staff_apply_a_change_file_from_the_import_page(
    corpus: dict[int, Patent], cast: dict[str, Any], client: Any, tmp_path: Path
) -> None:
    client.force_login(cast["wuhan_clerk"])
    with open(bad_changes(tmp_path), "rb") as fh:
        response = client.post(
            "/patents/imports/", {"file": fh, "mode": "all", "kind": "legal_status"}
        )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "未追加任何事件" in page
    assert "事件类型" in page and "无法识别的事件类型“费用减缴”" in page
    assert f"平台中没有申请号为 {app_no(2021, 1, 99)} 的专利" in page

    with open(changes(tmp_path), "rb") as fh:
        response = client.post(
            "/patents/imports/", {"file": fh, "mode": "skip", "kind": "legal_status"}
        )
    assert "已追加 3 条法律状态事件" in client.get(response["Location"]).content.decode()
    listing = client.get("/patents/imports/").content.decode()
    assert "法律状态变更" in listing
    assert fresh(corpus[2]).legal_status == "失效-权利终止"

    client.force_login(cast["enterprise"])
    with open(changes(tmp_path), "rb") as fh:
        response = client.post(
            "/patents/imports/", {"file": fh, "mode": "skip", "kind": "legal_status"}
        )
    assert response.status_code == 403


def test_the_command_applies_a_file_and_lists_bad_rows(
    corpus: dict[int, Patent], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(Exception, match="有文件未能导入"):
        call_command("import_updates", str(bad_changes(tmp_path)), "--mode", "all")
    out = capsys.readouterr().out
    assert "第 6 行 事件类型：无法识别的事件类型" in out
    call_command("import_updates", str(changes(tmp_path)))
    assert "已追加 3 条" in capsys.readouterr().out


def test_a_weekly_publication_file_touches_only_its_own_records(
    corpus: dict[int, Patent], tmp_path: Path
) -> None:
    before = dict(Patent.objects.values_list("pk", "updated_at"))
    outbox = IndexOutbox.objects.count()
    week = [row(4, 名称="一种钠离子电池负极"), row(5, 名称="一种电池回收方法")]

    job = import_file(actor=None, path=write_csv(tmp_path / "week.csv", week))

    assert (job.created, job.updated) == (2, 0)
    assert dict(Patent.objects.filter(pk__in=before).values_list("pk", "updated_at")) == before
    new = set(Patent.objects.exclude(pk__in=before).values_list("pk", flat=True))
    assert set(IndexOutbox.objects.order_by("id")[outbox:].values_list("object_id", flat=True)) == (
        new
    )


def test_a_weekly_file_repeating_an_unchanged_record_leaves_it_alone(
    corpus: dict[int, Patent], cast: dict[str, Any], tmp_path: Path
) -> None:
    watch = saved_search_create(user=cast["enterprise"], name="电池", query="电池")
    same = fresh(corpus[1])
    parties = list(PatentParty.objects.filter(patent=same).values_list("pk", flat=True))
    events = list(LegalEvent.objects.filter(patent=same).values_list("pk", flat=True))
    grade = PatentGrade.objects.get(patent=same).computed_at
    outbox = IndexOutbox.objects.count()
    # Record 1 exactly as before (from a file of another name), record 2 with a new
    # status, record 4 new.
    week = [
        row(1, 法律状态="审中-实质审查"),
        row(2, 名称="一种固态电池隔膜", 法律状态="失效-未缴年费"),
        row(4, 名称="一种钠离子电池负极"),
    ]
    job = import_file(actor=None, path=write_csv(tmp_path / "week.csv", week))

    assert (job.created, job.updated, job.report["unchanged"]) == (1, 1, 1)
    assert "与平台记录相同未改写 1 条" in job.message
    after = fresh(corpus[1])
    assert (after.updated_at, after.source) == (same.updated_at, same.source)
    assert list(PatentParty.objects.filter(patent=same).values_list("pk", flat=True)) == parties
    assert list(LegalEvent.objects.filter(patent=same).values_list("pk", flat=True)) == events
    assert PatentGrade.objects.get(patent=same).computed_at == grade
    changed, new = fresh(corpus[2]), Patent.objects.get(application_number=app_no(2021, 1, 4))
    assert changed.legal_status == "失效-未缴年费" and changed.updated_at > same.updated_at
    assert changed.source == "week.csv"
    assert PatentGrade.objects.get(patent=changed).band == "D"  # regraded
    refreshed = set(IndexOutbox.objects.order_by("id")[outbox:].values_list("object_id", flat=True))
    assert refreshed == {changed.pk, new.pk}
    assert matching_ids('STATUS="失效-未缴年费"') == [changed.pk]
    alert = SearchAlert.objects.get(saved_search=watch)
    # The new record, then the changed one; never the unchanged one.
    assert (alert.new_count, alert.changed_count) == (1, 1)
    assert alert.patent_ids == [new.pk, changed.pk]

    # The same file again: nothing is written at all.
    stamps = dict(Patent.objects.values_list("pk", "updated_at"))
    outbox = IndexOutbox.objects.count()
    again = import_file(actor=None, path=write_csv(tmp_path / "week.csv", week))
    assert (again.created, again.updated, again.report["unchanged"]) == (0, 0, 3)
    assert dict(Patent.objects.values_list("pk", "updated_at")) == stamps
    assert IndexOutbox.objects.count() == outbox
    assert SearchAlert.objects.count() == 1


def test_a_weekly_file_exported_before_a_lapse_does_not_bring_the_patent_back(
    corpus: dict[int, Patent], cast: dict[str, Any], tmp_path: Path
) -> None:
    legal_status_file_apply(actor=None, path=changes(tmp_path))  # 2 lapses on 2024-01-10
    assert fresh(corpus[2]).legal_status == "失效-权利终止"
    watch = saved_search_create(user=cast["enterprise"], name="隔膜", query="隔膜")
    headers = [*HEADERS, "授权公告日", "失效日期"]
    # Next week's file still says 有权 for record 2: it was exported with the grant
    # of 2022 as its latest date, before the lapse. Record 1's row is newer than
    # its change-file grant of 2023 and says it lapsed in 2025: the row wins.
    week = [
        {**row(2, 名称="一种固态电池隔膜", 法律状态="有权-审定授权"), "授权公告日": "2022-04-01"},
        {**row(1, 法律状态="失效-未缴年费"), "授权公告日": "2023-05-10", "失效日期": "2025-06-01"},
    ]
    job = import_file(actor=None, path=write_csv(tmp_path / "week.csv", week, headers))

    assert fresh(corpus[2]).legal_status == "失效-权利终止"  # the change file's lapse holds
    assert fresh(corpus[2]).grant_date == dt.date(2022, 4, 1)
    assert fresh(corpus[1]).legal_status == "失效-未缴年费"
    assert matching_ids('STATUS="失效-权利终止"') == [corpus[2].pk]
    # Record 2 changed only by its new grant date, and stays lapsed in the alert.
    alert = SearchAlert.objects.get(saved_search=watch)
    assert (alert.new_count, alert.changed_count) == (0, 1)
    # The same weekly file again: nothing changed, nothing written.
    stamps = dict(Patent.objects.values_list("pk", "updated_at"))
    again = import_file(actor=None, path=write_csv(tmp_path / "week.csv", week, headers))
    assert (job.updated, again.updated, again.report["unchanged"]) == (2, 0, 2)
    assert dict(Patent.objects.values_list("pk", "updated_at")) == stamps


def test_a_change_files_late_event_older_than_the_row_does_not_undo_it(
    corpus: dict[int, Patent], tmp_path: Path
) -> None:
    headers = [*HEADERS, "授权公告日"]
    lapsed = {
        **row(3, 名称="一种电池管理系统", 法律状态="失效-未缴年费"),
        "授权公告日": "2022-08-01",
    }
    import_file(actor=None, path=write_csv(tmp_path / "week.csv", [lapsed], headers))
    assert fresh(corpus[3]).legal_status == "失效-未缴年费"
    # An examination of 2021 reaches the platform late: the grant of 2022 and the
    # lapse the row reports came after it, so the record stays lapsed (it used to be
    # put back in force by replaying the import's own grant over the lapse).
    late = change_csv(
        tmp_path / "late.csv", [[app_no(2021, 1, 3), "2021-09-01", "实质审查的生效", ""]]
    )
    legal_status_file_apply(actor=None, path=late)
    assert fresh(corpus[3]).legal_status == "失效-未缴年费"
    # A restoration after the row's date is news: it is replayed over the lapse.
    back = change_csv(tmp_path / "back.csv", [[app_no(2021, 1, 3), "2026-03-01", "恢复", ""]])
    legal_status_file_apply(actor=None, path=back)
    assert fresh(corpus[3]).legal_status == "有权-权利恢复"


def test_the_kinds_cnipa_names_move_the_status_as_the_law_says(
    corpus: dict[int, Patent], client: Any, tmp_path: Path
) -> None:
    rows = [
        [app_no(2021, 1, 1), "2022-06-01", "实质审查的生效", ""],
        [app_no(2021, 1, 2), "2024-03-01", "宣告专利权部分无效", "维持权利要求1-3有效"],
        [app_no(2021, 1, 2), "2024-04-01", "专利实施许可合同备案的注销", ""],
        [app_no(2021, 1, 2), "2024-04-02", "专利实施许可合同备案的变更", ""],
        [app_no(2021, 1, 2), "2024-05-01", "专利权人的姓名或者名称、地址的变更", ""],
        [app_no(2021, 1, 3), "2024-01-10", "未缴年费专利权终止", ""],
        [app_no(2021, 1, 3), "2024-07-01", "专利权的恢复", ""],
    ]
    job = legal_status_file_apply(actor=None, path=change_csv(tmp_path / "k.csv", rows))

    assert (job.status, job.bad, job.created) == (JobStatus.DONE, 0, 7)
    assert fresh(corpus[1]).legal_status == "审中-实质审查"
    assert fresh(corpus[2]).legal_status == "有权-审定授权"  # partial invalidation: in force
    restored = fresh(corpus[3])
    assert restored.legal_status == "有权-权利恢复"
    assert PatentGrade.objects.get(patent=restored).band != "D"  # in force again
    assert PatentGrade.objects.get(patent=corpus[2]).band != "D"
    # Each event shows with its Chinese label on the record's page.
    page = client.get(f"/patents/{corpus[2].pk}/").content.decode()
    for label in ("部分无效", "许可备案注销", "许可备案变更", "著录事项变更"):
        assert label in page
    assert "权利恢复" in client.get(f"/patents/{restored.pk}/").content.decode()
