"""The test editor's text format, read and written in one place.

A test is typed as blocks separated by a blank line: the first line is the
question, each following line an option, the right option marked with a
leading ``*``::

    专利权质押登记由谁申请？
    *出质人和质权人共同申请
    仅出质人
    仅质权人
"""

from __future__ import annotations

from typing import Any

from iphub.training.models import Course, Question


def parse_questions(text: str) -> list[dict[str, Any]]:
    """Blocks of the editor's text as ``{"text", "options", "answer"}`` (answer None
    when no option is starred; the service says which question lacks one)."""
    out: list[dict[str, Any]] = []
    for block in (text or "").replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        options: list[str] = []
        answer = None
        for line in lines[1:]:
            if line.startswith(("*", "＊")):
                answer = len(options)
                line = line[1:].strip()
            options.append(line)
        out.append({"text": lines[0], "options": options, "answer": answer})
    return out


def questions_text(questions: list[Question]) -> str:
    """A course's test in the editor's text format."""
    blocks = []
    for q in questions:
        opts = [("*" if i == q.answer else "") + o for i, o in enumerate(q.options)]
        blocks.append("\n".join([q.text, *opts]))
    return "\n\n".join(blocks)


def course_values(course: Course) -> dict[str, Any]:
    """A course's fields as the form shows them."""
    return {
        "title": course.title,
        "summary": course.summary,
        "audience": list(course.audience),
        "material_text": course.material_text,
        "material_kind": course.material_kind,
        "material_url": course.material_url,
        "hours": course.hours,
        "pass_mark": course.pass_mark,
        "region": course.region_id,
    }
