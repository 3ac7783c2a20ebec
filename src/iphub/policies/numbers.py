"""The document number (文号) of a policy, validated and written one way.

Two shapes are accepted:

* an office's code, the year in hexagonal brackets and the serial:
  ``鄂知发〔2022〕3号``, ``国知发保字〔2021〕17号`` (square or round brackets,
  half- or full-width, are rewritten to 〔〕);
* an order or announcement number: ``国家知识产权局令第77号``,
  ``中华人民共和国主席令第五十五号``, ``国家知识产权局公告第461号``.

Laws adopted by a congress often carry none; the number is then left blank.
"""

from __future__ import annotations

import re

from django.utils import timezone

from iphub.core.errors import field_error

_BRACKETS = str.maketrans(
    {
        "[": "〔",
        "]": "〕",
        "［": "〔",
        "］": "〕",
        "【": "〔",
        "】": "〕",
        "(": "〔",
        ")": "〕",
        "（": "〔",
        "）": "〕",
        "{": "〔",
        "}": "〕",
    }
)
_ISSUED = re.compile(r"^(?P<code>[\u4e00-\u9fff]{1,16})〔(?P<year>\d{4})〕(?P<serial>\d{1,4})号$")
_ORDER = re.compile(r"^[\u4e00-\u9fff]{2,30}(?:令|公告)第[0-9零〇一二三四五六七八九十百千]{1,8}号$")
EXAMPLE = "鄂知发〔2022〕3号"


def normalise_number(raw: str) -> str:
    """Spaces dropped, brackets written 〔〕 (what users paste varies)."""
    return re.sub(r"\s+", "", raw or "").translate(_BRACKETS)


def validate_number(raw: str) -> str:
    """The canonical 文号, or a field error saying what shape is expected; blank stays blank."""
    text = normalise_number(raw)
    if not text:
        return ""
    match = _ISSUED.match(text)
    if match:
        year = int(match["year"])
        if not 1949 <= year <= timezone.now().year + 1:
            raise field_error("document_number", f"文号中的年份 {year} 不合理，请核对。")
        if int(match["serial"]) == 0:
            raise field_error("document_number", "文号的序号不能为 0。")
        return text
    if _ORDER.match(text):
        return text
    raise field_error(
        "document_number",
        f"文号格式应为“发文机关代字〔年份〕序号号”，例如 {EXAMPLE}；"
        "或“××令第××号”“××公告第××号”。法律没有文号的可以不填。",
    )


def looks_like_number(text: str) -> bool:
    """Whether a search box entry is a 文号 (searched on the number field too)."""
    t = normalise_number(text)
    return bool(_ISSUED.match(t) or _ORDER.match(t) or re.search(r"〔\d{4}〕", t))
