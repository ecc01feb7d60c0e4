"""The models that moved here from treatments, on their old tables
(treatments_appointment ...), with their constraint and index names, taken over as
they are: state only. The PostgreSQL exclusion constraints of treatments 0009 are
on the table and not in the model state, so they stay too.
"""

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('patients', '0009_patient_toxin_precautions'),
        ('treatments', '0016_scheduling_models_moved_out'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # State only: the tables, their rows, constraints and indexes stay.
            state_operations=[
                migrations.CreateModel(
                    name='Appointment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('new_patient', 'New patient'), ('follow_up', 'Follow-up'), ('toxin_session', 'Toxin session'), ('therapy', 'Therapy session'), ('study', 'Diagnostic study')], max_length=15)),
                        ('starts_at', models.DateTimeField()),
                        ('ends_at', models.DateTimeField()),
                        ('status', models.CharField(choices=[('booked', 'Booked'), ('confirmed', 'Confirmed'), ('arrived', 'Arrived'), ('completed', 'Completed'), ('cancelled', 'Cancelled'), ('no_show', 'No-show')], default='booked', max_length=10)),
                        ('cancel_reason', models.CharField(blank=True, max_length=200)),
                        ('notes', models.CharField(blank=True, help_text='Administrative notes only.', max_length=200)),
                        ('series', models.UUIDField(blank=True, db_index=True, help_text='Shared by the appointments of a series booked in one step.', null=True)),
                        ('override_reason', models.TextField(blank=True)),
                        ('overridden_at', models.DateTimeField(blank=True, null=True)),
                        ('clinician', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='appointments', to=settings.AUTH_USER_MODEL)),
                        ('course', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='appointments', to='treatments.treatmentcourse')),
                        ('overridden_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('patient', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='appointments', to='patients.patient')),
                    ],
                    options={
                        'db_table': 'treatments_appointment',
                        'ordering': ['starts_at'],
                        'permissions': [('override_booking_interval', 'Can book a toxin session before the earliest safe date')],
                    },
                ),
                migrations.CreateModel(
                    name='CalendarFeed',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('token', models.CharField(max_length=64, unique=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('revoked_at', models.DateTimeField(blank=True, null=True)),
                        ('clinician', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='calendar_feeds', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'treatments_calendarfeed',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='HistoricalAppointment',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('new_patient', 'New patient'), ('follow_up', 'Follow-up'), ('toxin_session', 'Toxin session'), ('therapy', 'Therapy session'), ('study', 'Diagnostic study')], max_length=15)),
                        ('starts_at', models.DateTimeField()),
                        ('ends_at', models.DateTimeField()),
                        ('status', models.CharField(choices=[('booked', 'Booked'), ('confirmed', 'Confirmed'), ('arrived', 'Arrived'), ('completed', 'Completed'), ('cancelled', 'Cancelled'), ('no_show', 'No-show')], default='booked', max_length=10)),
                        ('cancel_reason', models.CharField(blank=True, max_length=200)),
                        ('notes', models.CharField(blank=True, help_text='Administrative notes only.', max_length=200)),
                        ('series', models.UUIDField(blank=True, db_index=True, help_text='Shared by the appointments of a series booked in one step.', null=True)),
                        ('override_reason', models.TextField(blank=True)),
                        ('overridden_at', models.DateTimeField(blank=True, null=True)),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('clinician', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('course', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='treatments.treatmentcourse')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('overridden_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('patient', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='patients.patient')),
                    ],
                    options={
                        'verbose_name': 'historical appointment',
                        'verbose_name_plural': 'historical appointments',
                        'db_table': 'treatments_historicalappointment',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='HistoricalRecallContact',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('method', models.CharField(choices=[('called', 'Called'), ('left_message', 'Left a message'), ('letter_sent', 'Letter sent'), ('emailed', 'E-mail sent')], max_length=15)),
                        ('contacted_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('note', models.CharField(blank=True, help_text='Administrative notes only.', max_length=200)),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('contacted_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('course', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='treatments.treatmentcourse')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'historical recall contact',
                        'verbose_name_plural': 'historical recall contacts',
                        'db_table': 'treatments_historicalrecallcontact',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='HistoricalWaitlistEntry',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('new_patient', 'New patient'), ('follow_up', 'Follow-up'), ('toxin_session', 'Toxin session'), ('therapy', 'Therapy session'), ('study', 'Diagnostic study')], default='toxin_session', max_length=15)),
                        ('wanted_from', models.DateField(default=django.utils.timezone.localdate)),
                        ('wanted_until', models.DateField(blank=True, null=True)),
                        ('note', models.CharField(blank=True, max_length=200)),
                        ('is_active', models.BooleanField(default=True)),
                        ('created_at', models.DateTimeField(blank=True, editable=False)),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('clinician', models.ForeignKey(blank=True, db_constraint=False, help_text='Preferred clinician, if any.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('course', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='treatments.treatmentcourse')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('patient', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='patients.patient')),
                    ],
                    options={
                        'verbose_name': 'historical waitlist entry',
                        'verbose_name_plural': 'historical waitlist entries',
                        'db_table': 'treatments_historicalwaitlistentry',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='RecallContact',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('method', models.CharField(choices=[('called', 'Called'), ('left_message', 'Left a message'), ('letter_sent', 'Letter sent'), ('emailed', 'E-mail sent')], max_length=15)),
                        ('contacted_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('note', models.CharField(blank=True, help_text='Administrative notes only.', max_length=200)),
                        ('contacted_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('course', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='recall_contacts', to='treatments.treatmentcourse')),
                    ],
                    options={
                        'db_table': 'treatments_recallcontact',
                        'ordering': ['-contacted_at'],
                    },
                ),
                migrations.CreateModel(
                    name='Reminder',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('for_starts_at', models.DateTimeField(help_text='The appointment time the reminder announces; a rescheduled appointment gets a new reminder.')),
                        ('recipient', models.EmailField(max_length=254)),
                        ('status', models.CharField(choices=[('pending', 'Pending'), ('sent', 'Sent'), ('failed', 'Failed')], default='pending', max_length=10)),
                        ('attempts', models.PositiveSmallIntegerField(default=0)),
                        ('last_error', models.CharField(blank=True, help_text="The error's kind only, no patient data.", max_length=200)),
                        ('sent_at', models.DateTimeField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('appointment', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reminders', to='scheduling.appointment')),
                    ],
                    options={
                        'db_table': 'treatments_reminder',
                        'ordering': ['created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='WaitlistEntry',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('new_patient', 'New patient'), ('follow_up', 'Follow-up'), ('toxin_session', 'Toxin session'), ('therapy', 'Therapy session'), ('study', 'Diagnostic study')], default='toxin_session', max_length=15)),
                        ('wanted_from', models.DateField(default=django.utils.timezone.localdate)),
                        ('wanted_until', models.DateField(blank=True, null=True)),
                        ('note', models.CharField(blank=True, max_length=200)),
                        ('is_active', models.BooleanField(default=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('clinician', models.ForeignKey(blank=True, help_text='Preferred clinician, if any.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('course', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='waitlist_entries', to='treatments.treatmentcourse')),
                        ('patient', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='waitlist_entries', to='patients.patient')),
                    ],
                    options={
                        'verbose_name_plural': 'waitlist entries',
                        'db_table': 'treatments_waitlistentry',
                        'ordering': ['created_at'],
                    },
                ),
                migrations.AddIndex(
                    model_name='appointment',
                    index=models.Index(fields=['clinician', 'starts_at'], name='treatments_appt_clinician'),
                ),
                migrations.AddIndex(
                    model_name='appointment',
                    index=models.Index(fields=['patient', 'starts_at'], name='treatments_appt_patient'),
                ),
                migrations.AddConstraint(
                    model_name='appointment',
                    constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['new_patient', 'follow_up', 'toxin_session', 'therapy', 'study'])), name='treatments_appointment_kind_valid'),
                ),
                migrations.AddConstraint(
                    model_name='appointment',
                    constraint=models.CheckConstraint(condition=models.Q(('status__in', ['booked', 'confirmed', 'arrived', 'completed', 'cancelled', 'no_show'])), name='treatments_appointment_status_valid'),
                ),
                migrations.AddConstraint(
                    model_name='appointment',
                    constraint=models.CheckConstraint(condition=models.Q(('ends_at__gt', models.F('starts_at'))), name='treatments_appointment_ends_after_start', violation_error_message='An appointment must end after it starts.'),
                ),
                migrations.AddConstraint(
                    model_name='appointment',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'cancelled'), _negated=True), models.Q(('cancel_reason', ''), _negated=True), _connector='OR'), name='treatments_appointment_cancel_has_reason', violation_error_message='Say why the appointment was cancelled.'),
                ),
                migrations.AddConstraint(
                    model_name='appointment',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('overridden_at__isnull', True), ('overridden_by__isnull', True), ('override_reason', '')), models.Q(('overridden_at__isnull', False), ('overridden_by__isnull', False), models.Q(('override_reason', ''), _negated=True)), _connector='OR'), name='treatments_appointment_override_complete', violation_error_message='An override needs who overrode, when and why.'),
                ),
                migrations.AddConstraint(
                    model_name='calendarfeed',
                    constraint=models.UniqueConstraint(condition=models.Q(('revoked_at__isnull', True)), fields=('clinician',), name='treatments_calendarfeed_one_live'),
                ),
                migrations.AddIndex(
                    model_name='recallcontact',
                    index=models.Index(fields=['course', '-contacted_at'], name='treatments_recall_course'),
                ),
                migrations.AddConstraint(
                    model_name='recallcontact',
                    constraint=models.CheckConstraint(condition=models.Q(('method__in', ['called', 'left_message', 'letter_sent', 'emailed'])), name='treatments_recallcontact_method_valid'),
                ),
                migrations.AddIndex(
                    model_name='reminder',
                    index=models.Index(fields=['status'], name='treatments_reminder_status'),
                ),
                migrations.AddConstraint(
                    model_name='reminder',
                    constraint=models.CheckConstraint(condition=models.Q(('status__in', ['pending', 'sent', 'failed'])), name='treatments_reminder_status_valid'),
                ),
                migrations.AddConstraint(
                    model_name='reminder',
                    constraint=models.UniqueConstraint(fields=('appointment', 'for_starts_at'), name='treatments_reminder_once_per_time'),
                ),
                migrations.AddConstraint(
                    model_name='reminder',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'sent'), _negated=True), ('sent_at__isnull', False), _connector='OR'), name='treatments_reminder_sent_has_time'),
                ),
                migrations.AddConstraint(
                    model_name='waitlistentry',
                    constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['new_patient', 'follow_up', 'toxin_session', 'therapy', 'study'])), name='treatments_waitlist_kind_valid'),
                ),
                migrations.AddConstraint(
                    model_name='waitlistentry',
                    constraint=models.CheckConstraint(condition=models.Q(('wanted_until__isnull', True), ('wanted_until__gte', models.F('wanted_from')), _connector='OR'), name='treatments_waitlist_window_ordered', violation_error_message='The end of the wanted period cannot be before its start.'),
                ),
            ],
            database_operations=[],
        ),
    ]
