"""Text in reportlab paragraphs, shown as written.

reportlab's ``Paragraph`` parses its text as markup: ``<b>`` opens a tag that
must close, ``<img src=...>`` reads a file from the server's disk, ``<a href>``
makes a link. Names, titles and queries come from users and imports, so every
paragraph of every PDF is built here, with the text escaped (issue 18, finding 7).
"""

from __future__ import annotations

import re
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

# C0/C1 control characters other than tab and newline are not text a reader can
# see, and some of them trip reportlab's parser.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def pdf_escape(text: Any) -> str:
    """``text`` as Paragraph markup that shows it literally (``<`` → ``&lt;``)."""
    return escape(_CONTROL.sub("", str(text)))


def text_paragraph(text: Any, style: ParagraphStyle) -> Paragraph:
    """A paragraph showing ``text`` as written, never as markup."""
    return Paragraph(pdf_escape(text), style)
