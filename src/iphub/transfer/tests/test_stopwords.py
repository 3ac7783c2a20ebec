"""Generic words (方式, 方面, 早期, the 方法/装置/系统 of every title …) are never a
reason to match: a need and a patent sharing only such words get no "shared
technical terms" reason; sharing a technical term (锂电池, 隔膜) does."""

from __future__ import annotations

import pytest

from iphub.core.models import User
from iphub.patents.models import Patent
from iphub.transfer import services
from iphub.transfer.matching import explain, rank_for_need, terms_of
from iphub.transfer.models import Match
from iphub.transfer.stopwords import is_generic
from iphub.transfer.tests.conftest import need_data

# The search index is written when an import commits: these tests commit.
pytestmark = pytest.mark.django_db(transaction=True)


def test_generic_patent_words_are_on_the_stop_list_and_technical_ones_are_not() -> None:
    for word in ("方式", "方面", "早期", "方法", "装置", "系统", "结构", "所述", "本发明"):
        assert is_generic(word), word
    for word in ("锂电池", "隔膜", "正极", "包覆", "育秧", "座椅"):
        assert not is_generic(word), word
    assert terms_of("一种早期预警方式的方法、装置及系统，涉及多个方面") == ["预警"]


def test_a_need_sharing_only_generic_words_with_a_patent_gets_no_shared_term_reason(
    cast: dict[str, User], corpus: dict[int, Patent], patentee: User
) -> None:
    # #2 (a seat adjuster, listed so that it is a candidate whatever its words)
    # shares 装置, 设置, 机构, 实现, 结构 with this need, and nothing else.
    seat = corpus[2]
    services.listing_create(
        actor=patentee, data={"title": "座椅专利转让", "mode": "transfer"}, patent_ids=[seat.pk]
    )
    need = services.need_create(
        actor=cast["enterprise"],
        data=need_data(
            title="寻求一种早期装置方案",
            description="希望通过合作实现一种结构和机构方面的设置方式，提高效率。",
            ipc_codes="",
            industry_chain="",
        ),
    )
    [found] = rank_for_need(need, among={seat.pk})
    assert found.reasons["shared_terms"] == []
    assert "共同技术词" not in found.reasons["summary"]


def test_a_need_sharing_a_technical_term_is_told_so_without_the_generic_ones(
    yichang_user: User, corpus: dict[int, Patent]
) -> None:
    need = services.need_create(
        actor=yichang_user,
        data=need_data(
            title="锂电池隔膜早期安全方式",
            description="寻求一种锂电池隔膜的涂层方法，提高电池各方面的安全性。",
        ),
    )
    ranked = {c.patent.pk: c for c in rank_for_need(need)}
    why = ranked[corpus[5].pk].reasons  # 一种锂电池隔膜涂层
    assert "隔膜" in why["shared_terms"]
    assert not {"早期", "方式", "方面", "方法", "安全"} & set(why["shared_terms"])
    assert "共同技术词：" in why["summary"] and "隔膜" in why["summary"]


def test_reasons_stored_before_a_word_joined_the_list_are_shown_without_it(
    cast: dict[str, User], corpus: dict[int, Patent]
) -> None:
    need = services.need_create(actor=cast["enterprise"], data=need_data())
    reasons = {"shared_terms": ["早期", "正极", "方式"], "summary": "共同技术词：早期、正极、方式"}
    m, _ = Match.objects.update_or_create(
        need=need, patent=corpus[1], defaults={"score": 0.5, "reasons": reasons}
    )
    assert m.why.startswith("共同技术词：正极")
    assert "早期" not in m.why and "方式" not in m.why
    assert "共同技术词" not in explain({"shared_terms": ["方面", "早期"]})
