"""Probes, request ids, JSON log lines and /metrics, as an operator meets them."""

from __future__ import annotations

import io
import json
import logging
import re
from typing import Any

import pytest

from iphub.core.observability import JsonFormatter

pytestmark = pytest.mark.django_db


def test_healthz_answers_json_without_touching_the_database(
    client: Any, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(0):
        r = client.get("/healthz")
    assert r.status_code == 200
    assert r["Content-Type"] == "application/json"
    assert r.json()["status"] == "ok"


def test_readyz_reports_database_queue_index_and_disk(client: Any) -> None:
    r = client.get("/readyz")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] in {"ok", "degraded"}
    assert set(body["checks"]) >= {"database", "queue", "index", "disk"}
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["queue"]["depth"] >= 0
    assert body["checks"]["disk"]["free_bytes"]["media"] > 0


def test_readyz_is_degraded_not_down_when_disk_runs_low(client: Any, settings: Any) -> None:
    settings.READY_MIN_FREE_BYTES = 1 << 60  # more than any disk has
    r = client.get("/readyz")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "degraded"
    assert body["checks"]["disk"]["status"] == "warn"
    assert "media" in body["checks"]["disk"]["low"]


def test_probes_answer_over_plain_http_for_any_host(client: Any, settings: Any) -> None:
    # A load balancer asks the node by its address over HTTP, with HTTPS enforced.
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["iphub.example.gov.cn"]
    assert client.get("/healthz", HTTP_HOST="10.0.0.7:8001").status_code == 200
    assert client.get("/readyz", HTTP_HOST="10.0.0.7:8001").status_code == 200
    assert client.get("/", HTTP_HOST="iphub.example.gov.cn").status_code == 301


def test_request_id_is_passed_through_or_made(client: Any) -> None:
    r = client.get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a.42")
    assert r["X-Request-ID"] == "lb-7f3a.42"
    made = client.get("/", HTTP_X_REQUEST_ID='bad id"\n{forged}')["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    other = client.get("/")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", other) and other != made


def test_access_line_is_json_with_the_request_id(client: Any, caplog: Any) -> None:
    with caplog.at_level(logging.INFO, logger="iphub.access"):
        client.get("/patents/", HTTP_X_REQUEST_ID="trace-123")
    records = [r for r in caplog.records if r.name == "iphub.access"]
    assert records, "one access line per request"
    line = json.loads(JsonFormatter().format(records[-1]))
    assert line["request_id"] == "trace-123"
    assert line["status"] == 200 and line["path"] == "/patents/"
    assert line["route"] == "/patents/" and line["duration_ms"] >= 0
    assert line["level"] == "INFO" and line["ts"].endswith("+00:00")


def test_log_lines_written_during_a_request_carry_its_id(client: Any, caplog: Any) -> None:
    # A warning from inside the request (here: Django's 404 logger) names the same id.
    with caplog.at_level(logging.WARNING):
        r = client.get("/patents/no-such-page-xyz/", HTTP_X_REQUEST_ID="trace-404")
    assert r.status_code == 404
    lines = [json.loads(JsonFormatter().format(rec)) for rec in caplog.records]
    assert lines and all(line["request_id"] == "trace-404" for line in lines)


def test_metrics_are_prometheus_text_with_the_operators_figures(client: Any) -> None:
    client.get("/patents/")
    r = client.get("/metrics")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("text/plain")
    text = r.content.decode()
    assert re.search(
        r'iphub_http_request_duration_seconds_bucket\{.*route="/patents/".*\} [1-9]', text
    )
    for name in (
        "iphub_queue_depth",
        "iphub_queue_oldest_age_seconds",
        'iphub_filings_sla{state="overdue"}',
        'iphub_filings_sla{state="at_risk"}',
        "iphub_index_missing_documents",
        "iphub_index_outbox_pending",
        'iphub_disk_free_bytes{dir="media"}',
    ):
        assert name in text, name
    assert "iphub_metrics_source_errors 0.0" in text


def test_metrics_refused_from_outside_the_loopback(client: Any) -> None:
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403
    # Through the local proxy, on behalf of an outside client: still refused.
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 403


def test_metrics_token_when_configured(client: Any, settings: Any) -> None:
    settings.METRICS_TOKEN = "s3cret-scrape-token"
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    ok = client.get(
        "/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer s3cret-scrape-token"
    )
    assert ok.status_code == 200 and b"iphub_queue_depth" in ok.content


def test_readyz_says_when_the_index_is_missing(client: Any, settings: Any, tmp_path: Any) -> None:
    import datetime as dt

    from django.db import transaction

    from iphub.patents.importers import PatentIn
    from iphub.patents.services import patents_upsert
    from iphub.patents.tests.conftest import app_no

    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    with transaction.atomic():
        patents_upsert(
            [
                PatentIn(
                    application_number=app_no(2021, 1, 9),
                    type="invention",
                    title="一种就绪检查用电池",
                    app_date=dt.date(2021, 3, 1),
                    source_name="test",
                )
            ]
        )
    from django.core.management import call_command

    call_command("reindex", stdout=io.StringIO())
    index = client.get("/readyz").json()["checks"]["index"]
    assert index["state"] == "ok" and index["missing"] == 0
    import shutil
    import time

    # tantivy may still be finishing a segment merge in its own threads after the
    # reindex's commit, adding a file while the directory is removed: try again.
    for _ in range(50):
        try:
            shutil.rmtree(tmp_path / "index")
            break
        except OSError:
            time.sleep(0.1)
    body = client.get("/readyz").json()
    assert body["status"] == "degraded"
    assert body["checks"]["index"]["state"] == "missing"
    assert body["checks"]["database"]["status"] == "ok"
