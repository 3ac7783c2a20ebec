"""The edited-copy stage: each kind of edit that defeats the MinHash stage
(synonyms, changed numbers, reordered clauses, recombined sources) is found,
confirmed by shared passages, and a look-alike with the same template is not."""

from __future__ import annotations

from iphub.protection.screening.detect import (
    ScreeningDoc,
    ScreeningParams,
    aligned_share,
    find_near_duplicates,
)
from iphub.protection.screening.text import canonical
from iphub.protection.tests.conftest import BASE, LOOKALIKE

# The stage is off in production (ScreeningParams.edited_copies); these tests turn it on.
EDITED = ScreeningParams(edited_copies=True)

# A second invention, for split-and-recombine.
OTHER = (
    "一种用于输电线路巡检的无人机系统，包括机体、设置在机体下方的云台和安装于云台上的红外热像仪；"
    "所述机体内设有飞行控制模块和无线通信模块，所述飞行控制模块通过串口与所述云台连接；"
    "所述红外热像仪用于获取导线接头的温度图像并经所述无线通信模块发送至地面站；"
    "所述地面站根据温度图像判断接头是否过热并生成巡检报告。"
)
CLAIMS = (
    "一种电池正极材料的包覆装置，包括反应釜、设置在反应釜上方的进料模块和与反应釜连接的干燥模块；"
    "所述反应釜内设有搅拌桨，所述搅拌桨的转速为300转每分钟；"
    "所述进料模块用于将第一溶液和第二溶液按2比1的体积比送入所述反应釜；"
    "所述干燥模块包括喷雾干燥器和旋风分离器，所述喷雾干燥器的进风温度为180摄氏度；"
    "所述旋风分离器通过管道与收集罐固定连接。"
)


def doc(i: int, text: str, applicant: str) -> ScreeningDoc:
    return ScreeningDoc(id=i, title="", abstract=text, applicant_keys=frozenset({applicant}))


def flagged(docs: list[ScreeningDoc]) -> set[tuple[int, int]]:
    return {(p.a, p.b) for c in find_near_duplicates(docs, params=EDITED).clusters for p in c.pairs}


def test_canonical_text_folds_claim_synonyms_and_numbers() -> None:
    assert canonical("该设备包含2个模块") == canonical("所述装置包括3个单元")


def test_synonym_swaps_and_changed_numbers_are_found_between_strangers() -> None:
    copy = (
        CLAIMS.replace("所述", "该").replace("包括", "包含").replace("设置", "设有")
        .replace("模块", "单元").replace("300", "450").replace("180", "210")
    )  # fmt: skip
    docs = [doc(1, CLAIMS, "甲公司"), doc(2, copy, "乙公司"), doc(3, LOOKALIKE, "丙公司")]
    assert flagged(docs) == {(1, 2)}
    # The MinHash stage alone would not have flagged it: the edit is too heavy.
    (pair,) = [p for c in find_near_duplicates(docs, params=EDITED).clusters for p in c.pairs]
    assert pair.stage == "edited" and pair.jaccard < 0.8 and pair.aligned >= 0.6


def test_reordered_clauses_are_found() -> None:
    clauses = CLAIMS.split("；")
    copy = "；".join([clauses[0], *reversed(clauses[1:])])
    assert flagged([doc(1, CLAIMS, "甲公司"), doc(2, copy, "乙公司")]) == {(1, 2)}


def test_split_and_recombined_text_matches_both_sources() -> None:
    a, b = CLAIMS.split("；"), OTHER.split("；")
    recombined = "；".join(a[:3] + b[2:])
    docs = [doc(1, CLAIMS, "甲公司"), doc(2, OTHER, "乙公司"), doc(3, recombined, "丙公司")]
    assert {(1, 3), (2, 3)} <= flagged(docs)
    assert (1, 2) not in flagged(docs)


def test_lookalike_with_the_same_template_sentences_is_not_flagged() -> None:
    # Same opening template and the same claim formulas, a different invention.
    template = "本发明公开了一种用于锂离子电池正极材料的包覆改性方法，包括以下步骤："
    lookalike = template + LOOKALIKE.split("，", 1)[1]
    docs = [doc(1, BASE, "甲公司"), doc(2, lookalike, "乙公司"), doc(3, OTHER, "丙公司")]
    assert flagged(docs) == set()
    # Not even between related parties (same applicant, lower thresholds).
    assert flagged([doc(1, BASE, "甲公司"), doc(2, lookalike, "甲公司")]) == set()


def test_aligned_share_ignores_order_and_counts_only_real_passages() -> None:
    clauses = CLAIMS.split("；")
    assert aligned_share(CLAIMS, "；".join(reversed(clauses))) > 0.95
    assert aligned_share(canonical(BASE), canonical(LOOKALIKE)) < 0.3
