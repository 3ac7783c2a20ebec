"""The audit trail's action names for funds, claims, insurance, products and financing
requests (``answer_<step>`` for each step of ``workflow.TRANSITIONS``).

One enum per app (issue 17): a service writes ``Action.X``, never a string, and the
audit log shows the member's label. The values are the codes already written into
the chained audit log, which can never be rewritten, so older spellings stay as
they are; a new code is spelt ``<object>_<verb>``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from iphub.core.audit_actions import AuditAction


class Action(AuditAction):
    ANSWER_ACCEPT = "finance.answer_accept", _("银行受理融资需求")
    ANSWER_APPROVE = "finance.answer_approve", _("银行批准贷款")
    ANSWER_CLOSE = "finance.answer_close", _("其他银行已放款，关闭答复")
    ANSWER_DECLINE = "finance.answer_decline", _("银行婉拒融资需求")
    ANSWER_FILES = "finance.answer_files", _("上传融资补充材料")
    ANSWER_LOAN = "finance.answer_loan", _("质押登记后放款")
    ANSWER_NEED_MORE = "finance.answer_need_more", _("银行要求补充材料")
    ANSWER_OVERDUE = "finance.answer_overdue", _("银行超期答复提醒")
    ANSWER_SUPPLEMENT = "finance.answer_supplement", _("补充材料后重新提交")
    ANSWER_WITHDRAW = "finance.answer_withdraw", _("撤回融资需求")
    CLAIM_CREATE = "finance.claim_create", _("提交风险补偿申请")
    CLAIM_DECIDE = "finance.claim_decide", _("审定风险补偿申请")
    DEFAULT_RECORD = "finance.default_record", _("登记贷款违约与损失分担")
    FUND_CREATE = "finance.fund_create", _("登记风险补偿资金")
    FUND_SHARES_SET = "finance.fund_shares_set", _("设定风险补偿分担比例")
    INSURANCE_CLAIM_FILE = "finance.insurance_claim_file", _("提交保险理赔")
    INSURANCE_CLAIM_SETTLE = "finance.insurance_claim_settle", _("办结保险理赔")
    LOANS_IMPORT = "finance.loans_import", _("导入质押贷款数据")
    POLICY_CREATE = "finance.policy_create", _("登记知识产权保险保单")
    PRODUCT_CREATE = "finance.product_create", _("新增贷款产品")
    PRODUCT_UPDATE = "finance.product_update", _("修改贷款产品")
    REQUEST_CREATE = "finance.request_create", _("提交融资需求")
    REQUEST_LOANED = "finance.request_loaned", _("融资需求放款办结")
    WHITELIST_ADD = "finance.whitelist_add", _("列入融资白名单")
    WHITELIST_REMOVE = "finance.whitelist_remove", _("移出融资白名单")

    @classmethod
    def answer_step(cls, name: str) -> Action:
        """The action of the ``workflow.TRANSITIONS`` step called ``name``."""
        return cls(f"finance.answer_{name}")
