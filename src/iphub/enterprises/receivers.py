"""What the enterprises app adds to lower apps' pages, through their signals."""

from __future__ import annotations

from typing import Any

from iphub.patents.events import patent_detail_shown, patents_imported


def applicant_profiles(sender: Any, *, patent: Any, user: Any, **_: Any) -> dict[str, Any]:
    """A patent's applicants that are registered organisations, with the link to
    their profile (the full one if the viewer may see it, else the public one)."""
    from iphub.enterprises.selectors import organisations_by_key, profile_url

    parties = [p for p in patent.parties.all() if p.role == "applicant"]
    found = organisations_by_key([p.key for p in parties])
    links = []
    for p in parties:
        org = found.get(p.key)
        url = profile_url(user, org) if org is not None else ""
        if org is not None and url:
            links.append({"name": p.name, "organisation": org.name, "url": url})
    return {"applicant_profiles": links}


def refresh_peer_figures_after_import(**_: Any) -> None:
    """An import makes every stored peer figure stale (its stamp moved): recompute
    them in the background, so the next profile does not pay for it."""
    from django.db import transaction

    from iphub.enterprises.tasks import refresh_peer_figures

    transaction.on_commit(refresh_peer_figures.enqueue)


def connect() -> None:
    patent_detail_shown.connect(applicant_profiles, dispatch_uid="enterprises.applicant_profiles")
    patents_imported.connect(
        refresh_peer_figures_after_import, dispatch_uid="enterprises.peer_figures.import"
    )
