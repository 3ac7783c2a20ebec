"""The navigation snapshot: an analysis read from it gives the numbers the
database gives, and a write after it is never missed."""

from __future__ import annotations

import datetime as dt
import io
import threading
from pathlib import Path
from typing import Any

import duckdb
import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction

from iphub.navigation import corpus_version, services
from iphub.navigation.analysis import chain_selection, landscape
from iphub.navigation.models import AnalysisStatus, IndustryChain
from iphub.navigation.snapshot import snapshot_build, snapshot_fresh, snapshot_info, snapshot_path
from iphub.navigation.tests.conftest import fixture_rows
from iphub.patents.models import Patent, PatentParty
from iphub.patents.services import import_file, legal_event_append
from iphub.patents.tests.conftest import HEADERS, app_no, row, write_csv

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def recorded(patents: dict[int, int], cast: dict[str, Any]) -> dict[int, int]:
    """The fixture with a registered pledge and staff evidence, as test_analysis has it."""
    legal_event_append(
        actor=None, patent_id=patents[1], kind="pledged", date=dt.date(2024, 3, 1), detail="质押"
    )
    services.evidence_add(
        actor=cast["supervisor"],
        patent_id=patents[6],
        criterion="foreign_family",
        source_note="US1234567B2",
    )
    return patents


def _analyse(chain: IndustryChain, cast: dict[str, Any]) -> dict[str, Any]:
    job = services.analysis_request(actor=cast["supervisor"], chain=chain)
    job.refresh_from_db()
    assert job.status == AnalysisStatus.DONE, job.message
    result: dict[str, Any] = job.result
    return result


def _numbers(result: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in result.items() if k not in ("timings", "source")}


def test_snapshot_and_database_give_the_same_numbers(
    recorded: dict[int, int], chain: IndustryChain, cast: dict[str, Any]
) -> None:
    assert not snapshot_path().exists()
    first = _analyse(chain, cast)
    # No snapshot yet: the database answered and a build was queued (and, with
    # the test's inline task backend, has run).
    assert first["source"] == "database"
    assert snapshot_fresh()
    second = _analyse(chain, cast)
    assert second["source"] == "snapshot"
    assert _numbers(second) == _numbers(first)
    # The hand-computed counts of test_analysis, read from the snapshot.
    assert (second["position"]["total"], second["position"]["hubei"]) == (5, 4)
    assert {c["criterion"]: c["count"] for c in second["high_value"]["by_criterion"]} == {
        "strategic": 2,
        "foreign_family": 1,
        "long_maintained": 1,
        "pledge": 1,
        "award": 0,
    }
    assert second["inventor_network"]["pairs"][0]["count"] == 3
    # The same through the analysis function itself, both sources side by side.
    selection = chain_selection(chain)
    via_snapshot = landscape(selection)
    snapshot_path().unlink()
    via_database = landscape(selection)
    assert (via_snapshot["source"], via_database["source"]) == ("snapshot", "database")
    assert _numbers(via_snapshot) == _numbers(via_database)


def test_a_status_change_after_the_snapshot_is_not_missed(
    recorded: dict[int, int], chain: IndustryChain, cast: dict[str, Any]
) -> None:
    snapshot_build()
    before = _analyse(chain, cast)
    assert before["source"] == "snapshot"
    assert before["high_value"]["total"] == 2
    # A filing's effect: the 2010 battery patent lapses.
    legal_event_append(
        actor=None, patent_id=recorded[6], kind="lapsed", date=None, status="失效-未缴年费"
    )
    assert not snapshot_fresh()
    after = _analyse(chain, cast)
    assert after["source"] == "database"
    status = {s["status"]: s["count"] for s in after["types"]["status_groups"]}
    assert status == {"有效": 2, "审中": 2, "失效": 1}
    assert after["high_value"]["total"] == 1
    # The analysis queued a rebuild; the next one reads the new copy.
    again = _analyse(chain, cast)
    assert again["source"] == "snapshot"
    assert _numbers(again) == _numbers(after)


