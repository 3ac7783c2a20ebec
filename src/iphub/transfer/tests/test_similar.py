"""More like this and 以文搜专利 (issue 20, item 3): the record itself never comes
back, lapsed patents only go when asked, reasons say what is shared, and the
answer says when vectors were missing."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from django.test import Client

from iphub.core.errors import ApplicationError
from iphub.patents.models import Patent
from iphub.transfer import embeddings
from iphub.transfer.models import PatentVector
from iphub.transfer.similar import similar_to_patent, similar_to_text


@pytest.fixture(autouse=True)
def indexed(corpus: dict[int, Patent]) -> None:
    """The corpus in the index (the outbox is applied after commit; tests run in one
    transaction, so it is applied here, as the follower would)."""
    from iphub.core.outbox import outbox_drain_all

    outbox_drain_all()


BATTERY_TEXT = "高镍三元正极材料的氧化铝包覆改性，提高锂离子电池的高温循环稳定性。"


def _store(patent: Patent, vec: np.ndarray) -> None:
    """A stored vector as the background embedding leaves it (current digest)."""
    vec = vec / np.linalg.norm(vec)
    PatentVector.objects.update_or_create(
        patent=patent,
        defaults={
            "digest": embeddings.patent_digest(patent),
            "vector": vec.astype(embeddings.STORE_DTYPE).tobytes(),
        },
    )


def _ids(result: Any) -> list[int]:
    return [i.patent.pk for i in result.items]


def test_more_like_this_leaves_out_the_record_and_lapsed_ones_only_when_asked(
    corpus: dict[int, Patent],
) -> None:
    rng = np.random.default_rng(1)
    for p in corpus.values():  # every record embedded: no background work queued
        _store(p, rng.normal(size=embeddings.DIM))
    found = similar_to_patent(corpus[1])
    assert corpus[1].pk not in _ids(found)
    lapsed = next(i for i in found.items if i.patent.pk == corpus[4].pk)
    assert lapsed.lapsed and "正极" in lapsed.shared_terms
    assert "H01M4/505↔H01M4/505（同组）" in lapsed.ipc_overlap
    live = similar_to_patent(corpus[1], live_only=True)
    assert corpus[4].pk not in _ids(live) and corpus[1].pk not in _ids(live)
    assert corpus[6].pk in _ids(live)  # 高镍正极材料 shared, still alive


def test_stored_vectors_join_the_blend_and_missing_ones_are_said(
    corpus: dict[int, Patent],
) -> None:
    base = np.random.default_rng(2).normal(size=embeddings.DIM)
    _store(corpus[1], base)
    _store(corpus[6], base + 0.05)  # nearly the same meaning
    _store(corpus[4], np.random.default_rng(3).normal(size=embeddings.DIM))
    _store(corpus[5], np.random.default_rng(4).normal(size=embeddings.DIM))
    found = similar_to_patent(corpus[1])
    by_id = {i.patent.pk: i for i in found.items}
    assert by_id[corpus[6].pk].cosine is not None and by_id[corpus[6].pk].cosine > 0.99  # type: ignore[operator]
    assert by_id[corpus[6].pk].components["dense"] == 1.0
    assert by_id[corpus[4].pk].cosine < by_id[corpus[6].pk].cosine  # type: ignore[operator]
    assert found.without_vectors == 0 and found.note == ""

    PatentVector.objects.filter(patent=corpus[1]).delete()
    lexical = similar_to_patent(corpus[1])
    assert all(i.without_vector for i in lexical.items)
    assert "没有语义向量" in lexical.note or "语义模型不可用" in lexical.note


def test_record_page_loads_similar_patents_with_a_lapsed_toggle(
    corpus: dict[int, Patent], client: Client
) -> None:
    page = client.get(f"/patents/{corpus[1].pk}/").content.decode()
    assert f"/transfer/similar/patent/{corpus[1].pk}/" in page
    block = client.get(f"/transfer/similar/patent/{corpus[1].pk}/").content.decode()
    assert corpus[4].title in block and "已失效" in block and "共同技术词" in block
    assert f'href="/patents/{corpus[1].pk}/"' not in block
    live = client.get(f"/transfer/similar/patent/{corpus[1].pk}/", {"live": "1"}).content.decode()
    assert corpus[4].title not in live and corpus[6].title in live
    assert "未用向量" in live  # nothing is embedded in this test


def test_text_search_page_finds_patents_from_a_pasted_paragraph(
    corpus: dict[int, Patent], client: Client
) -> None:
    page = client.post("/transfer/similar/", {"text": BATTERY_TEXT})
    html = page.content.decode()
    assert page.status_code == 200
    assert html.index(corpus[1].title) < html.index(corpus[6].title)
    assert "没有语义向量" in html
    live = client.post("/transfer/similar/", {"text": BATTERY_TEXT, "live": "1"}).content.decode()
    assert corpus[4].title not in live
    short = client.post("/transfer/similar/", {"text": "电"})
    assert short.status_code == 400 and "至少 4 个字" in short.content.decode()
    with pytest.raises(ApplicationError):
        similar_to_text("的 了 和 是")


def test_api_more_like_this_and_text(corpus: dict[int, Patent], client: Client) -> None:
    got = client.get(f"/api/v1/patents/{corpus[1].pk}/similar", {"live_only": "true"}).json()
    ids = [i["id"] for i in got["items"]]
    assert corpus[1].pk not in ids and corpus[4].pk not in ids and got["live_only"]
    assert all(i["without_vector"] for i in got["items"]) and got["note"]
    text = client.post(
        "/api/v1/patents/similar-text",
        {"text": BATTERY_TEXT, "ipc_codes": ["H01M"]},
        content_type="application/json",
    ).json()
    assert text["items"][0]["id"] == corpus[1].pk
    assert text["items"][0]["ipc_overlap"]
    bad = client.post(
        "/api/v1/patents/similar-text",
        {"text": BATTERY_TEXT, "ipc_codes": ["Z99Z"]},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "IPC" in bad.json()["message"]
