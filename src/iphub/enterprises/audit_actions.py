"""The audit trail's action names for the enterprises app.

One enum per app (issue 17): a service writes ``Action.X``, never a string; the
audit log shows the member's label.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from iphub.core.audit_actions import AuditAction


class Action(AuditAction):
    VARIANT_CONFIRM = "enterprises.variant_confirm", _("确认申请人名称归并")
    VARIANT_PROPOSE = "enterprises.variant_propose", _("提出申请人名称归并")
    VARIANT_REJECT = "enterprises.variant_reject", _("不予确认申请人名称归并")
    VARIANT_REVOKE = "enterprises.variant_revoke", _("撤销申请人名称归并")
