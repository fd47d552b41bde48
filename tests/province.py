"""A province of two cities with a public site each, for the tests of the sites by path (the
client's and the browser's)."""

from django.core.cache import cache

from registry.enums import JurisdictionLevel
from registry.models import Authority, Jurisdiction
from tests.factories import EnterpriseFactory, ListedEntryFactory, PublishedBatchFactory


def two_city_province() -> dict:
    """Guangdong above Huizhou (site /huizhou/) and Shenzhen (site /shenzhen/, its outline
    map, one district), an entry in each city, the Huizhou entry's unit exposed in Shenzhen
    too, and a second Shenzhen unit."""
    guangdong = Jurisdiction.objects.create(
        code="440000", name="广东省", name_en="Guangdong", level=JurisdictionLevel.PROVINCE
    )
    Authority.objects.create(jurisdiction=guangdong, name="广东省应急管理厅")
    huizhou = Jurisdiction.objects.get(code="441300")
    huizhou.parent = guangdong
    huizhou.save()
    Authority.objects.filter(jurisdiction=huizhou).update(site_slug="huizhou")
    shenzhen = Jurisdiction.objects.create(
        code="440300", name="深圳市", level=JurisdictionLevel.CITY, parent=guangdong
    )
    futian = Jurisdiction.objects.create(
        code="440304", name="福田区", level=JurisdictionLevel.DISTRICT, parent=shenzhen
    )
    sz_authority = Authority.objects.create(
        jurisdiction=shenzhen,
        name="深圳市应急管理局",
        hotline="0755-12350",
        site_slug="shenzhen",
        map_script="guang3_dong1_shen1_zhen4.js",
        map_name="深圳",
    )
    # The rules as now saved (an update() sends no signal).
    cache.clear()
    hz_entry = ListedEntryFactory(unit_name="惠城区甲厂")
    sz_batch = PublishedBatchFactory(authority=sz_authority, outlet="深圳特区报")
    sz_entry = ListedEntryFactory(
        batch=sz_batch, district=futian, enterprise=hz_entry.enterprise, unit_name="福田区乙店"
    )
    other = ListedEntryFactory(
        batch=sz_batch,
        district=futian,
        enterprise=EnterpriseFactory(name="福田区丙厂", jurisdiction=futian),
        unit_name="福田区丙厂",
    )
    return {"hz": hz_entry, "sz": sz_entry, "sz_other": other, "sz_batch": sz_batch}
