"""Grammar, error and round-trip tests for the patent query language."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iphub.patents.search import And, DateRange, Not, Or, QuerySyntaxError, Term, parse
from iphub.patents.search.nodes import DATE_FIELDS, OPERATOR_WORDS, is_bare_word


def t(field: str, text: str, **kw: bool) -> Term:
    return Term(field, text, **kw)


# -- one test per construct ------------------------------------------------------
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("锂离子电池", t("TX", "锂离子电池")),
        ("TI=锂离子电池", t("TI", "锂离子电池")),
        ("名称=锂离子电池", t("TI", "锂离子电池")),
        ("ab:电池", t("AB", "电池")),
        ("摘要=电池", t("AB", "电池")),
        ("权利要求=电极", t("CL", "电极")),
        ("全文=电极", t("TX", "电极")),
        ("PA=华为", t("PA", "华为")),
        ("专利权人=华为", t("PA", "华为")),
        ("申请人=武汉*", t("PA", "武汉", prefix=True)),
        ('PA="华为技术有限公司"', t("PA", "华为技术有限公司", phrase=True)),
        ("发明人=张三", t("IN", "张三")),
        ("AN=2017106018623", t("AN", "201710601862.3")),
        ("申请号=CN201710601862.3", t("AN", "201710601862.3")),
        ("PN=cn107123456a", t("PN", "CN107123456A")),
        ("公开号=107123456", t("PN", "CN107123456")),
        ("IPC=H01M10/05*", t("IPC", "H01M10/05", prefix=True)),
        ("分类号=h01m*", t("IPC", "H01M", prefix=True)),
        ("RG=420100", t("RG", "420100")),
        ("地区=420000", t("RG", "420000")),
        ("TYPE=invention", t("TYPE", "invention")),
        ("类型=实用新型", t("TYPE", "utility")),
        ("类型=外观设计", t("TYPE", "design")),
        ("法律状态=有效", t("STATUS", "有效")),
        ('"锂离子 电池"', t("TX", "锂离子 电池", phrase=True)),
        ("“锂离子电池”", t("TX", "锂离子电池", phrase=True)),
    ],
)
def test_terms(query: str, expected: Term) -> None:
    assert parse(query) == expected


@pytest.mark.parametrize(
    ("query", "start", "end"),
    [
        ("AD=[2020-01-01 TO 2021-12-31]", date(2020, 1, 1), date(2021, 12, 31)),
        ("AD=2020-01-01", date(2020, 1, 1), date(2020, 1, 1)),
        ("申请日=2020", date(2020, 1, 1), date(2020, 12, 31)),
        ("AD=2020-02", date(2020, 2, 1), date(2020, 2, 29)),
        ("AD=[2020-01-01 TO *]", date(2020, 1, 1), None),
        ("AD=[* to 2019]", None, date(2019, 12, 31)),
        ("AD=20200105", date(2020, 1, 5), date(2020, 1, 5)),
    ],
)
def test_dates(query: str, start: date | None, end: date | None) -> None:
    assert parse(query) == DateRange("AD", start, end)


def test_date_fields_and_aliases() -> None:
    assert parse("公开日=2021") == DateRange("PD", date(2021, 1, 1), date(2021, 12, 31))
    assert parse("GD=[2022 TO 2023]") == DateRange("GD", date(2022, 1, 1), date(2023, 12, 31))
    parsed = parse("授权日=2022")
    assert isinstance(parsed, DateRange) and parsed.field == "GD"


def test_boolean_operators_and_precedence() -> None:
    a, b, c = t("TX", "a"), t("TX", "b"), t("TX", "c")
    assert parse("a AND b") == And((a, b))
    assert parse("a and b") == And((a, b))
    assert parse("a 与 b") == And((a, b))
    assert parse("a b") == And((a, b))  # implicit AND
    assert parse("a OR b") == Or((a, b))
    assert parse("a 或 b") == Or((a, b))
    assert parse("a b OR c") == Or((And((a, b)), c))
    assert parse("a AND (b OR c)") == And((a, Or((b, c))))
    assert parse("NOT a") == Not(a)
    assert parse("a 非 b") == And((a, Not(b)))
    assert parse("a NOT b OR c") == Or((And((a, Not(b))), c))
    assert parse("a AND b AND c") == And((a, b, c))


def test_field_group_applies_field_inside() -> None:
    assert parse("TI=(锂 OR 钠) AND PA=华为") == And(
        (Or((t("TI", "锂"), t("TI", "钠"))), t("PA", "华为"))
    )
    assert parse("TI=(a AB=b)") == And((t("TI", "a"), t("AB", "b")))


def test_full_width_punctuation() -> None:
    assert parse("名称＝（锂 或 钠）") == Or((t("TI", "锂"), t("TI", "钠")))


# -- errors ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("query", "position", "fragment"),
    [
        ("", 0, "为空"),
        ("   ", 0, "为空"),
        ("(a AND b", 8, '缺少右括号 ")"'),
        ("TI=(锂 OR 钠", 10, "缺少右括号"),
        ("a AND b)", 7, "多了右括号"),
        ('"锂离子 电池', 0, "引号没有闭合"),
        ("a AND", 5, "运算符 AND 后面需要检索词"),
        ("a OR", 4, "运算符 OR 后面需要检索词"),
        ("NOT", 3, "NOT 后面需要检索词"),
        ("OR a", 0, "OR 前面缺少检索词"),
        ("a AND OR b", 6, "OR 前面缺少检索词"),
        ("()", 1, "括号内为空"),
        ("XX=1", 0, "字段代码 'XX' 不存在"),
        ("TI=电池 ZZ=1", 6, "不存在"),
        ("AD=2020-13-01", 3, "日期"),
        ("AD=[2021 TO 2020]", 3, "起始日期晚于结束日期"),
        ("AD=[2020-01-01 2021]", 3, "TO"),
        ("AD=[2020", 3, "右方括号"),
        ("TI=", 3, "缺少 TI 字段的检索值"),
        ("=电池", 0, "缺少字段代码"),
        ("TI=电池*", 5, "通配符"),
        ("PA=武*汉", 4, "词尾"),
        ("TYPE=专利", 5, "专利类型"),
        ("RG=4201", 3, "地区代码"),
        ("[2020 TO 2021]", 0, "日期字段"),
    ],
)
def test_errors_have_message_and_position(query: str, position: int, fragment: str) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        parse(query)
    assert info.value.position == position, info.value.message
    assert fragment in info.value.message
    assert f"第 {position} 个字符" in info.value.message or position == 0


def test_error_is_value_error_subclass() -> None:
    assert issubclass(QuerySyntaxError, ValueError)


def test_an_with_space_is_two_terms() -> None:
    # Spaces separate terms: a number typed with spaces must be quoted.
    assert parse('AN="CN 201710601862.3"') == t("AN", "201710601862.3", phrase=True)


# -- round trip ------------------------------------------------------------------
_CHARS = "锂离子电池正极材料华为武汉理工大学abcXYZ019-/._·"
bare_words = st.text(alphabet=_CHARS, min_size=1, max_size=8).filter(
    lambda s: is_bare_word(s) and s.upper() not in OPERATOR_WORDS
)
phrase_texts = st.text(alphabet=_CHARS + ' ()"\\=:*[]ANDOR', min_size=1, max_size=12).filter(
    lambda s: s.strip() != ""
)


@st.composite
def terms(draw: st.DrawFn) -> Term:
    field = draw(st.sampled_from(["TX", "TI", "AB", "CL", "PA", "IN", "IPC", "AN", "PN", "STATUS"]))
    kind = draw(st.sampled_from(["word", "phrase", "prefix"]))
    if kind == "prefix" and field in {"PA", "IN", "IPC", "AN", "PN"}:
        return Term(field, draw(bare_words), prefix=True)
    if kind == "phrase":
        return Term(field, draw(phrase_texts), phrase=True)
    return Term(field, draw(bare_words))


keyword_terms = st.one_of(
    st.builds(
        Term, st.just("TYPE"), st.sampled_from(["发明", "utility", "外观设计", "pct_utility"])
    ),
    st.builds(Term, st.just("RG"), st.from_regex(r"\A[0-9]{6}\Z")),
)
dates = st.dates(min_value=date(1985, 1, 1), max_value=date(2030, 12, 31))


@st.composite
def date_ranges(draw: st.DrawFn) -> DateRange:
    lo, hi = sorted([draw(dates), draw(dates)])
    start = draw(st.one_of(st.none(), st.just(lo)))
    end = draw(st.just(hi)) if start is None else draw(st.one_of(st.none(), st.just(hi)))
    return DateRange(draw(st.sampled_from(sorted(DATE_FIELDS))), start, end)


leaves = st.one_of(terms(), keyword_terms, date_ranges())
asts = st.recursive(
    leaves,
    lambda kids: st.one_of(
        st.builds(lambda c: And(tuple(c)), st.lists(kids, min_size=2, max_size=4)),
        st.builds(lambda c: Or(tuple(c)), st.lists(kids, min_size=2, max_size=4)),
        st.builds(Not, kids),
    ),
    max_leaves=12,
)


@settings(max_examples=400, deadline=None)
@given(asts)
def test_round_trip(node: object) -> None:
    text = node.to_query_string()  # type: ignore[attr-defined]
    assert parse(text) == node, text


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_arbitrary_input_parses_or_raises_cleanly(text: str) -> None:
    try:
        parse(text)
    except QuerySyntaxError as exc:
        assert 0 <= exc.position <= len(text)
        assert exc.message


# -- bare patent numbers -----------------------------------------------------------
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("CN114081026A", t("PN", "CN114081026A")),
        ("CN 114081026 A", t("PN", "CN114081026A")),
        ("cn114081026a", t("PN", "CN114081026A")),
        ("ＣＮ１１４０８１０２６Ａ", t("PN", "CN114081026A")),
        ("114081026", t("PN", "CN114081026")),
        ("CN114081026B", t("PN", "CN114081026B")),
        ("CN218751475U", t("PN", "CN218751475U")),
        ("202110123456.7", t("AN", "202110123456.7")),
        ("2021101234567", t("AN", "202110123456.7")),
        ("202110123456", t("AN", "202110123456.7")),  # check character completed
        ("CN202110123456.7", t("AN", "202110123456.7")),
        ("ZL202110123456.7", t("AN", "202110123456.7")),
        ("ZL 202110123456.7", t("AN", "202110123456.7")),
        ("95115608.X", t("AN", "95115608.X")),
    ],
)
def test_a_bare_number_is_read_as_its_field(query: str, expected: Term) -> None:
    assert parse(query) == expected


@pytest.mark.parametrize(
    "query",
    ["2021101234568", "20200501", "2020", "LiFePO4", "1234567", "CN114081026U", "A"],
)
def test_words_that_are_no_valid_number_stay_words(query: str) -> None:
    # A wrong check character, a date, a model number or a kind code that does not
    # fit the type digit: searched as text, as before.
    assert parse(query) == t("TX", query)


def test_numbers_inside_a_longer_query() -> None:
    assert parse("锂电池 OR CN 114081026 A") == Or((t("TX", "锂电池"), t("PN", "CN114081026A")))
    # Only plain words are joined: an operator or a field code ends the number.
    assert parse("CN114081026A AND TI=电池") == And((t("PN", "CN114081026A"), t("TI", "电池")))
    # An explicit field or a quoted phrase is taken as written.
    assert parse("TX=114081026") == t("TX", "114081026")
    assert parse('"114081026"') == t("TX", "114081026", phrase=True)


def test_a_number_searched_as_text_survives_a_round_trip() -> None:
    node = t("TX", "114081026")
    assert node.to_query_string() == "TX=114081026"
    assert parse(node.to_query_string()) == node


# -- hostile input: nesting and length (issue 18, finding 6) ---------------------
# Checked before the fix: 300 nested parentheses raised RecursionError out of
# parse() (and the API, /patents/, saved searches and navigation analyses answered
# 500); 300 NOTs the same.


@pytest.mark.parametrize(
    "query",
    ["(" * 300 + "电池" + ")" * 300, "NOT " * 300 + "电池", "TI=" + "(" * 300 + "电池" + ")" * 300],
)
def test_deep_nesting_is_a_syntax_error_not_a_crash(query: str) -> None:
    from iphub.patents.search.query import MAX_DEPTH

    with pytest.raises(QuerySyntaxError) as exc:
        parse(query)
    assert f"嵌套超过 {MAX_DEPTH} 层" in exc.value.message


def test_nesting_up_to_the_limit_still_parses() -> None:
    from iphub.patents.search.query import MAX_DEPTH

    assert parse("(" * MAX_DEPTH + "电池" + ")" * MAX_DEPTH) == t("TX", "电池")
    assert parse("NOT " * 2 + "电池") == Not(Not(t("TX", "电池")))


def test_an_overlong_query_is_refused_with_its_limit() -> None:
    from iphub.patents.search.query import MAX_QUERY_LENGTH

    with pytest.raises(QuerySyntaxError) as exc:
        parse("电池 OR " * MAX_QUERY_LENGTH)
    assert f"{MAX_QUERY_LENGTH} 个字符" in exc.value.message


@pytest.mark.django_db
def test_deep_query_answers_in_chinese_on_every_surface(client: Any, regions: None) -> None:
    from iphub.conftest import make_user
    from iphub.core.models import Role

    deep = "(" * 300 + "电池" + ")" * 300
    api = client.get("/api/v1/patents/search", {"q": deep})
    assert api.status_code == 400 and "嵌套" in api.json()["message"]
    page = client.get("/patents/", {"q": deep})
    assert page.status_code == 200 and "嵌套" in page.content.decode()
    client.force_login(make_user("depth_supervisor", Role.SUPERVISOR, "420000"))
    saved = client.post(
        "/api/v1/patents/saved-searches", {"name": "深", "query": deep}, "application/json"
    )
    assert saved.status_code == 400 and "嵌套" in saved.json()["fields"]["query"]
    analysis = client.post("/api/v1/navigation/analyses", {"query": deep}, "application/json")
    assert analysis.status_code == 400 and "嵌套" in analysis.json()["fields"]["query"]
