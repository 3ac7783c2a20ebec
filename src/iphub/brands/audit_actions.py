"""The audit trail's action names for the brands app.

One enum per app (issue 17): a service writes ``Action.X``, never a string; the
audit log shows the member's label.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from iphub.core.audit_actions import AuditAction


class Action(AuditAction):
    CULTIVATION_CREATE = "brands.cultivation_create", _("发布品牌培育名单")
    CULTIVATION_MEMBER_ADD = "brands.cultivation_member_add", _("品牌加入培育名单")
    INDICATION_CREATE = "brands.indication_create", _("新建地理标志登记")
    INDICATION_PUBLISH = "brands.indication_publish", _("公布地理标志登记")
    INDICATION_REVOKE = "brands.indication_revoke", _("撤销地理标志登记")
    INDICATION_UPDATE = "brands.indication_update", _("修改地理标志登记")
    USE_APPLY = "brands.use_apply", _("申请使用地理标志专用标志")
    USE_APPROVE = "brands.use_approve", _("核准使用专用标志")
    USE_EXPIRE = "brands.use_expire", _("专用标志使用期满终止")
    USE_GRANT = "brands.use_grant", _("登记专用标志使用单位")
    USE_REFUSE = "brands.use_refuse", _("不予核准使用专用标志")
    USE_REVOKE = "brands.use_revoke", _("撤销专用标志使用授权")
    USE_WITHDRAW = "brands.use_withdraw", _("撤回专用标志使用申请")
