"""Authorities as data (issue "One deployment for a province", first step): the table, and a
one-city database's settings made its city's authority.

Each top jurisdiction (the city today) gets an authority holding what settings said of the
deployment: its name in Chinese and English, the regulation its notices cite, its hotline and
newspaper, its map, the objection period, publicity term and early-removal rule. Settings keep
the same values as the deployment's defaults, so reversing the migration (the rows deleted)
leaves every page and notice as it was.
"""

from django.conf import settings

import django.db.models.deletion
import registry.models
from django.db import migrations, models


def authority_from_settings(apps, schema_editor):
    Authority = apps.get_model("registry", "Authority")
    Jurisdiction = apps.get_model("registry", "Jurisdiction")
    for top in Jurisdiction.objects.filter(parent__isnull=True).order_by("code"):
        Authority.objects.get_or_create(
            jurisdiction=top,
            defaults={
                "name": settings.AUTHORITY_NAME,
                "name_en": settings.AUTHORITY_NAME_EN,
                "regulation": settings.CITY_REGULATION,
                "hotline": settings.REPORTING_HOTLINE,
                "newspapers": settings.NOTICE_DEFAULT_OUTLET,
                "map_script": settings.PUBLIC_MAP_SCRIPT,
                "map_name": settings.PUBLIC_MAP_NAME,
                "objection_period_days": settings.OBJECTION_PERIOD_DAYS,
                "objection_period_unit": settings.OBJECTION_PERIOD_UNIT,
                "publicity_term_days": settings.PUBLICITY_TERM_DAYS,
                "early_removal_after_days": settings.EARLY_REMOVAL_AFTER_DAYS,
            },
        )


def authorities_removed(apps, schema_editor):
    apps.get_model("registry", "Authority").objects.all().delete()


# The administrator keeps the authorities as the other reference data (publicity/0002_roles
# gives it every right on jurisdictions, industries, departments and provisions).
ADMINISTRATOR = "administrator"
RIGHTS = ["view_authority", "add_authority", "change_authority", "delete_authority"]


def _permissions(apps):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("registry")
    original = getattr(app_config, "models_module", None)
    app_config.models_module = original or True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = original
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(content_type__app_label="registry", codename__in=RIGHTS)


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group, _created = Group.objects.get_or_create(name=ADMINISTRATOR)
    group.permissions.add(*_permissions(apps))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="registry", codename__in=RIGHTS
    )
    for group in Group.objects.filter(name=ADMINISTRATOR):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0011_enterprise_credit_code_prefix_index'),
        ('auth', '0012_alter_user_first_name_max_length'),
        # The role groups, whose permissions it sets outright: the grant comes after it.
        ('publicity', '0002_roles'),
    ]

    operations = [
        migrations.CreateModel(
            name='Authority',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=128, verbose_name='机关名称')),
                ('name_en', models.CharField(blank=True, max_length=200, verbose_name='英文名称')),
                ('regulation', models.CharField(blank=True, help_text='公告序言引用的规定，如《惠州市安全生产新闻媒体公示曝光制度》。', max_length=200, verbose_name='公示依据')),
                ('hotline', models.CharField(blank=True, max_length=32, verbose_name='举报电话')),
                ('newspapers', models.CharField(blank=True, help_text='刊登公告的报刊，多个以顿号分隔；发布批次时供选择。', max_length=200, verbose_name='公示报刊')),
                ('map_script', models.CharField(blank=True, help_text='china-cities 包中的边界文件名，如 guang3_dong1_hui4_zhou1.js。', max_length=128, verbose_name='地图边界文件')),
                ('map_name', models.CharField(blank=True, max_length=64, verbose_name='地图名称')),
                ('objection_period_days', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='异议期（天）')),
                ('objection_period_unit', models.CharField(blank=True, choices=[('calendar', '自然日'), ('working', '工作日')], max_length=16, verbose_name='异议期计日方式')),
                ('publicity_term_days', models.PositiveIntegerField(blank=True, null=True, verbose_name='公示期限（天）')),
                ('early_removal_after_days', models.PositiveIntegerField(blank=True, null=True, verbose_name='整改核实后可提前移出（天）')),
                ('jurisdiction', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='authority', to='registry.jurisdiction', verbose_name='行政区划')),
            ],
            options={
                'verbose_name': '公示机关',
                'verbose_name_plural': '公示机关',
                'ordering': ['jurisdiction__path'],
            },
            bases=(registry.models.EnglishNameMixin, models.Model),
        ),
        migrations.RunPython(authority_from_settings, authorities_removed),
        migrations.RunPython(grant, revoke),
    ]
