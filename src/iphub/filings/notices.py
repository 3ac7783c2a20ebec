"""The registration notice (登记通知书 / 备案证明) as a PDF, built from the
filing's record each time it is asked for, so it always matches the register.

Chinese text uses reportlab's built-in CID font ``STSong-Light``: viewers
supply the glyphs, so no font file is shipped or downloaded.
"""

from __future__ import annotations

import io

from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from iphub.core.errors import ApplicationError
from iphub.core.validators import strip_invisible
from iphub.filings.models import Filing, FilingKind, FilingState, LicenceType

FONT = "STSong-Light"
_registered = False


def _font() -> str:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True
    return FONT


TITLES = {
    FilingKind.PATENT_PLEDGE: {
        "establish": "专利权质押登记通知书",
        "change": "专利权质押登记变更通知书",
        "cancel": "专利权质押登记注销通知书",
    },
    FilingKind.TRADEMARK_PLEDGE: {
        "establish": "商标专用权质权登记证",
        "change": "商标专用权质权登记事项变更通知书",
        "extend": "商标专用权质权登记期限延期通知书",
        "cancel": "商标专用权质权登记注销通知书",
    },
    FilingKind.PATENT_LICENCE: {"establish": "专利实施许可合同备案证明"},
    FilingKind.PATENT_TRANSFER: {"establish": "专利权转让登记预审通过通知书"},
    FilingKind.PATENT_PRODUCT: {"establish": "专利产品备案证明"},
}


def notice_title(filing: Filing) -> str:
    titles = TITLES.get(FilingKind(filing.kind), {})
    return titles.get(filing.operation) or titles.get("establish", "登记通知书")


def _subject(filing: Filing) -> list[tuple[str, str]]:
    d = filing.details
    if filing.kind == FilingKind.TRADEMARK_PLEDGE:
        classes = "、".join(str(c) for c in d.get("trademark_classes", []))
        return [
            ("商标注册号", str(d.get("trademark_number", ""))),
            ("商标", str(d.get("trademark_name", ""))),
            ("核定使用类别", f"第 {classes} 类"),
        ]
    title = d.get("patent_title") or (filing.patent.title if filing.patent else "")
    return [("专利号", f"ZL{filing.application_number}"), ("专利名称", title)]


def _parties(filing: Filing) -> list[tuple[str, str]]:
    d = filing.details
    if filing.kind == FilingKind.PATENT_LICENCE:
        kind = LicenceType(d.get("licence_type", "ordinary")).label
        return [
            ("许可人", filing.holder_name),
            ("被许可人", filing.counterparty_name),
            ("许可类型", str(kind)),
            ("期限", f"{filing.term_start} 至 {filing.term_end}"),
        ]
    if filing.kind == FilingKind.PATENT_TRANSFER:
        return [("转让人", filing.holder_name), ("受让人", filing.counterparty_name)]
    if filing.kind == FilingKind.PATENT_PRODUCT:
        model = f"（型号 {d['product_model']}）" if d.get("product_model") else ""
        return [("备案人", filing.holder_name), ("产品", f"{d.get('product_name', '')}{model}")]
    return [
        ("出质人", filing.holder_name),
        ("质权人", filing.counterparty_name),
        ("被担保债权数额", f"{filing.amount} 元"),
        ("期限", f"{filing.term_start} 至 {filing.term_end}"),
    ]


def notice_lines(filing: Filing) -> list[tuple[str, str]]:
    """The labelled lines of the notice (also what the verification page shows)."""
    decided = timezone.localtime(filing.decided_at) if filing.decided_at else None
    lines = [
        ("登记号", filing.registration_number or ""),
        *_subject(filing),
        *_parties(filing),
        ("登记日", f"{decided:%Y年%m月%d日}" if decided else ""),
        ("登记机关", f"{filing.region.name}知识产权局"),
    ]
    # Names come from applicants and imports: a bidi override (U+202E) would make
    # the public page and the notice read a different name than the register holds.
    return [(label, strip_invisible(str(value))) for label, value in lines]


def notice_pdf(filing: Filing, *, verify_url: str) -> bytes:
    """The notice of an approved filing, with its verification code and where to check it."""
    if filing.state not in (FilingState.REGISTERED, FilingState.CHANGED, FilingState.CANCELLED):
        raise ApplicationError("该申请尚未准予登记，没有登记通知书。", status=409)
    font = _font()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setTitle(notice_title(filing))
    width, height = A4
    c.setFont(font, 20)
    c.drawCentredString(width / 2, height - 90, notice_title(filing))
    y = height - 150
    c.setFont(font, 12)
    for label, value in notice_lines(filing):
        c.drawString(72, y, f"{label}：")
        c.drawString(190, y, str(value)[:60])
        y -= 26
    y -= 20
    c.drawString(72, y, "经审查，上述申请符合规定，准予登记。")
    y -= 40
    c.setFont(font, 11)
    c.drawString(72, y, f"验证码：{filing.verification_code}")
    y -= 20
    c.drawString(72, y, f"核验地址：{verify_url}")
    c.setFont(font, 9)
    c.drawString(72, 60, "本通知书由湖北知识产权公共服务平台生成，可凭验证码在线核验真伪。")
    c.showPage()
    c.save()
    return buf.getvalue()
