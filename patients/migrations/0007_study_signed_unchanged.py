"""On PostgreSQL a trigger refuses an UPDATE of a signed-off study's locked columns.

django-pgtrigger's AddTrigger runs on PostgreSQL only; on SQLite it records the
trigger in the migration state and does nothing.
"""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0006_study_performed_externally"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='diagnosticstudy',
            options={'base_manager_name': 'objects', 'ordering': ['-ordered_on'], 'permissions': [('review_diagnosticstudy', 'Can sign off study results')], 'verbose_name_plural': 'diagnostic studies'},
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='diagnosticstudy',
            trigger=pgtrigger.compiler.Trigger(name='patients_study_signed_unchanged', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD."status" = \'reviewed\' AND (OLD."modality" IS DISTINCT FROM (NEW."modality") OR OLD."description" IS DISTINCT FROM (NEW."description") OR OLD."ordered_on" IS DISTINCT FROM (NEW."ordered_on") OR OLD."ordered_by_id" IS DISTINCT FROM (NEW."ordered_by_id") OR OLD."performed_on" IS DISTINCT FROM (NEW."performed_on") OR OLD."performed_externally" IS DISTINCT FROM (NEW."performed_externally") OR OLD."resulted_on" IS DISTINCT FROM (NEW."resulted_on") OR OLD."mri_field_strength" IS DISTINCT FROM (NEW."mri_field_strength") OR OLD."mri_sequences" IS DISTINCT FROM (NEW."mri_sequences") OR OLD."mri_neurovascular_compression" IS DISTINCT FROM (NEW."mri_neurovascular_compression") OR OLD."mri_compression_side" IS DISTINCT FROM (NEW."mri_compression_side") OR OLD."mri_offending_vessels" IS DISTINCT FROM (NEW."mri_offending_vessels") OR OLD."mri_lesion_found" IS DISTINCT FROM (NEW."mri_lesion_found") OR OLD."mri_lesion_description" IS DISTINCT FROM (NEW."mri_lesion_description") OR OLD."emg_lateral_spread_response" IS DISTINCT FROM (NEW."emg_lateral_spread_response") OR OLD."emg_lsr_latency_ms" IS DISTINCT FROM (NEW."emg_lsr_latency_ms") OR OLD."emg_high_frequency_bursts" IS DISTINCT FROM (NEW."emg_high_frequency_bursts") OR OLD."emg_myokymic_discharges" IS DISTINCT FROM (NEW."emg_myokymic_discharges") OR OLD."emg_blink_reflex_synkinesis" IS DISTINCT FROM (NEW."emg_blink_reflex_synkinesis") OR OLD."eeg_abnormal" IS DISTINCT FROM (NEW."eeg_abnormal") OR OLD."eeg_epileptiform_activity" IS DISTINCT FROM (NEW."eeg_epileptiform_activity") OR OLD."eeg_ictal_correlate" IS DISTINCT FROM (NEW."eeg_ictal_correlate") OR OLD."impression" IS DISTINCT FROM (NEW."impression") OR OLD."report" IS DISTINCT FROM (NEW."report") OR OLD."status" IS DISTINCT FROM (NEW."status") OR OLD."reviewed_by_id" IS DISTINCT FROM (NEW."reviewed_by_id") OR OLD."reviewed_at" IS DISTINCT FROM (NEW."reviewed_at")))', func="RAISE EXCEPTION 'This study was signed off: its result and sign-off cannot be changed. Add an amendment to correct it.' USING ERRCODE = 'integrity_constraint_violation';", hash='461f5ae19fcafeb7643ae43a0a768d75c2cc1a8c', operation='UPDATE', pgid='pgtrigger_patients_study_signed_unchanged_31b19', table='patients_diagnosticstudy', when='BEFORE')),
        ),
    ]
