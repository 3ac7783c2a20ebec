"""The edited-copy stage: each kind of edit that defeats the MinHash stage
(synonyms, changed numbers, reordered clauses, recombined sources) is found,
confirmed by shared passages, and a look-alike with the same template is not."""

from __future__ import annotations

import dataclasses
import random

from iphub.protection.screening.detect import (
    ScreeningDoc,
    ScreeningParams,
    aligned_share,
    find_near_duplicates,
    pair_cap,
    template_cap,
)
from iphub.protection.screening.evidence import shared_passages
from iphub.protection.screening.text import canonical
from iphub.protection.tests.conftest import BASE, LOOKALIKE

# The production parameters: the stage is on (ScreeningParams.edited_copies).
EDITED = ScreeningParams()
MINHASH_ONLY = ScreeningParams(edited_copies=False)

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


def doc(i: int, text: str, applicant: str, title: str = "", agency: str = "") -> ScreeningDoc:
    return ScreeningDoc(
        id=i, title=title, abstract=text, applicant_keys=frozenset({applicant}), agency=agency
    )


def flagged(docs: list[ScreeningDoc], params: ScreeningParams = EDITED) -> set[tuple[int, int]]:
    return {(p.a, p.b) for c in find_near_duplicates(docs, params=params).clusters for p in c.pairs}


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


def test_insertions_and_deletions_are_found_but_not_by_minhash_alone() -> None:
    # One character inserted or dropped every ~9: about 11 % of the text edited.
    chars = list(CLAIMS)
    for n, i in enumerate(range(len(chars) - 5, 0, -9)):
        if n % 2:
            del chars[i]
        else:
            chars.insert(i, "甲")
    copy = "".join(chars)
    docs = [doc(1, CLAIMS, "甲公司"), doc(2, copy, "乙公司"), doc(3, OTHER, "丙公司")]
    assert flagged(docs) == {(1, 2)}
    assert flagged(docs, MINHASH_ONLY) == set()


def test_the_body_is_compared_not_the_title() -> None:
    # Same stock title, different inventions: no flag; a copy under a new title: a flag.
    title = "一种锂离子电池正极材料的包覆改性方法"
    same_title = [doc(1, BASE, "甲公司", title), doc(2, OTHER, "乙公司", title)]
    assert flagged(same_title) == set()
    renamed = CLAIMS.replace("所述", "该").replace("300", "320")
    docs = [doc(1, CLAIMS, "甲公司", "一种包覆装置"), doc(2, renamed, "乙公司", "一种干燥系统")]
    assert flagged(docs) == {(1, 2)}


def substituted(text: str, rate: float, seed: int) -> str:
    """``text`` with about ``rate`` of its Chinese characters redrawn at random."""
    rng = random.Random(seed)
    pool = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    return "".join(
        rng.choice(pool) if rng.random() < rate and "\u4e00" <= c <= "\u9fff" else c for c in text
    )


def test_related_parties_need_less_of_the_text_shared() -> None:
    # A quarter of the characters redrawn: shared passages cover 0.29 of the
    # text, below the strangers' 0.3 and above the related parties' 0.2.
    text = CLAIMS + OTHER
    copy = substituted(text, 0.25, seed=1)
    assert flagged([doc(1, text, "甲公司"), doc(2, copy, "乙公司")]) == set()
    linked = [doc(1, text, "甲公司", agency="某代理所"), doc(2, copy, "乙公司", agency="某代理所")]
    (pair,) = [p for c in find_near_duplicates(linked).clusters for p in c.pairs]
    assert pair.shared_agency and pair.stage == "edited" and 0.2 <= pair.aligned < 0.3


def test_short_related_texts_need_a_near_verbatim_copy() -> None:
    # Two short titles of one applicant that share their formula are no copy,
    # the same title twice is (a real duplicate group).
    one = [doc(1, "", "甲公司", "一种锂电池隔膜及其制备方法"),
           doc(2, "", "甲公司", "一种锂电池负极及其制备方法")]  # fmt: skip
    assert flagged(one) == set()
    twice = [doc(1, "", "甲公司", "一种锂电池隔膜及其制备方法"),
             doc(2, "", "甲公司", "一种锂电池隔膜及其制备方法")]  # fmt: skip
    assert flagged(twice) == {(1, 2)}


