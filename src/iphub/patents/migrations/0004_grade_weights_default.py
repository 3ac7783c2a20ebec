"""The value grade's default settings row set (docs/value-grade.md); staff change it later."""

from django.db import migrations

# Copied from iphub.patents.intelligence.grade at the time of writing: a migration
# must not change when the code's defaults do.
FACTORS = [
    ("status", "法律状态", 20, "有效 满分；审中 4 成；失效 0"),
    ("term", "剩余保护期", 10, "剩余年限 / 法定保护期"),
    ("type", "专利类型", 10, "授权发明 满分；审中发明 6 成；实用新型 4 成；外观设计 2.5 成"),
    ("claims", "权利要求", 10, "项数（10 项满）5 成、独立权利要求（3 项满）3 成、首项简短 2 成"),
    ("family", "同族规模", 10, "同族成员（5 件满）5 成、海外成员（2 件满）5 成"),
    ("forward", "被引次数", 12, "平台内被引，对数刻度，10 次满分"),
    ("backward", "引证文献", 3, "列出的引证文献（10 篇满）"),
    ("ipc", "IPC 覆盖", 5, "不同 IPC 小类数（4 个满）"),
    ("applicant", "申请人类型", 5, "企业 满分；高校/科研院所 8 成；个人 4 成"),
    ("deals", "运用事件", 10, "许可 4 成、转让 3 成、质押 3 成、开放许可 2 成，合计封顶"),
    ("inventors", "发明人数", 3, "发明人（5 人满）"),
    ("age", "维持年限", 2, "有效专利已维持年限（10 年满）"),
]
BANDS = [("A", 70), ("B", 50), ("C", 30), ("D", 0)]


def load(apps, schema_editor):
    GradeWeight = apps.get_model("patents", "GradeWeight")
    for i, (key, label, points, note) in enumerate(FACTORS):
        GradeWeight.objects.get_or_create(
            key=key,
            defaults={
                "kind": "factor",
                "label": label,
                "points": points,
                "position": i,
                "note": note,
            },
        )
    for i, (band, low) in enumerate(BANDS):
        GradeWeight.objects.get_or_create(
            key=f"band_{band.lower()}",
            defaults={
                "kind": "band",
                "label": f"{band} 档",
                "points": low,
                "position": i,
                "note": f"价值分 ≥ {low}",
            },
        )


class Migration(migrations.Migration):
    dependencies = [("patents", "0003_gradeweight_patentgrade_patentcitation")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
