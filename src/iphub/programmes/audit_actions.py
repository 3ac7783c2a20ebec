"""The audit trail's action names for the programmes app.

One enum per app (issue 17): a service writes ``Action.X``, never a string; the
audit log shows the member's label.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from iphub.core.audit_actions import AuditAction


class Action(AuditAction):
    PROGRAMME_APPLY = "programme_apply", _("申报培育项目")
    PROGRAMME_APPROVE = "programme_approve", _("培育项目省级批准")
    PROGRAMME_CREATE = "programme_create", _("设立培育项目")
    PROGRAMME_INDICATOR_REPORT = "programme_indicator_report", _("填报培育项目年度指标")
    PROGRAMME_MEMBERSHIP_EXPIRE = "programme_membership_expire", _("培育项目成员资格到期")
    PROGRAMME_MEMBERSHIP_GRANT = "programme_membership_grant", _("授予培育项目成员资格")
    PROGRAMME_MEMBERSHIP_RENEW = "programme_membership_renew", _("续期培育项目成员资格")
    PROGRAMME_RECOMMEND = "programme_recommend", _("培育项目市级评分推荐")
    PROGRAMME_REJECT = "programme_reject", _("培育项目不予批准")
    PROGRAMME_RESUBMIT = "programme_resubmit", _("培育项目申报补正后重新提交")
    PROGRAMME_RETURN = "programme_return", _("培育项目申报退回补正")
    PROGRAMME_TAG_ADD = "programme_tag_add", _("授予组织标签")
    PROGRAMME_TAG_REMOVE = "programme_tag_remove", _("移除组织标签")
    PROGRAMME_WITHDRAW = "programme_withdraw", _("撤回培育项目申报")
