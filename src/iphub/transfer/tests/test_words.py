"""Match reasons read in the reader's language (issue 16): stored in Chinese when
the match is scored, shown in English to an English reader."""

from __future__ import annotations

from django.utils import translation

from iphub.transfer.matching import explain

REASONS = {
    "shared_terms": ["锂离子电池", "正极材料"],
    "same_city": True,
    "region": "武汉市",
    "cosine": 0.95,
    "offer": "已挂牌：转让（与期望合作方式不同）",
    "flags": ["该专利已质押"],
}


def test_match_reasons_in_chinese() -> None:
    with translation.override("zh-hans"):
        text = explain(REASONS)
    assert text == (
        "共同技术词：锂离子电池、正极材料；同城（武汉市）；语义高度相关（余弦 0.95）；"
        "已挂牌：转让（与期望合作方式不同）；该专利已质押"
    )


def test_match_reasons_in_english() -> None:
    with translation.override("en"):
        text = explain(REASONS)
    assert text.startswith("Shared technical terms: 锂离子电池, 正极材料; Same city (武汉市)")
    assert "Semantically very close (cosine 0.95)" in text
    assert "Listed: Assignment (not the cooperation form asked for)" in text
    assert text.endswith("The patent is pledged")
    with translation.override("en"):
        assert explain({"offer": "未挂牌（可联系专利权人洽谈）"}) == (
            "Not listed (contact the patentee to negotiate)"
        )
