"""A full disk as a message, not a server error.

When the upload filesystem (``MEDIA_ROOT``) or the data directory is full, the
write of an uploaded file fails with ``ENOSPC`` (or ``EDQUOT`` under a quota)
inside a service's transaction. The transaction rolls back, so nothing is
half-recorded; what remains is to tell the person that their submission did not
go through and why, with 507 Insufficient Storage, instead of a 500. The API's
error handler and the pages' error middleware both ask :func:`storage_full_error`.
"""

from __future__ import annotations

import errno

from iphub.core.errors import ApplicationError

FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
MESSAGE = (
    "服务器存储空间已满，文件未能保存，本次提交没有生效。请稍后重试；如持续出现，请联系平台管理员。"
)


def storage_full_error(exc: BaseException) -> ApplicationError | None:
    """The 507 error to answer for ``exc`` if it (or what caused it) is a full disk."""
    seen: BaseException | None = exc
    for _ in range(5):
        if seen is None:
            break
        if isinstance(seen, OSError) and seen.errno in FULL_ERRNOS:
            return ApplicationError(MESSAGE, code="storage_full", status=507)
        seen = seen.__cause__ or seen.__context__
    return None
