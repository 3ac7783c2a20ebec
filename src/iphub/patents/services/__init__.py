"""Writes of the patents app, one module per entity (records, imports, searches)."""

from iphub.patents.services.imports import (
    import_file,
    import_job_create,
    import_job_run,
    import_job_upload,
)
from iphub.patents.services.records import (
    legal_event_append,
    patent_delete,
    patent_owner_change,
    patents_upsert,
)
from iphub.patents.services.searches import (
    export_job_create,
    export_job_run,
    saved_search_alerts_check,
    saved_search_create,
    saved_search_delete,
    search_alert_mark_read,
)

__all__ = [
    "export_job_create",
    "export_job_run",
    "import_file",
    "import_job_create",
    "import_job_run",
    "import_job_upload",
    "legal_event_append",
    "patent_delete",
    "patent_owner_change",
    "patents_upsert",
    "saved_search_alerts_check",
    "saved_search_create",
    "saved_search_delete",
    "search_alert_mark_read",
]
