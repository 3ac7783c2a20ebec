"""The names of this app's audit actions, added to core's table when the app is
ready (core names only its own and the first apps' actions)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from iphub.core.audit_labels import ACTION_LABELS

LABELS = {
    "push_mute": _("设置专利推送接收"),
    "push_run_request": _("发起专利推送"),
    "push_create": _("推送专利给企业"),
    "push_open": _("查看推送的专利"),
    "push_answer": _("答复推送的专利"),
    "match_from_interest": _("因推送意向生成匹配"),
    "broker_register": _("登记技术经理人"),
    "broker_verify": _("核验技术经理人"),
    "broker_revoke": _("撤销技术经理人"),
    "assignment_set": _("指派技术经理人"),
    "contact_log_add": _("记录经理人联络情况"),
    "call_create": _("创建揭榜挂帅榜单"),
    "call_publish": _("发布榜单"),
    "call_cancel": _("撤榜"),
    "call_award": _("确定揭榜方"),
    "proposal_submit": _("提交揭榜方案"),
    "proposal_withdraw": _("撤回揭榜方案"),
    "proposal_score": _("为揭榜方案评分"),
    "proposal_decline": _("揭榜方案不予入选"),
}


def register_labels() -> None:
    for code, label in LABELS.items():
        ACTION_LABELS.setdefault(code, label)
