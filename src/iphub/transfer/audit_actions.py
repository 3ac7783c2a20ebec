"""The audit trail's action names for needs, listings, matches, deals, docking events
and notifications.

One enum per app (issue 17): a service writes ``Action.X``, never a string, and the
audit log shows the member's label. The values are the codes already written into
the chained audit log, which can never be rewritten, so older spellings stay as
they are; a new code is spelt ``<object>_<verb>``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from iphub.core.audit_actions import AuditAction


class Action(AuditAction):
    DEAL_LINK_FILING = "deal_link_filing", _("成交关联备案")
    DEAL_RECORD = "deal_record", _("登记成交")
    EVENT_CREATE = "event_create", _("创建对接活动")
    EVENT_INVITE = "event_invite", _("邀请参加对接活动")
    EVENT_PAIR_OUTCOME = "event_pair_outcome", _("记录对接结果")
    EVENT_REGISTER = "event_register", _("报名对接活动")
    LISTING_CREATE = "listing_create", _("专利挂牌")
    LISTING_REVOKE = "listing_revoke", _("撤销挂牌")
    LISTING_WITHDRAW = "listing_withdraw", _("撤回挂牌")
    MATCH_ACCEPT = "match_accept", _("同意对接")
    MATCH_DEAL = "match_deal", _("匹配达成交易")
    MATCH_REJECT = "match_reject", _("拒绝对接")
    MATCH_REQUEST_CONTACT = "match_request_contact", _("请求对接")
    MATCH_FROM_INTEREST = "match_from_interest", _("因推送意向生成匹配")
    MATCH_RUN = "match_run", _("计算供需匹配")
    NEED_CLOSE = "need_close", _("关闭技术需求")
    NEED_CREATE = "need_create", _("发布技术需求")
    NEED_EXPIRE = "need_expire", _("技术需求到期")
    NEED_IMPORT = "need_import", _("导入技术需求")
    NEED_MARK_STALE = "need_mark_stale", _("技术需求待确认")
    NEED_MATCH_AGAIN = "need_match_again", _("重新匹配技术需求")
    NEED_RENEW = "need_renew", _("续期技术需求")
    NEED_UPDATE = "need_update", _("修改技术需求")
    NOTIFICATIONS_MARK_READ = "notifications_mark_read", _("通知标为已读")
