"""Appointments, recall contacts, the waitlist, reminders and calendar feeds (and
their histories) moved to the scheduling app, which takes them over in its 0001
with the same tables. State only: nothing in the database changes here.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('treatments', '0015_safety_flag_roles'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # State only: the tables, their rows, constraints and indexes stay.
            state_operations=[
                migrations.RemoveField(
                    model_name='reminder',
                    name='appointment',
                ),
                migrations.RemoveField(
                    model_name='calendarfeed',
                    name='clinician',
                ),
                migrations.RemoveField(
                    model_name='historicalappointment',
                    name='clinician',
                ),
                migrations.RemoveField(
                    model_name='historicalappointment',
                    name='course',
                ),
                migrations.RemoveField(
                    model_name='historicalappointment',
                    name='history_user',
                ),
                migrations.RemoveField(
                    model_name='historicalappointment',
                    name='overridden_by',
                ),
                migrations.RemoveField(
                    model_name='historicalappointment',
                    name='patient',
                ),
                migrations.RemoveField(
                    model_name='historicalrecallcontact',
                    name='contacted_by',
                ),
                migrations.RemoveField(
                    model_name='historicalrecallcontact',
                    name='course',
                ),
                migrations.RemoveField(
                    model_name='historicalrecallcontact',
                    name='history_user',
                ),
                migrations.RemoveField(
                    model_name='historicalwaitlistentry',
                    name='clinician',
                ),
                migrations.RemoveField(
                    model_name='historicalwaitlistentry',
                    name='course',
                ),
                migrations.RemoveField(
                    model_name='historicalwaitlistentry',
                    name='history_user',
                ),
                migrations.RemoveField(
                    model_name='historicalwaitlistentry',
                    name='patient',
                ),
                migrations.RemoveField(
                    model_name='recallcontact',
                    name='contacted_by',
                ),
                migrations.RemoveField(
                    model_name='recallcontact',
                    name='course',
                ),
                migrations.RemoveField(
                    model_name='waitlistentry',
                    name='clinician',
                ),
                migrations.RemoveField(
                    model_name='waitlistentry',
                    name='course',
                ),
                migrations.RemoveField(
                    model_name='waitlistentry',
                    name='patient',
                ),
                migrations.DeleteModel(
                    name='Appointment',
                ),
                migrations.DeleteModel(
                    name='Reminder',
                ),
                migrations.DeleteModel(
                    name='CalendarFeed',
                ),
                migrations.DeleteModel(
                    name='HistoricalAppointment',
                ),
                migrations.DeleteModel(
                    name='HistoricalRecallContact',
                ),
                migrations.DeleteModel(
                    name='HistoricalWaitlistEntry',
                ),
                migrations.DeleteModel(
                    name='RecallContact',
                ),
                migrations.DeleteModel(
                    name='WaitlistEntry',
                ),
            ],
            database_operations=[],
        ),
    ]
