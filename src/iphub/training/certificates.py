"""The training certificate (培训结业证书) as a PDF, built from the registration
each time it is asked for, the way the filings notices are
(:mod:`iphub.filings.notices`): reportlab with its built-in CID font, so no font
file is shipped, and a verification code with the public page to check it on."""

from __future__ import annotations

import io

from django.utils import timezone
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from iphub.core.calendar import LOCAL_TZ
from iphub.core.errors import ApplicationError
from iphub.core.validators import strip_invisible
from iphub.filings.notices import FONT
from iphub.training.models import Registration, RegistrationState

TITLE = "知识产权培训结业证书"


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def certificate_lines(reg: Registration) -> list[tuple[str, str]]:
    """The labelled lines of the certificate (also what the verification page shows)."""
    session = reg.session
    course = session.course
    certified = timezone.localtime(reg.certified_at, LOCAL_TZ) if reg.certified_at else None
    start = timezone.localtime(session.starts_at, LOCAL_TZ)
    lines = [
        ("证书编号", reg.certificate_number or ""),
        ("学员", reg.trainee_name),
        ("所属单位", reg.organisation.name if reg.organisation else reg.region.name),
        ("课程", course.title),
        ("培训日期", f"{start:%Y年%m月%d日}"),
        ("学时", f"{reg.hours} 学时"),
        ("结业日期", f"{certified:%Y年%m月%d日}" if certified else ""),
        ("主办单位", f"{course.region.name}知识产权局"),
    ]
    # Names are typed by people: a bidi override would make the page read another name.
    return [(label, strip_invisible(str(value))) for label, value in lines]


def certificate_pdf(reg: Registration, *, verify_url: str) -> bytes:
    """The certificate of a trainee who passed, with its code and where to check it."""
    if reg.state not in (RegistrationState.CERTIFIED, RegistrationState.REVOKED):
        raise ApplicationError("尚未通过测试，没有结业证书。", status=409)
    font = _font()
    buf = io.BytesIO()
    size = landscape(A4)
    c = canvas.Canvas(buf, pagesize=size)
    c.setTitle(TITLE)
    width, height = size
    c.setLineWidth(2)
    c.rect(36, 36, width - 72, height - 72)
    c.setFont(font, 26)
    c.drawCentredString(width / 2, height - 100, TITLE)
    c.setFont(font, 14)
    c.drawCentredString(
        width / 2,
        height - 140,
        f"{strip_invisible(reg.trainee_name)} 同志参加本课程培训并通过结业测试，特发此证。",
    )
    y = height - 190
    c.setFont(font, 12)
    for label, value in certificate_lines(reg):
        c.drawString(120, y, f"{label}：")
        c.drawString(220, y, value[:60])
        y -= 24
    y -= 12
    c.drawString(120, y, f"验证码：{reg.certificate_code}")
    y -= 20
    c.drawString(120, y, f"核验地址：{verify_url}")
    c.setFont(font, 9)
    c.drawString(120, 56, "本证书由湖北知识产权公共服务平台生成，可凭验证码在线核验真伪。")
    c.showPage()
    c.save()
    return buf.getvalue()
