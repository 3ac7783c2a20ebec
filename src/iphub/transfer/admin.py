"""Admin of the transfer app (知慧桥), read-only: needs, listings, matches,
docking events and deals move through ``workflow.py`` and the services (who may
act, what a listing's legal status allows, notifications, audit); an admin form
would pass them by. The system administrator reads them here."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from iphub.core.admin import ReadOnlyAdmin
from iphub.transfer.models import Deal, DockingEvent, Match, SupplyListing, TechnologyNeed


class OrganisationShown(ReadOnlyAdmin):
    """Needs and listings name the organisation that posted them."""

    @admin.display(description=_("发布单位"), ordering="organisation__name")
    def posted_by(self, obj: TechnologyNeed | SupplyListing) -> str:
        return obj.organisation.name


@admin.register(TechnologyNeed)
class TechnologyNeedAdmin(OrganisationShown):
    list_display = ("title", "posted_by", "region", "status", "deadline", "confirmed_at")
    list_filter = ("status", "source")
    list_select_related = ("organisation", "region")
    search_fields = ("title", "organisation__name")


@admin.register(SupplyListing)
class SupplyListingAdmin(OrganisationShown):
    list_display = ("title", "posted_by", "region", "mode", "status", "asking_price")
    list_filter = ("mode", "status")
    list_select_related = ("organisation", "region")
    search_fields = ("title", "organisation__name")


@admin.register(Match)
class MatchAdmin(ReadOnlyAdmin):
    list_display = ("need_title", "patent_number", "score", "stage")
    list_filter = ("stage",)
    list_select_related = ("need", "patent")
    search_fields = ("need__title", "patent__application_number")

    @admin.display(description=_("技术需求"))
    def need_title(self, obj: Match) -> str:
        return obj.need.title

    @admin.display(description=_("专利"))
    def patent_number(self, obj: Match) -> str:
        return obj.patent.application_number


@admin.register(DockingEvent)
class DockingEventAdmin(ReadOnlyAdmin):
    list_display = ("title", "industry_chain", "date", "region", "status")
    list_filter = ("status",)
    list_select_related = ("region",)
    search_fields = ("title", "industry_chain")


@admin.register(Deal)
class DealAdmin(ReadOnlyAdmin):
    list_display = ("signed_on", "kind", "seller", "buyer", "amount", "region")
    list_filter = ("kind",)
    list_select_related = ("seller", "buyer", "region")
    search_fields = ("seller__name", "buyer__name", "filing_reference")
