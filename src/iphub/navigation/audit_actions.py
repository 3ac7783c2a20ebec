"""The audit trail's action names for industry chains, analyses, evidence and projects.

One enum per app (issue 17): a service writes ``Action.X``, never a string, and the
audit log shows the member's label. The values are the codes already written into
the chained audit log, which can never be rewritten, so older spellings stay as
they are; a new code is spelt ``<object>_<verb>``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from iphub.core.audit_actions import AuditAction


class Action(AuditAction):
    ANALYSIS_REQUEST = "navigation.analysis_request", _("申请导航分析")
    CHAIN_CREATE = "navigation.chain_create", _("新建产业链")
    CHAIN_UPDATE = "navigation.chain_update", _("修改产业链")
    EVIDENCE_ADD = "navigation.evidence_add", _("添加补充事实")
    EVIDENCE_REMOVE = "navigation.evidence_remove", _("撤回补充事实")
    EVIDENCE_UPDATE = "navigation.evidence_update", _("修改补充事实")
    PROJECT_CREATE = "navigation.project_create", _("登记导航项目")
