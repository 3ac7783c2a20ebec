"""The audit trail's action names for campaigns, cases, cooperation, workstations,
assistance, fast track and 蓝天 screening.

One enum per app (issue 17): a service writes ``Action.X``, never a string, and the
audit log shows the member's label. The values are the codes already written into
the chained audit log, which can never be rewritten, so older spellings stay as
they are; a new code is spelt ``<object>_<verb>``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from iphub.core.audit_actions import AuditAction


class Action(AuditAction):
    ASSISTANCE_FEEDBACK_SUBMIT = "assistance_feedback_submit", _("评价维权援助")
    ASSISTANCE_REQUEST_CLOSE = "assistance_request_close", _("办结维权援助申请")
    ASSISTANCE_REQUEST_SUBMIT = "assistance_request_submit", _("提交维权援助申请")
    CAMPAIGN_CREATE = "campaign_create", _("发起专项行动")
    CAMPAIGN_UPDATE = "campaign_update", _("修改专项行动")
    CASE_CREATE = "case_create", _("登记案件")
    CASE_TRANSITION = "case_transition", _("案件办理")
    COOPERATION_REQUEST_ANSWER = "cooperation_request_answer", _("答复协作请求")
    COOPERATION_REQUEST_CREATE = "cooperation_request_create", _("发起协作请求")
    EVIDENCE_ADD = "evidence_add", _("上传证据")
    EVIDENCE_RECOGNISE = "evidence_recognise", _("证据互认")
    FASTTRACK_REQUEST_DECIDE = "fasttrack_request_decide", _("办理快速预审申请")
    FASTTRACK_REQUEST_SUBMIT = "fasttrack_request_submit", _("提交快速预审申请")
    FLAGGED_GROUP_CONFIRM = "flagged_group_confirm", _("确认疑似非正常申请")
    FLAGGED_GROUP_DISMISS = "flagged_group_dismiss", _("排除疑似非正常申请")
    SCREENING_RUN_CREATE = "screening_run_create", _("发起蓝天筛查")
    STATION_ACTIVITY_RECORD = "station_activity_record", _("记录工作站活动")
    STATION_SERVICE_RECORD = "station_service_record", _("记录服务工作站服务")
    WORKSTATION_CREATE = "workstation_create", _("登记维权工作站")
