"""Small helpers the browser journeys share: log in, a file to upload."""

from __future__ import annotations

from typing import Any

from iphub.browser_fixtures import browser_login
from iphub.conftest import PASSWORD


def login(page: Any, base: str, username: str) -> None:
    browser_login(page, base, username, PASSWORD)
    page.wait_for_url("**/workspace/")


def upload(name: str, data: bytes, mime: str) -> dict[str, Any]:
    return {"name": name, "mimeType": mime, "buffer": data}
