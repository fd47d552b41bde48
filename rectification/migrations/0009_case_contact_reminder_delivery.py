"""The responsible person's phone on a case, a permission to keep the contact, and what
became of each reminder's e-mail (``delivery``): reminders already e-mailed are marked so;
the rest stay pending for the outbox."""

import registry.validators
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('rectification', '0008_reminder_facts'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='case',
            options={'ordering': ['deadline', 'id'], 'permissions': [('record_case_progress', '可记录整改进展和单位的复查申请'), ('reinspect_case', '可记录复查结果'), ('extend_case_deadline', '可延长整改期限'), ('supervise_case', '可记录督查'), ('issue_case_letter', '可签发整改通知书'), ('change_case_contact', '可更新责任人联系方式'), ('view_area_cases', '可查看辖区内全部整改跟踪'), ('view_overdue_cases', '可查看辖区内逾期及上报督查的整改跟踪')], 'verbose_name': '整改跟踪', 'verbose_name_plural': '整改跟踪'},
        ),
        migrations.RemoveIndex(
            model_name='reminder',
            name='reminder_email_pending',
        ),
        migrations.AddField(
            model_name='case',
            name='responsible_phone',
            field=models.CharField(blank=True, max_length=32, validators=[registry.validators.validate_phone], verbose_name='责任人电话'),
        ),
        migrations.AddField(
            model_name='reminder',
            name='delivery',
            field=models.CharField(choices=[('pending', '待发送'), ('emailed', '已发送邮件'), ('inbox_only', '仅站内消息'), ('undeliverable', '无法送达')], default='pending', max_length=16, verbose_name='送达情况'),
        ),
        migrations.RunSQL(
            "UPDATE rectification_reminder SET delivery = 'emailed' WHERE emailed_at IS NOT NULL",
            migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name='event',
            name='kind',
            field=models.CharField(choices=[('opened', '立案跟踪'), ('progress', '整改进展'), ('reinspection_requested', '申请复查'), ('reinspection_passed', '复查合格'), ('reinspection_failed', '复查不合格'), ('deadline_extended', '延长整改期限'), ('supervision', '督查'), ('reminder_sent', '发送提醒'), ('escalated', '上报督查'), ('cancelled', '撤销'), ('letter_issued', '签发整改通知书'), ('contact_changed', '更新责任人联系方式')], max_length=32, verbose_name='类型'),
        ),
        migrations.AddIndex(
            model_name='reminder',
            index=models.Index(condition=models.Q(('delivery', 'pending')), fields=['id'], name='reminder_email_pending'),
        ),
        migrations.AddIndex(
            model_name='reminder',
            index=models.Index(condition=models.Q(('delivery', 'undeliverable')), fields=['case'], name='reminder_undeliverable'),
        ),
        migrations.AddConstraint(
            model_name='reminder',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('delivery', 'emailed'), ('emailed_at__isnull', False)), models.Q(models.Q(('delivery', 'emailed'), _negated=True), ('emailed_at__isnull', True)), _connector='OR'), name='reminder_emailed_at_iff_emailed'),
        ),
    ]
