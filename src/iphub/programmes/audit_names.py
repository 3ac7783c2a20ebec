"""The audit trail's words for programmes' actions, registered into core's table
when the app is ready (core imports no app above it)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTION_NAMES = {
    "programme_create": _("设立培育项目"),
    "programme_apply": _("申报培育项目"),
    "programme_resubmit": _("培育项目申报补正后重新提交"),
    "programme_withdraw": _("撤回培育项目申报"),
    "programme_return": _("培育项目申报退回补正"),
    "programme_recommend": _("培育项目市级评分推荐"),
    "programme_approve": _("培育项目省级批准"),
    "programme_reject": _("培育项目不予批准"),
    "programme_membership_grant": _("授予培育项目成员资格"),
    "programme_membership_renew": _("续期培育项目成员资格"),
    "programme_membership_expire": _("培育项目成员资格到期"),
    "programme_tag_add": _("授予组织标签"),
    "programme_tag_remove": _("移除组织标签"),
    "programme_indicator_report": _("填报培育项目年度指标"),
}


def register_action_names() -> None:
    """Add programmes' action names to the audit trail's table."""
    from iphub.core.audit_labels import ACTION_LABELS

    ACTION_LABELS.update(ACTION_NAMES)
