"""Audit entries tamper-evident and kept six months (issue 18, MLPS level 3).

Existing entries get their digest and are sealed onto the chain in id order
(iphub.core.auditchain). On PostgreSQL a trigger refuses DELETE of entries younger
than 180 days from any client, not only through the ORM; TRUNCATE (a test
database's flush) is not a row delete and is not affected. SQLite has no such
trigger: Django flushes SQLite test databases with DELETE.
"""

import django.utils.timezone
from django.db import migrations, models

from iphub.core.auditchain import DIGEST_FIELDS, GENESIS, entry_digest, link_hash

_TRIGGER = """
CREATE OR REPLACE FUNCTION core_auditentry_keep() RETURNS trigger AS $$
BEGIN
    IF OLD.at > now() - interval '180 days' THEN
        RAISE EXCEPTION '审计日志至少保存 180 天，不能删除 % 的记录（第 % 条）', OLD.at, OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditentry_keep BEFORE DELETE ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION core_auditentry_keep();
"""
_DROP = """
DROP TRIGGER IF EXISTS core_auditentry_keep ON core_auditentry;
DROP FUNCTION IF EXISTS core_auditentry_keep();
"""


def _seal_existing(apps, schema_editor):
    AuditEntry = apps.get_model("core", "AuditEntry")
    AuditChainHead = apps.get_model("core", "AuditChainHead")
    seq, previous = 0, GENESIS
    batch = []
    for row in AuditEntry.objects.order_by("id").values("id", *DIGEST_FIELDS).iterator():
        digest = entry_digest(row)
        seq += 1
        previous = link_hash(previous, seq, row["id"], digest)
        batch.append(AuditEntry(id=row["id"], digest=digest, chain_seq=seq, chain_hash=previous))
        if len(batch) == 500:
            AuditEntry.objects.bulk_update(batch, ["digest", "chain_seq", "chain_hash"])
            batch = []
    AuditEntry.objects.bulk_update(batch, ["digest", "chain_seq", "chain_hash"])
    AuditChainHead.objects.create(pk=1, seq=seq, hash=previous)


def _trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # A plain cursor: no parameters, so RAISE's own % placeholders stay as they are.
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(_TRIGGER)


def _drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_apitoken_scope_expiry"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditChainHead",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("seq", models.PositiveBigIntegerField(default=0)),
                (
                    "hash",
                    models.CharField(
                        default="0000000000000000000000000000000000000000000000000000000000000000",
                        max_length=64,
                    ),
                ),
                ("sealed_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "verbose_name": "审计链头",
                "verbose_name_plural": "审计链头",
            },
        ),
        migrations.AddField(
            model_name="auditentry",
            name="chain_hash",
            field=models.CharField(
                blank=True, editable=False, max_length=64, verbose_name="链哈希"
            ),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="chain_seq",
            field=models.PositiveBigIntegerField(
                editable=False, null=True, unique=True, verbose_name="链序号"
            ),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="digest",
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name="摘要"),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="at",
            field=models.DateTimeField(
                db_index=True,
                default=django.utils.timezone.now,
                editable=False,
                verbose_name="时间",
            ),
        ),
        migrations.RunPython(_seal_existing, migrations.RunPython.noop),
        migrations.RunPython(_trigger, _drop_trigger),
    ]
