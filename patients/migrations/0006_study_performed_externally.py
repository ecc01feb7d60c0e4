"""A study performed at another centre may predate its order here: it is marked
external. Existing rows take False, which the old constraint already held to.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0005_assessment_form_token"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='diagnosticstudy',
            name='patients_study_performed_after_ordered',
        ),
        migrations.AddField(
            model_name='diagnosticstudy',
            name='performed_externally',
            field=models.BooleanField(default=False, help_text='Performed at another centre, possibly before it was ordered here.'),
        ),
        migrations.AddField(
            model_name='historicaldiagnosticstudy',
            name='performed_externally',
            field=models.BooleanField(default=False, help_text='Performed at another centre, possibly before it was ordered here.'),
        ),
        migrations.AddConstraint(
            model_name='diagnosticstudy',
            constraint=models.CheckConstraint(condition=models.Q(('performed_on__isnull', True), ('performed_externally', True), ('performed_on__gte', models.F('ordered_on')), _connector='OR'), name='patients_study_performed_after_ordered', violation_error_message='A study cannot be performed before it was ordered. If it was performed at another centre, mark it "performed externally".'),
        ),
    ]
