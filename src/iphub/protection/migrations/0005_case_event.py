"""CaseTransition becomes CaseEvent: every app's history table is called ``…Event``
(issue 17, "Rooms filled and named alike")."""

from django.conf import settings
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("protection", "0004_contact_phone_encrypted"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameModel(old_name="CaseTransition", new_name="CaseEvent"),
        migrations.AlterModelOptions(
            name="caseevent",
            options={
                "ordering": ["at", "id"],
                "verbose_name": "案件记录",
                "verbose_name_plural": "案件记录",
            },
        ),
        migrations.AlterField(
            model_name="caseevent",
            name="case",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="events",
                to="protection.case",
            ),
        ),
    ]
