"""The audit trail's action names for the overseas app.

One enum per app (issue 17): a service writes ``Action.X``, never a string; the
audit log shows the member's label.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from iphub.core.audit_actions import AuditAction


class Action(AuditAction):
    CASE_ACCEPT = "overseas.case_accept", _("受理海外纠纷")
    CASE_CLOSE = "overseas.case_close", _("办结海外纠纷")
    CASE_OPEN = "overseas.case_open", _("登记海外纠纷")
    CASE_WITHDRAW = "overseas.case_withdraw", _("撤回海外纠纷")
    CONFLICT_DECLARE = "overseas.conflict_declare", _("声明专家利益冲突")
    EXPERT_ASSIGN = "overseas.expert_assign", _("指派海外维权专家")
    EXPERT_CREATE = "overseas.expert_create", _("加入海外维权专家库")
    GUIDANCE_ADD = "overseas.guidance_add", _("发出纠纷应对指导")
    WATCH_CREATE = "overseas.watch_create", _("建立海外风险监测")
    WATCH_RUN = "overseas.watch_run", _("海外风险监测发出预警")
    WATCH_SUBSCRIBE = "overseas.watch_subscribe", _("订阅海外风险预警")
    WATCH_UNSUBSCRIBE = "overseas.watch_unsubscribe", _("取消订阅海外风险预警")
