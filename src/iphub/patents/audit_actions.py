"""The audit trail's action names for patent and trademark records, searches and value-
grade weights.

One enum per app (issue 17): a service writes ``Action.X``, never a string, and the
audit log shows the member's label. The values are the codes already written into
the chained audit log, which can never be rewritten, so older spellings stay as
they are; a new code is spelt ``<object>_<verb>``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from iphub.core.audit_actions import AuditAction


class Action(AuditAction):
    GRADE_WEIGHTS_UPDATE = "grade_weights_update", _("修改专利价值分级权重")
    LEGAL_EVENT_APPEND = "legal_event_append", _("添加法律状态事件")
    PATENT_DELETE = "patent_delete", _("删除专利记录")
    PATENT_EXPORT = "patent_export", _("导出检索结果")
    PATENT_IMPORT = "patent_import", _("导入专利数据")
    PATENT_OWNER_CHANGE = "patent_owner_change", _("变更专利权人")
    PATENT_STATUS_CHANGE = "patent_status_change", _("变更专利法律状态")
    SAVED_SEARCH_CREATE = "saved_search_create", _("保存检索式")
    SAVED_SEARCH_DELETE = "saved_search_delete", _("删除保存的检索式")
    TRADEMARK_IMPORT = "trademark_import", _("导入商标数据")
