"""The demo's province: Guangdong at the root of the administrative tree with its authority,
Huizhou put under it with its public site's path, and Heyuan's tree, authority and
departments beside Huizhou (demo/data/province.json, demo/data/heyuan.json).

Reference data, as an administrator keeps it in the admin: written directly, as migration
registry/0002 wrote Huizhou's. What happens in the cities goes through the services
(demo.city, demo.heyuan).
"""

from __future__ import annotations

from django.contrib.auth.models import User

from demo import tables
from demo.base import DemoConflict
from demo.people import staff_create
from registry.enums import JurisdictionLevel
from registry.models import Authority, Department, Jurisdiction


def province_build() -> None:
    """Guangdong and its authority at the root, the reference data's city under it, Heyuan
    beside it. Raises DemoConflict where the tree is not the reference data's alone."""
    spec = tables.PROVINCE
    heyuan = tables.HEYUAN
    taken = list(
        Jurisdiction.objects.filter(code__in=[spec["code"], heyuan["city"]["code"]])
        .order_by("code")
        .values_list("code", flat=True)
    )
    if taken:
        raise DemoConflict(
            f"Jurisdictions {', '.join(taken)} exist but the demo is not loaded; "
            "load the demo into an empty database."
        )
    province = Jurisdiction.objects.create(
        code=spec["code"],
        name=spec["name"],
        name_en=spec["name_en"],
        level=JurisdictionLevel.PROVINCE,
    )
    # No site of its own: the province's public pages are the root's.
    Authority.objects.create(jurisdiction=province, **spec["authority"])
    for city_spec in tables.PROVINCE_CITIES:
        city = Jurisdiction.objects.filter(code=city_spec["code"], parent=None).first()
        authority = Authority.objects.filter(jurisdiction__code=city_spec["code"]).first()
        if city is None or authority is None:
            raise DemoConflict(
                f"City {city_spec['code']} is missing, not at the root of the tree, or has no "
                "authority; the demo needs migrations registry/0002 and 0012 as shipped."
            )
        # Its districts and townships follow (Jurisdiction.save moves their paths).
        city.parent = province
        city.save()
        authority.site_slug = city_spec["site_slug"]
        authority.save(update_fields=["site_slug"])
    _heyuan_build(province)


def _heyuan_build(province: Jurisdiction) -> None:
    spec = tables.HEYUAN
    city = Jurisdiction.objects.create(
        code=spec["city"]["code"],
        name=spec["city"]["name"],
        name_en=spec["city"]["name_en"],
        level=JurisdictionLevel.CITY,
        parent=province,
    )
    Authority.objects.create(jurisdiction=city, **spec["authority"])
    places = {city.code: city}
    for order, (code, name, name_en, _weight, townships) in enumerate(spec["districts"]):
        district = Jurisdiction.objects.create(
            code=code,
            name=name,
            name_en=name_en,
            level=JurisdictionLevel.DISTRICT,
            parent=city,
            sort_order=order,
        )
        places[code] = district
        for t_order, (t_code, t_name, t_name_en) in enumerate(townships):
            Jurisdiction.objects.create(
                code=t_code,
                name=t_name,
                name_en=t_name_en,
                level=JurisdictionLevel.TOWNSHIP,
                parent=district,
                sort_order=t_order,
            )
    Department.objects.bulk_create(
        Department(code=code, name=name, name_en=name_en, jurisdiction=places[place], sort_order=i)
        for i, (code, name, name_en, place) in enumerate(spec["departments"])
    )


def province_staff_create() -> dict[str, User]:
    """The province's own staff (after the cities' histories: none of their reminders went to
    the province)."""
    return staff_create(
        tables.PROVINCE_USERS,
        phone=tables.PROVINCE_PHONE,
        jurisdictions={
            j.code: j for j in Jurisdiction.objects.filter(code=tables.PROVINCE["code"])
        },
        departments={},
    )
