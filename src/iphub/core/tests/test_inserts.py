"""RowInserter stores what save() would, gives back the keys in order, and
refuses what save() refuses; RowUpdater writes only where its guard holds."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import models
from django.test.utils import isolate_apps

from iphub.core.audit import audit_entry
from iphub.core.audit_actions import Action
from iphub.core.inserts import RowInserter, RowUpdater
from iphub.core.models import AuditEntry, Organisation, User

pytestmark = pytest.mark.django_db


def _stored(entry: AuditEntry) -> dict[str, Any]:
    row = AuditEntry.objects.filter(pk=entry.pk).values().get()
    # The digest covers the time, which differs between the two rows.
    return {k: v for k, v in row.items() if k not in ("id", "at", "digest")}


def _entry(actor: User | None, n: int) -> AuditEntry:
    return audit_entry(
        actor=actor,
        action=Action.AUDIT_VERIFY,
        object_type="x",
        object_id=str(n),
        object_repr=f"对象 {n}",
        before={"金额": "1.00", "n": n},
        after={"金额": "2.50", "n": None, "list": [1, "二"]},
    )


def test_a_row_reads_back_as_the_same_row_saved_by_the_orm(cast: dict[str, User]) -> None:
    actor = cast["enterprise"]
    by_orm, by_inserter = _entry(actor, 1), _entry(actor, 1)
    by_orm.save()
    RowInserter(AuditEntry).insert([by_inserter])
    assert by_inserter.pk is not None and by_inserter.pk != by_orm.pk
    assert not by_inserter._state.adding
    # auto_now_add was filled, and JSON, the foreign key and the defaults round-trip.
    assert by_inserter.at is not None
    assert _stored(by_inserter) == _stored(by_orm)
    assert _stored(by_inserter)["after"] == {"金额": "2.50", "n": None, "list": [1, "二"]}


def test_several_rows_get_their_own_keys_in_order_across_statements() -> None:
    inserter = RowInserter(AuditEntry)
    inserter.chunk = 2  # five rows: three statements
    entries = [_entry(None, n) for n in range(5)]
    inserter.insert(entries)
    assert len({e.pk for e in entries}) == 5
    for n, e in enumerate(entries):
        assert AuditEntry.objects.get(pk=e.pk).object_id == str(n)


def test_saved_rows_and_unsaved_related_objects_are_refused_and_nothing_is_stored() -> None:
    inserter = RowInserter(AuditEntry)
    saved = _entry(None, 1)
    saved.save()
    with pytest.raises(ValueError, match="already saved"):
        inserter.insert([_entry(None, 2), saved])
    with pytest.raises(ValueError, match="unsaved related object"):
        inserter.insert([_entry(None, 3), _entry(User(username="nobody"), 4)])
    assert list(AuditEntry.objects.values_list("object_id", flat=True)) == ["1"]


@isolate_apps("iphub.core")
def test_models_the_orm_would_insert_differently_are_refused() -> None:
    class Keyed(models.Model):  # noqa: DJ008
        code = models.CharField(primary_key=True, max_length=4)

        class Meta:
            app_label = "core"

    class Defaulted(models.Model):  # noqa: DJ008
        n = models.IntegerField(db_default=0)

        class Meta:
            app_label = "core"

    with pytest.raises(TypeError, match="auto-increment"):
        RowInserter(Keyed)
    with pytest.raises(TypeError, match="database-side"):
        RowInserter(Defaulted)


def test_update_changes_the_guarded_row_and_a_stale_guard_changes_nothing(
    orgs: dict[str, Organisation],
) -> None:
    org, other = orgs["wuhan_hongshan"], orgs["yichang"]
    updater = RowUpdater(Organisation)
    # By attname and by name; JSON and a foreign key as the ORM would store them.
    values = {"region_id": other.region_id, "tags": ["高新技术企业"], "contact_name": "李四"}
    assert updater.update(values, {"id": org.pk, "name": org.name}) == 1
    org.refresh_from_db()
    assert (org.region_id, org.tags, org.contact_name) == (
        other.region_id,
        ["高新技术企业"],
        "李四",
    )
    # The guard no longer holds (someone renamed it): nothing is written.
    assert updater.update({"contact_name": "王五"}, {"id": org.pk, "name": "旧名称"}) == 0
    org.refresh_from_db()
    assert org.contact_name == "李四"
    other.refresh_from_db()
    assert other.contact_name == ""
