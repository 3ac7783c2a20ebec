"""The audit trail's action names for accounts, organisations, tokens, two-factor login
and the audit chain.

One enum per app (issue 17): a service writes ``Action.X``, never a string, and the
audit log shows the member's label. The values are the codes already written into
the chained audit log, which can never be rewritten, so older spellings stay as
they are; a new code is spelt ``<object>_<verb>``.
"""

from __future__ import annotations

from typing import NewType

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    """The base of each app's audit action names (``<app>/audit_actions.py``, one
    ``Action`` enum per app): the value is the code stored in the log, the label
    what the audit page shows. ``audit_labels.action_label`` finds every subclass,
    so no table in core lists what the apps above it do."""


AdminAction = NewType("AdminAction", str)
"""What the back office did to a model: ``<app>.<model>.admin_<add|change|delete>``,
one code per model, so not an enum; named from the verb and the model's name."""


def admin_action(label_lower: str, verb: str) -> AdminAction:
    """The action of the back office's ``verb`` (add, change, delete) on a model."""
    return AdminAction(f"{label_lower}.admin_{verb}")


class Action(AuditAction):
    ACCOUNT_LOCK = "account_lock", _("锁定账号")
    ACCOUNT_TOKENS_REVOKE = "account_tokens_revoke", _("撤销账号全部令牌")
    ACCOUNT_UNLOCK = "account_unlock", _("解锁账号")
    API_TOKEN_CREATE = "api_token_create", _("创建接口令牌")
    API_TOKEN_REVOKE = "api_token_revoke", _("撤销接口令牌")
    AUDIT_VERIFY = "audit_verify", _("校验审计日志完整性")
    USER_ADMIN_PASSWORD = "core.user.admin_password", _("后台设置密码")
    ORGANISATION_CREATE = "organisation_create", _("登记组织")
    ORGANISATION_UPDATE = "organisation_update", _("修改组织信息")
    TWO_FACTOR_ENROL = "two_factor_enrol", _("启用双因素认证")
    TWO_FACTOR_LOGIN = "two_factor_login", _("双因素认证登录")
    TWO_FACTOR_RECOVERY_REGENERATE = "two_factor_recovery_regenerate", _("重新生成恢复码")
    TWO_FACTOR_RECOVERY_USED = "two_factor_recovery_used", _("使用恢复码登录")
    TWO_FACTOR_RESET = "two_factor_reset", _("重置双因素认证")
    USER_CREATE = "user_create", _("创建用户")
    USER_PASSWORD_CHANGE = "user_password_change", _("修改密码")
