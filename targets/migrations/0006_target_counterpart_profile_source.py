# A target across the years: its counterpart in the previous plan when staff chose it, and where
# its monthly profile came from (a profile learned from earlier years); the profile's history.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('targets', '0006_target_breakdown'),  # the lead: after the district breakdown's migration
    ]

    operations = [
        migrations.AddField(
            model_name='historicaltarget',
            name='counterpart_in_previous_plan',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='targets.target', verbose_name='上年对应指标'),
        ),
        migrations.AddField(
            model_name='historicaltarget',
            name='monthly_profile',
            field=models.JSONField(blank=True, help_text='12 个累计百分比（0–100，逐月不减，12 月为 100）；空白时按时间均匀推进。', null=True, verbose_name='月度进度曲线'),
        ),
        migrations.AddField(
            model_name='historicaltarget',
            name='monthly_profile_source',
            field=models.CharField(blank=True, max_length=200, verbose_name='月度进度曲线来源'),
        ),
        migrations.AddField(
            model_name='historicaltarget',
            name='monthly_profile_years',
            field=models.JSONField(blank=True, default=list, verbose_name='月度进度曲线所据年份'),
        ),
        migrations.AddField(
            model_name='target',
            name='counterpart_in_previous_plan',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='targets.target', verbose_name='上年对应指标'),
        ),
        migrations.AddField(
            model_name='target',
            name='monthly_profile_source',
            field=models.CharField(blank=True, max_length=200, verbose_name='月度进度曲线来源'),
        ),
        migrations.AddField(
            model_name='target',
            name='monthly_profile_years',
            field=models.JSONField(blank=True, default=list, verbose_name='月度进度曲线所据年份'),
        ),
    ]
