"""The audit trail's action names for the training app.

One enum per app (issue 17): a service writes ``Action.X``, never a string; the
audit log shows the member's label.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from iphub.core.audit_actions import AuditAction


class Action(AuditAction):
    CANCEL = "training.cancel", _("取消培训报名")
    CERTIFY = "training.certify", _("培训测试通过并发放证书")
    CHECK_IN = "training.check_in", _("培训扫码签到")
    COURSE_CREATE = "training.course_create", _("新建培训课程")
    COURSE_PUBLISH = "training.course_publish", _("发布培训课程")
    COURSE_UNPUBLISH = "training.course_unpublish", _("下架培训课程")
    COURSE_UPDATE = "training.course_update", _("修改培训课程")
    QUESTIONS_SET = "training.questions_set", _("设置结业测试题")
    QUIZ_FAIL = "training.quiz_fail", _("培训测试未通过")
    REGISTER = "training.register", _("培训报名")
    REVOKE = "training.revoke", _("撤销培训证书")
    ROLL_CALL = "training.roll_call", _("培训点名签到")
    SESSION_CREATE = "training.session_create", _("新增培训班次")
