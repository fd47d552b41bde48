"""Reference data: the demo city's jurisdictions, industries, departments, legal provisions.

Idempotent (update_or_create on codes), so re-running it on a database that has them is safe.
"""

from django.db import migrations

from registry import reference_data as ref


def load(apps, schema_editor):
    Jurisdiction = apps.get_model("registry", "Jurisdiction")
    Industry = apps.get_model("registry", "Industry")
    Department = apps.get_model("registry", "Department")
    LegalProvision = apps.get_model("registry", "LegalProvision")

    def node(code, name, level, parent, order):
        # Historical models have no custom save(): compute the path here.
        path = f"{parent.path if parent else ''}{code}/"
        obj, _ = Jurisdiction.objects.update_or_create(
            code=code,
            defaults={"name": name, "level": level, "parent": parent, "path": path,
                      "sort_order": order},
        )
        return obj

    city = node(ref.CITY[0], ref.CITY[1], "city", None, 0)
    for order, (code, name) in enumerate(ref.CITY_DEPARTMENTS):
        Department.objects.update_or_create(
            code=code, defaults={"name": name, "jurisdiction": city, "sort_order": order}
        )
    for d_order, (d_code, d_name, townships) in enumerate(ref.DISTRICTS, start=1):
        district = node(d_code, d_name, "district", city, d_order)
        Department.objects.update_or_create(
            code=f"safety_{d_code}",
            defaults={"name": f"{d_name}{ref.DISTRICT_DEPARTMENT_SUFFIX}",
                      "jurisdiction": district, "sort_order": 100 + d_order},
        )
        for t_order, (t_code, t_name) in enumerate(townships, start=1):
            township = node(t_code, t_name, "township", district, t_order)
            Department.objects.update_or_create(
                code=f"office_{t_code}",
                defaults={"name": f"{t_name}{ref.TOWNSHIP_DEPARTMENT_SUFFIX}",
                          "jurisdiction": township, "sort_order": 1000 + d_order * 10 + t_order},
            )
    for order, (code, name) in enumerate(ref.INDUSTRIES):
        Industry.objects.update_or_create(code=code, defaults={"name": name, "sort_order": order})
    for act, article, text in ref.LEGAL_PROVISIONS:
        LegalProvision.objects.update_or_create(act=act, article=article, defaults={"text": text})


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
