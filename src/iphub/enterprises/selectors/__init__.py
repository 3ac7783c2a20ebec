"""Reads of the enterprises app: who sees a profile (``access``), its figures
(``figures``, ``tables``), its peers (``peers``) and the applicant-name variants
(``variants``)."""

from iphub.enterprises.selectors.access import (
    is_own_organisation,
    organisation_by_uscc,
    organisation_names,
    organisations_by_key,
    own_profile_uscc,
    profile_organisation,
    profile_url,
    sees_full_profile,
)
from iphub.enterprises.selectors.figures import Profile, Table, profile_build
from iphub.enterprises.selectors.variants import (
    name_patent_count,
    similar_applicant_names,
    variant_get,
    variant_list,
    variant_queue,
    variant_rows,
)

__all__ = [
    "Profile",
    "Table",
    "is_own_organisation",
    "name_patent_count",
    "organisation_by_uscc",
    "organisation_names",
    "organisations_by_key",
    "own_profile_uscc",
    "profile_build",
    "profile_organisation",
    "profile_url",
    "sees_full_profile",
    "similar_applicant_names",
    "variant_get",
    "variant_list",
    "variant_queue",
    "variant_rows",
]
