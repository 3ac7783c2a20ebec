"""The demo of ``make run``: ``seed_demo`` run twice creates nothing twice, leaves
nothing running, prints nothing twice, and every demo account can sign in and
open the page its line on the console tells it to try."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from iphub.core import twofactor
from iphub.core.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_TOTP_KEY
from iphub.navigation.models import Analysis, AnalysisStatus
from iphub.patents.models import ImportJob
from iphub.transfer import embeddings
from iphub.transfer.models import MatchingStatus, TechnologyNeed

pytestmark = pytest.mark.django_db(transaction=True)  # tasks run on commit, as in make run


@pytest.fixture(autouse=True)
def own_var(tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The demo writes an index, a navigation snapshot and uploads: the test's own.

    Matching runs as on a machine without the e5 model (its documented fallback:
    BM25 and IPC only): embedding the candidates costs minutes of CPU and is
    not what these tests are about."""
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    settings.NAVIGATION_SNAPSHOT_PATH = tmp_path / "navigation" / "corpus.duckdb"
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(embeddings, "_model", None)
    monkeypatch.setattr(embeddings, "_failed", True)
    yield


def row_counts() -> dict[str, int]:
    """Rows of every model of the project's apps."""
    return {
        m._meta.label: m._default_manager.count()
        for m in apps.get_models()
        if m.__module__.startswith("iphub.")
    }


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_seeding_twice_creates_nothing_twice_and_every_account_works() -> None:
    first = seed("--small")
    after_first = row_counts()
    second = seed("--small")
    assert row_counts() == after_first

    # The demo is there: needs with matches, deals, analysed chains, records of each app.
    for label in (
        "transfer.TechnologyNeed",
        "transfer.SupplyListing",
        "transfer.Match",
        "transfer.Deal",
        "transfer.DockingEvent",
        "navigation.Analysis",
        "finance.RiskCompensationFund",
    ):
        assert after_first[label] > 0, label
    assert after_first["transfer.Deal"] >= 2
    # Background work has finished when the command returns.
    assert set(Analysis.objects.values_list("status", flat=True)) == {AnalysisStatus.DONE}
    statuses = set(TechnologyNeed.objects.values_list("matching_status", flat=True))
    assert statuses == {MatchingStatus.DONE}

    # Nothing printed twice within a run (task log lines used to come out twice).
    for output in (first, second):
        lines = [line for line in output.splitlines() if line.strip()]
        assert len(lines) == len(set(lines)), output
        assert "Task id=" not in output
    # One line per account at the end, with the page to try.
    for acc in DEMO_ACCOUNTS:
        assert any(acc.username in line and acc.path in line for line in second.splitlines())

    for acc in DEMO_ACCOUNTS:
        client = Client()
        signed_in = client.post(
            "/login/", {"username": acc.username, "password": DEMO_PASSWORD}, follow=True
        )
        if signed_in.request["PATH_INFO"] == "/login/otp/":
            # Administrators and province staff: the code from the demo's published key.
            device = twofactor.totp_device(signed_in.context["user"])
            assert device is not None and device.key == DEMO_TOTP_KEY, acc.username
            signed_in = client.post(
                "/login/otp/", {"token": twofactor.totp_code(device)}, follow=True
            )
        assert signed_in.context["user"].username == acc.username
        response = client.get(acc.path)
        assert response.status_code == 200, (acc.username, acc.path, response.status_code)


def test_default_seed_imports_every_row_and_small_a_subset(tmp_path: Path) -> None:
    """``make run`` (no ``--small``) imports each demo file whole; ``--small`` keeps the
    first rows and those the other demos use (Hubei applicants), and neither imports
    a file twice."""
    from iphub.core import services
    from iphub.patents.demo import SMALL_HEAD, demo_patents_load
    from iphub.patents.models import Patent

    services.regions_load()
    source = Path(settings.SHARED_DATA_DIR) / "patent_titles_4800.csv"
    lines = source.read_text("utf-8").splitlines()[:400]
    hubei = sum(1 for line in lines[SMALL_HEAD + 1 :] if "武汉" in line or "湖北" in line)
    full_dir, small_dir = tmp_path / "full", tmp_path / "small"
    for d in (full_dir, small_dir):
        d.mkdir()
        (d / source.name).write_text("\n".join(lines) + "\n", "utf-8")

    jobs = demo_patents_load(data_dir=full_dir)
    assert [j.file_name for j in jobs] == [source.name]
    assert Patent.objects.count() == 399
    assert demo_patents_load(data_dir=full_dir) == []  # imported once only

    Patent.objects.all().delete()
    ImportJob.objects.all().delete()
    demo_patents_load(data_dir=small_dir, small=True)
    assert SMALL_HEAD + hubei <= Patent.objects.count() < 399
