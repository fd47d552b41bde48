"""factory_boy factories for the domain models. Reference data (jurisdictions, industries,
departments) comes from migration registry/0002 and is looked up by code, not invented."""

import datetime

import factory
from django.contrib.auth.models import User

from publicity.enums import BatchStatus, EntryStatus
from publicity.models import Batch, Entry
from rectification.enums import CaseGoal, CaseStatus
from rectification.models import Case
from registry.enums import Disposition, ExposureCategory, JurisdictionLevel
from registry.models import (
    Authority,
    Department,
    Enterprise,
    Finding,
    Industry,
    Inspection,
    Jurisdiction,
)
from registry.reference_data import CITY
from registry.validators import credit_code_check_character


def valid_credit_code(n: int) -> str:
    first17 = f"91441302MA{n:07d}"
    return first17 + credit_code_check_character(first17)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"惠城区测试五金厂{n}号")
    credit_code = factory.Sequence(valid_credit_code)
    address = "惠州市惠城区江北街道1号"
    jurisdiction = factory.LazyFunction(lambda: Jurisdiction.objects.get(code="441302002"))
    industry = factory.LazyFunction(lambda: Industry.objects.get(code="labour_intensive"))


class InspectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inspection

    enterprise = factory.SubFactory(EnterpriseFactory)
    # Where its unit is registered, as the registration service defaults it.
    place = factory.LazyAttribute(lambda o: o.enterprise.jurisdiction)
    date = datetime.date(2009, 3, 2)
    created_by = factory.SubFactory(UserFactory)


class FindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Finding

    inspection = factory.SubFactory(InspectionFactory)
    category = ExposureCategory.MAJOR_HAZARD
    description = "消防通道堵塞，安全出口上锁"
    proposed_disposition = Disposition.RECTIFY_BY_DEADLINE
    proposed_deadline = datetime.date(2009, 4, 30)
    proposed_for_publicity = True


class BatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Batch

    composed_by = factory.SubFactory(UserFactory)
    # The reference data's city (registry/0012 made its authority from settings).
    authority = factory.LazyFunction(lambda: Authority.objects.get(jurisdiction__code=CITY[0]))


class PublishedBatchFactory(BatchFactory):
    status = BatchStatus.PUBLISHED
    year = 2009
    number = factory.Sequence(lambda n: n + 1)
    approved_by = factory.SubFactory(UserFactory)
    published_on = datetime.date(2009, 3, 15)
    outlet = "惠州日报"


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    enterprise = factory.SubFactory(EnterpriseFactory)
    place = factory.LazyAttribute(lambda o: o.enterprise.jurisdiction)
    disposition = Disposition.RECTIFY_BY_DEADLINE
    goal = CaseGoal.RECTIFY
    status = CaseStatus.OPEN
    deadline = datetime.date(2009, 4, 30)
    department = factory.LazyFunction(lambda: Department.objects.get(code="city_housing"))
    responsible_person = "李四"
    opened_on = datetime.date(2009, 3, 15)


PRINTED_STATUSES = {EntryStatus.LISTED, EntryStatus.REMOVED, EntryStatus.WITHDRAWN_BY_ERRATUM}


class EntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entry

    batch = factory.SubFactory(BatchFactory)
    status = EntryStatus.PLANNED
    position = factory.Sequence(lambda n: n + 1)
    # A published entry carries the number its notice printed (no objection upheld here).
    printed_number = factory.LazyAttribute(
        lambda o: o.position if o.status in PRINTED_STATUSES else None
    )
    finding = factory.SubFactory(FindingFactory)
    enterprise = factory.LazyAttribute(lambda o: o.finding.inspection.enterprise)
    district = factory.LazyFunction(lambda: Jurisdiction.objects.get(code="441302"))
    industry = factory.LazyAttribute(lambda o: o.enterprise.industry)
    unit_name = factory.LazyAttribute(lambda o: o.enterprise.name)
    credit_code = factory.LazyAttribute(lambda o: o.enterprise.credit_code or "")
    address = factory.LazyAttribute(lambda o: o.enterprise.address)
    violation_text = factory.LazyAttribute(lambda o: o.finding.description)
    category = ExposureCategory.MAJOR_HAZARD
    disposition = Disposition.RECTIFY_BY_DEADLINE
    rectification_deadline = datetime.date(2009, 4, 30)
    department = factory.LazyFunction(lambda: Department.objects.get(code="city_housing"))
    responsible_person = "李四"


class ListedEntryFactory(EntryFactory):
    batch = factory.SubFactory(PublishedBatchFactory)
    status = EntryStatus.LISTED
    published_on = factory.LazyAttribute(lambda o: o.batch.published_on)
    case = factory.SubFactory(CaseFactory, enterprise=factory.SelfAttribute("..enterprise"))


