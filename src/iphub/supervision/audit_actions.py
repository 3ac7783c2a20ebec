"""The audit trail's action names for the plan, targets, schemes and monthly reports
(``report_<step>`` for each step of ``workflow.TRANSITIONS``).

One enum per app (issue 17): a service writes ``Action.X``, never a string, and the
audit log shows the member's label. The values are the codes already written into
the chained audit log, which can never be rewritten, so older spellings stay as
they are; a new code is spelt ``<object>_<verb>``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from iphub.core.audit_actions import AuditAction


class Action(AuditAction):
    COUNTY_REPORTING_SET = "supervision.county_reporting_set", _("设置县级月报")
    PLAN_LOAD = "supervision.plan_load", _("载入实施方案")
    REPORT_ACCEPT = "supervision.report_accept", _("采纳月报")
    REPORT_ATTACH = "supervision.report_attach", _("上传月报附件")
    REPORT_OPEN = "supervision.report_open", _("新建月报")
    REPORT_RESUBMIT = "supervision.report_resubmit", _("重新报送月报")
    REPORT_RETURN = "supervision.report_return", _("退回月报")
    REPORT_SUBMIT = "supervision.report_submit", _("报送月报")
    REPORT_UPDATE = "supervision.report_update", _("修改月报")
    SCHEME_SAVE = "supervision.scheme_save", _("保存考核方案")
    TARGET_UPDATE = "supervision.target_update", _("修改任务目标")

    @classmethod
    def report_step(cls, name: str) -> Action:
        """The action of the ``workflow.TRANSITIONS`` step called ``name``."""
        return cls(f"supervision.report_{name}")
