"""Admin for risk-compensation funds (with their claims) and bank-reported loans.

Changes leave audit rows through ``AuditedAdmin``, as the pages' services do.
"""

from __future__ import annotations

from django.contrib import admin

from iphub.core.admin import AuditedAdmin
from iphub.finance.models import BankLoanReport, CompensationClaim, RiskCompensationFund


class CompensationClaimInline(admin.TabularInline):  # type: ignore[type-arg]
    model = CompensationClaim
    extra = 0
    fields = ("bank", "borrower", "amount", "claimed_on", "status")


@admin.register(RiskCompensationFund)
class RiskCompensationFundAdmin(AuditedAdmin):
    list_display = ("name", "region", "size", "established_on", "manager")
    list_filter = ("region",)
    search_fields = ("name", "manager")
    inlines = (CompensationClaimInline,)


@admin.register(CompensationClaim)
class CompensationClaimAdmin(AuditedAdmin):
    list_display = ("fund", "bank", "borrower", "amount", "claimed_on", "status")
    list_filter = ("status",)
    search_fields = ("bank", "borrower", "fund__name")


@admin.register(BankLoanReport)
class BankLoanReportAdmin(AuditedAdmin):
    list_display = ("bank", "region", "month", "pledge_kind", "industry", "loans", "amount")
    list_filter = ("pledge_kind", "month")
    search_fields = ("bank", "industry")