def test_shared_passages_are_found_in_any_order() -> None:
    clauses = CLAIMS.split("；")
    reordered = "；".join([clauses[0], *reversed(clauses[1:])])
    passages = shared_passages(CLAIMS, reordered)
    # Every clause is shown as shared, not only the longest run in order.
    assert sum(n for _, _, n in passages) >= 0.95 * len(CLAIMS)
    for start_a, start_b, n in passages:
        assert CLAIMS[start_a : start_a + n] == reordered[start_b : start_b + n]


TEMPLATE = ("本发明结构简单，操作方便，成本低廉，适于推广应用。",
            "所述控制器分别与所述传感器和所述执行机构电连接。")  # fmt: skip


def test_template_sentences_many_filings_carry_are_no_evidence() -> None:
    # Sixty filings of random vocabulary carry the two template sentences: their
    # fingerprints are in more than fp_df_cap records, so they are template text.
    rng = random.Random(7)
    pool = [c for c in CLAIMS + OTHER + BASE if "\u4e00" <= c <= "\u9fff"]
    filler = [
        doc(100 + n, "".join(rng.choices(pool, k=90)) + "".join(TEMPLATE), f"公司{n}")
        for n in range(60)
    ]
    # Two short inventions that share nothing but the template: not flagged,
    # though the template is most of their text.
    first = "一种花盆，盆底设有渗水孔。" + "".join(TEMPLATE)
    second = "一种拖把，拖头可拆卸清洗。" + "".join(TEMPLATE)
    # A copy (synonyms swapped) that also carries the template: flagged.
    copy = CLAIMS.replace("所述", "该").replace("包括", "包含") + "".join(TEMPLATE)
    docs = [*filler, doc(1, first, "甲公司"), doc(2, second, "乙公司"),
            doc(3, CLAIMS + "".join(TEMPLATE), "丙公司"), doc(4, copy, "丁公司")]  # fmt: skip
    assert flagged(docs) == {(3, 4)}


def test_a_copy_is_found_when_its_phrases_are_common_in_a_large_corpus() -> None:
    # Caps as a large corpus has them, at test scale (10 records): a fingerprint
    # pairs every record that holds it only while in at most 2 records (pair_cap),
    # and is template text beyond 6 (template_cap). Every two neighbouring clauses
    # of the source also stand in two other filings (among unrelated text), so
    # every passage the copy shares with its source is in 4-6 records: too many to
    # pair by the cap, not so many as to be template text.
    large = ScreeningParams(fp_df_cap=6, fp_pair_budget=0, fp_pair_cap_min=2,
                            fp_template_share=0.5)  # fmt: skip
    copy = (
        CLAIMS.replace("所述", "该").replace("包括", "包含").replace("设置", "设有")
        .replace("模块", "单元").replace("300", "450").replace("180", "210")
    )  # fmt: skip
    rng = random.Random(3)
    pool = [c for c in OTHER + LOOKALIKE if "\u4e00" <= c <= "\u9fff"]
    clauses = [c + "；" for c in CLAIMS.rstrip("。").split("；")]
    others = [
        doc(100 + 2 * k + n, "".join(rng.choices(pool, k=150)) + clauses[k] + clauses[k + 1],
            f"公司{k}{n}")
        for k in range(len(clauses) - 1)
        for n in range(2)
    ]  # fmt: skip
    docs = [doc(1, CLAIMS, "甲公司"), doc(2, copy, "乙公司"), *others]
    assert (template_cap(len(docs), large), pair_cap(len(docs), large)) == (6, 2)
    assert (1, 2) in flagged(docs, large)
    # Without the rarest-fingerprint rule the pair is no candidate at all.
    assert (1, 2) not in flagged(docs, dataclasses.replace(large, fp_rare_per_record=0))
