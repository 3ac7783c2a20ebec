"""What patents announces, for the apps above it to act on.

patents sits below every domain app and imports none of them; an app that must
follow the corpus (蓝天 screening, the navigation snapshot) or add to a patent's
page subscribes here in its ``AppConfig.ready()``. Django signals: receivers run
in the sender's thread in the order the apps are installed, and an exception in
a receiver reaches the sender (a subscriber failing is not hidden).
"""

from __future__ import annotations

from django.dispatch import Signal

# Records were created or updated by an import (sent after the import's own
# writes, outside its transaction). Arguments: ``patent_ids`` (the ids written,
# possibly a million: an ``iphub.core.id_ranges.IdRanges``, iterable, sized, and
# read a chunk at a time with ``chunks``/``q`` rather than copied into a list),
# ``import_job`` (the ImportJob).
patents_imported = Signal()

# The search index was rebuilt from the database (``manage.py reindex``), which
# follows bulk changes. No arguments.
corpus_reindexed = Signal()

# A patent's detail page is being drawn for ``user``. Arguments: ``patent``,
# ``user``. Each receiver returns a dict of extra template context (e.g.
# navigation's ``high_value`` criteria), or ``{}``.
patent_detail_shown = Signal()


# The grade weights' method page is being drawn. No arguments; each receiver
# returns extra template context (navigation: ``criteria``, the national
# high-value criteria shown beside the weights).
grade_method_shown = Signal()


def _answers(signal: Signal, **kwargs: object) -> dict[str, object]:
    extra: dict[str, object] = {}
    for _receiver, answer in signal.send(sender=None, **kwargs):
        if isinstance(answer, dict):
            extra.update(answer)
    return extra


def grade_method_context() -> dict[str, object]:
    """The extra context the subscribed apps give the grade method page."""
    return _answers(grade_method_shown)


def detail_context(*, patent: object, user: object) -> dict[str, object]:
    """The extra context the subscribed apps give a patent's detail page."""
    return _answers(patent_detail_shown, patent=patent, user=user)