def test_an_import_after_the_snapshot_is_in_the_next_analysis(
    recorded: dict[int, int], chain: IndustryChain, cast: dict[str, Any], tmp_path: Path
) -> None:
    snapshot_build()
    stamp = snapshot_info()["stamp"]  # type: ignore[index]
    assert _analyse(chain, cast)["position"]["total"] == 5
    extra = row(
        7,
        申请号=app_no(2024, 1, 7),
        申请日="2024-04-01",
        名称="一种电池热管理系统",
        主分类号="H01M10/60",
        分类号="H01M10/60",
        授权公告日="",
    )
    job = import_file(
        actor=None,
        path=write_csv(tmp_path / "more.csv", [*fixture_rows(), extra], [*HEADERS, "授权公告日"]),
    )
    assert job.ok == 7 and job.created == 1
    # The import queued a rebuild (run inline here): a new stamp, and 7 patents.
    info = snapshot_info()
    assert info is not None and info["stamp"] != stamp and info["patents"] == "7"
    result = _analyse(chain, cast)
    assert result["source"] == "snapshot"
    assert result["position"]["total"] == 6
    assert {y["year"]: y["applications"] for y in result["trend"]["years"]}[2024] == 1


def test_every_write_to_the_copied_columns_makes_the_snapshot_stale(
    patents: dict[int, int],
) -> None:
    snapshot_build()
    assert snapshot_fresh()
    # A write to a column the snapshot does not hold leaves it valid.
    Patent.objects.filter(pk=patents[1]).update(title="改名")
    assert snapshot_fresh()
    writes = [
        lambda: Patent.objects.filter(pk=patents[2]).update(legal_status="有权"),
        lambda: Patent.objects.bulk_update(
            [Patent(pk=patents[3], ipc_main="H01M4/02", ipc_codes=["H01M4/02"])],
            ["ipc_main", "ipc_codes"],
        ),
        lambda: PatentParty.objects.filter(patent_id=patents[4]).update(key="别的公司"),
        lambda: PatentParty.objects.filter(patent_id=patents[5], role="inventor").delete(),
        lambda: Patent.objects.filter(pk=patents[5]).delete(),
    ]
    for write in writes:
        write()
        assert not snapshot_fresh()
        snapshot_build()
        assert snapshot_fresh()


def test_lost_triggers_are_put_back_and_the_snapshot_counts_as_stale(
    patents: dict[int, int],
) -> None:
    snapshot_build()
    table = Patent._meta.db_table
    name = f"{corpus_version.TRIGGER_PREFIX}{table}_update"
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(f"DROP TRIGGER {name} ON {table}")
        else:
            cur.execute(f"DROP TRIGGER {name}")
    # A write the missing trigger did not count ...
    Patent.objects.filter(pk=patents[2]).update(legal_status="有权")
    # ... cannot be trusted to be in the snapshot.
    assert not snapshot_fresh()
    snapshot_build()
    Patent.objects.filter(pk=patents[2]).update(legal_status="失效")
    assert not snapshot_fresh()  # the trigger is back


def test_command_builds_the_snapshot(patents: dict[int, int]) -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command("navigation_snapshot", stdout=out, stderr=err)
    assert "专利 6 件" in out.getvalue()
    assert "snapshot [" in err.getvalue()  # the progress bar
    assert snapshot_fresh()
    info = snapshot_info()
    assert info is not None and info["patents"] == "6"


def test_a_build_waits_for_a_write_still_in_progress(patents: dict[int, int]) -> None:
    """PostgreSQL's version is a sequence, moved before the writer commits: a build
    must not stamp a copy that lacks a write already counted."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite moves the version inside the writer's transaction")
    written, release = threading.Event(), threading.Event()

    def writer() -> None:
        try:
            with transaction.atomic():
                Patent.objects.filter(pk=patents[2]).update(legal_status="有权-审定授权")
                written.set()
                release.wait(30)
        finally:
            connections.close_all()

    thread = threading.Thread(target=writer)
    thread.start()
    assert written.wait(30)
    with pytest.raises(corpus_version.WritersStillRunning):
        corpus_version.wait_for_writers(timeout=0.3)
    threading.Timer(0.5, release.set).start()
    snapshot_build()
    thread.join(30)
    assert snapshot_fresh()
    con = duckdb.connect(str(snapshot_path()), read_only=True)
    try:
        status = con.execute("SELECT legal_status FROM p WHERE id = ?", [patents[2]]).fetchone()
    finally:
        con.close()
    assert status == ("有权-审定授权",)
