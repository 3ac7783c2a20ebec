"""The audit trail's action names for 一网通办 filings (one per step of
``workflow.TRANSITIONS``; a filing's creation is ``<kind>_create``, named by its
kind).

One enum per app (issue 17): a service writes ``Action.X``, never a string, and the
audit log shows the member's label. The values are the codes already written into
the chained audit log, which can never be rewritten, so older spellings stay as
they are; a new code is spelt ``<object>_<verb>``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from iphub.core.audit_actions import AuditAction


class Action(AuditAction):
    FILING_ACCEPT = "filing_accept", _("受理申请")
    FILING_APPROVE = "filing_approve", _("准予登记/备案")
    FILING_CANCEL = "filing_cancel", _("注销登记生效")
    FILING_CORRECT = "filing_correct", _("补正申请内容")
    FILING_DRAFT_UPDATE = "filing_draft_update", _("修改申请草稿")
    FILING_ESCALATE = "filing_escalate", _("超时提级督办")
    FILING_REFUSE = "filing_refuse", _("不予登记/备案")
    FILING_RESUBMIT = "filing_resubmit", _("补正后重新提交")
    FILING_RETURN = "filing_return", _("退回补正")
    FILING_SUBMIT = "filing_submit", _("提交申请")
    FILING_SUPERSEDE = "filing_supersede", _("变更登记生效")
    FILING_WITHDRAW = "filing_withdraw", _("撤回申请")
    # a filing's creation, one per FilingKind (``Action.created(kind)``)
    PATENT_PLEDGE_CREATE = "patent_pledge_create", _("新建申请：专利权质押登记")
    TRADEMARK_PLEDGE_CREATE = "trademark_pledge_create", _("新建申请：商标专用权质押登记")
    PATENT_LICENCE_CREATE = "patent_licence_create", _("新建申请：专利实施许可合同备案")
    PATENT_TRANSFER_CREATE = "patent_transfer_create", _("新建申请：专利权转让登记")
    PATENT_PRODUCT_CREATE = "patent_product_create", _("新建申请：专利产品备案")

    @classmethod
    def created(cls, kind: str) -> Action:
        """The action of creating a filing of ``kind`` (a ``FilingKind`` value)."""
        return cls(f"{kind}_create")

    @classmethod
    def step(cls, name: str) -> Action:
        """The action of the ``workflow.TRANSITIONS`` step called ``name``."""
        return cls(f"filing_{name}")
