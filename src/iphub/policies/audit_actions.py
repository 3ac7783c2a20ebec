"""The audit trail's action names for the policies app.

One enum per app (issue 17): a service writes ``Action.X``, never a string; the
audit log shows the member's label.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from iphub.core.audit_actions import AuditAction


class Action(AuditAction):
    POLICY_CREATE = "policies.policy_create", _("录入政策文件")
    POLICY_UPDATE = "policies.policy_update", _("修改政策文件")
