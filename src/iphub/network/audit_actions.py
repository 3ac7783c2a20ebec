"""The audit trail's action names for the network app.

One enum per app (issue 17): a service writes ``Action.X``, never a string; the
audit log shows the member's label.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from iphub.core.audit_actions import AuditAction


class Action(AuditAction):
    AGENCY_PROFILE_UPDATE = "network.agency_profile_update", _("修改服务机构名录信息")
    AGENT_ADD = "network.agent_add", _("登记专利代理师")
    AGENT_DEACTIVATE = "network.agent_deactivate", _("代理师不再执业")
    OUTLET_CREATE = "network.outlet_create", _("新增信息服务网点")
    OUTLET_STAFF_ADD = "network.outlet_staff_add", _("添加网点服务人员")
    OUTLET_STAFF_REMOVE = "network.outlet_staff_remove", _("移除网点服务人员")
    OUTLET_UPDATE = "network.outlet_update", _("修改信息服务网点")
    TICKET_ACCEPT = "network.ticket_accept", _("受理服务工单")
    TICKET_CLOSE = "network.ticket_close", _("办结服务工单")
    TICKET_DECLINE = "network.ticket_decline", _("不予受理服务工单")
    TICKET_OPEN = "network.ticket_open", _("提交服务工单")
    TICKET_OVERDUE = "network.ticket_overdue", _("服务工单超期标记")
    TICKET_RATE = "network.ticket_rate", _("评价服务工单")
    TICKET_WITHDRAW = "network.ticket_withdraw", _("撤回服务工单")
