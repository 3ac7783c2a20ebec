"""The audit trail's action names for the brokerage app.

One enum per app (issue 17): a service writes ``Action.X``, never a string; the
audit log shows the member's label.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from iphub.core.audit_actions import AuditAction


class Action(AuditAction):
    ASSIGNMENT_SET = "assignment_set", _("指派技术经理人")
    BROKER_REGISTER = "broker_register", _("登记技术经理人")
    BROKER_REVOKE = "broker_revoke", _("撤销技术经理人")
    BROKER_VERIFY = "broker_verify", _("核验技术经理人")
    CALL_AWARD = "call_award", _("确定揭榜方")
    CALL_CANCEL = "call_cancel", _("撤榜")
    CALL_CREATE = "call_create", _("创建揭榜挂帅榜单")
    CALL_PUBLISH = "call_publish", _("发布榜单")
    CONTACT_LOG_ADD = "contact_log_add", _("记录经理人联络情况")
    PROPOSAL_DECLINE = "proposal_decline", _("揭榜方案不予入选")
    PROPOSAL_SCORE = "proposal_score", _("为揭榜方案评分")
    PROPOSAL_SUBMIT = "proposal_submit", _("提交揭榜方案")
    PROPOSAL_WITHDRAW = "proposal_withdraw", _("撤回揭榜方案")
    PUSH_ANSWER = "push_answer", _("答复推送的专利")
    PUSH_CREATE = "push_create", _("推送专利给企业")
    PUSH_MUTE = "push_mute", _("设置专利推送接收")
    PUSH_OPEN = "push_open", _("查看推送的专利")
    PUSH_RUN_REQUEST = "push_run_request", _("发起专利推送")