# --- Rectification (issue 5) -----------------------------------------------------------------


class StaffProfileFactory(factory.django.DjangoModelFactory):
    """A staff member's profile: city-level by default."""

    class Meta:
        model = "registry.StaffProfile"

    user = factory.SubFactory(UserFactory)
    jurisdiction = factory.LazyFunction(lambda: Jurisdiction.objects.get(code="441300"))
    department = None


def staff_user(
    username: str,
    role: str,
    *,
    jurisdiction: str = "441300",
    department: str | None = None,
    email: str = "",
    password: str | None = None,
) -> User:
    """A staff member in one role group (core.roles), with a profile in ``jurisdiction``
    and, for a liaison, ``department`` (codes of the reference data)."""
    from django.contrib.auth.models import Group

    user = User.objects.create_user(username, email=email, password=password, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    StaffProfileFactory(
        user=user,
        jurisdiction=Jurisdiction.objects.get(code=jurisdiction),
        department=Department.objects.get(code=department) if department else None,
    )
    return user


def publication_staff(username: str | None = None) -> User:
    """A city-wide member of staff who both composes and approves batches (the inspector and
    official role groups): service tests pick who composes and who approves, and the
    workflow tables check permissions before the four-eyes rule."""
    from django.contrib.auth.models import Group

    user: User = UserFactory(**({"username": username} if username else {}))  # type: ignore[assignment]
    user.groups.add(*Group.objects.filter(name__in=["inspector", "official"]))
    StaffProfileFactory(user=user)
    return user


# --- Public site (issue 6) -------------------------------------------------------------------


class EventFactory(factory.django.DjangoModelFactory):
    """A line of a case's timeline; public unless told otherwise."""

    class Meta:
        model = "rectification.Event"

    case = factory.SubFactory(CaseFactory)
    kind = "progress"
    text = "已清理消防通道"
    is_public = True


class ErratumFactory(factory.django.DjangoModelFactory):
    """An approved correction of an entry (author and approver differ, as the database asks)."""

    class Meta:
        model = "publicity.Erratum"

    entry = factory.SubFactory(ListedEntryFactory)
    kind = "correct"
    status = "approved"
    corrections = factory.LazyFunction(lambda: {"address": "惠州市惠城区江北街道2号"})
    reason = "地址刊登有误"
    author = factory.SubFactory(UserFactory)
    approved_by = factory.SubFactory(UserFactory)
    approved_at = factory.LazyFunction(
        lambda: datetime.datetime(2009, 4, 1, 10, 0, tzinfo=datetime.UTC)
    )


class MediaReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "publicity.MediaReport"

    outlet = "惠州日报"
    date = datetime.date(2009, 4, 10)
    headline = "曝光单位整改情况回访"
    url = "https://news.example/report"


class SubmissionFactory(factory.django.DjangoModelFactory):
    """A report from the public; anonymous by default."""

    class Meta:
        model = "publicity.Submission"

    kind = "report"
    tracking_code = factory.Sequence(lambda n: f"TEST-{n:04d}-CODE")
    subject = "举报无证加油点"
    body = "路边有人用铁桶卖汽油。"


class AccidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "registry.Accident"

    date = datetime.date(2010, 5, 1)
    jurisdiction = factory.LazyFunction(lambda: Jurisdiction.objects.get(code="441302"))
    kind = "industrial"
    deaths = 0
    injuries = 0
    direct_loss = 0


def guangdong_with_two_cities() -> dict[str, Jurisdiction]:
    """Guangdong above Huizhou (the reference data's city), and Shenzhen beside it with one
    district and one department of its own."""
    guangdong = Jurisdiction.objects.create(
        code="440000", name="广东省", name_en="Guangdong", level=JurisdictionLevel.PROVINCE
    )
    Authority.objects.create(
        jurisdiction=guangdong,
        name="广东省应急管理厅",
        name_en="Emergency Management Department of Guangdong Province",
        objection_period_days=7,
    )
    huizhou = Jurisdiction.objects.get(code="441300")
    huizhou.parent = guangdong
    huizhou.save()
    shenzhen = Jurisdiction.objects.create(
        code="440300", name="深圳市", level=JurisdictionLevel.CITY, parent=guangdong
    )
    futian = Jurisdiction.objects.create(
        code="440304", name="福田区", level=JurisdictionLevel.DISTRICT, parent=shenzhen
    )
    Authority.objects.create(
        jurisdiction=shenzhen,
        name="深圳市应急管理局",
        regulation="《深圳市安全生产公示曝光办法》",
        hotline="0755-12350",
        newspapers="深圳特区报",
    )
    Department.objects.create(code="sz_housing", name="深圳市住房和建设局", jurisdiction=shenzhen)
    return {"guangdong": guangdong, "huizhou": huizhou, "shenzhen": shenzhen, "futian": futian}
