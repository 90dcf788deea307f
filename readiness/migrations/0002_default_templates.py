from django.db import migrations


def load_default_templates(apps, schema_editor):
    from readiness.default_templates import TEMPLATES

    template_model = apps.get_model("readiness", "ChecklistTemplate")
    item_model = apps.get_model("readiness", "TemplateItem")
    for tier, (name, items) in TEMPLATES.items():
        template, created = template_model.objects.get_or_create(tier=tier, defaults={"name": name})
        if not created:
            continue
        item_model.objects.bulk_create(
            item_model(
                template=template, title=title, description=description, category=category, owner_role=role,
                due_offset_days=offset, needs_evidence=evidence, position=position,
            )
            for position, (title, description, category, role, offset, evidence) in enumerate(items)
        )


class Migration(migrations.Migration):
    dependencies = [("readiness", "0001_initial")]

    operations = [migrations.RunPython(load_default_templates, migrations.RunPython.noop)]
