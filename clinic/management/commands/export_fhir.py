"""Every patient's record (or the patients named) as FHIR R4 NDJSON, one file per
resource type, in the spirit of FHIR Bulk Data: `manage.py export_fhir OUTDIR
--user USERNAME [--mrn MRN ...]`.

The export is made as the named user: it holds the kinds of record that user's
role may view, and each patient exported is in the access log under that user.
Patients are read a group at a time, in a fixed number of queries per group.
"""

import json
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from clinic.access import record_bulk_export
from clinic.fhir.bundle import patient_resources, practitioner_resources
from clinic.fhir.references import References, readable_kinds
from clinic.models import User
from patients.models import Patient

PATIENTS_PER_GROUP = 200


class Command(BaseCommand):
    help = "Write patients' records as FHIR R4 NDJSON, one file per resource type."

    def add_arguments(self, parser):
        parser.add_argument("outdir", type=Path)
        parser.add_argument(
            "--user",
            required=True,
            help="The user the export is made as and logged for.",
        )
        parser.add_argument(
            "--mrn", nargs="+", default=[], help="Only these patients (by MRN)."
        )

    def handle(self, *args, outdir: Path, user: str, mrn: list[str], **options):
        exporter = self._exporter(user)
        patients = Patient.objects.order_by("pk")
        if mrn:
            patients = patients.filter(mrn__in=mrn)
            missing = set(mrn) - set(patients.values_list("mrn", flat=True))
            if missing:
                raise CommandError(f"No patient with MRN {sorted(missing)[0]}.")
        outdir.mkdir(parents=True, exist_ok=True)
        if any(outdir.glob("*.ndjson")):
            raise CommandError(
                f"{outdir} already holds an export: choose an empty one."
            )
        refs = References(readable_kinds(exporter))
        counts = self._write(outdir, patients, refs, exporter)
        for resource_type, count in sorted(counts.items()):
            self.stdout.write(f"{resource_type}: {count}")

    def _exporter(self, username: str) -> User:
        found = User.objects.filter(username=username, is_active=True).first()
        if found is None or not found.has_perm("patients.view_patient"):
            raise CommandError(
                f"{username} is not an active user who may view patients."
            )
        return found

    def _write(self, outdir: Path, patients, refs: References, exporter) -> Counter:
        counts: Counter = Counter()
        files = {}
        try:
            ids = list(patients.values_list("pk", flat=True))
            for start in range(0, len(ids), PATIENTS_PER_GROUP):
                group = list(
                    Patient.objects.filter(
                        pk__in=ids[start : start + PATIENTS_PER_GROUP]
                    ).order_by("pk")
                )
                for resource in patient_resources(group, refs):
                    self._line(outdir, files, counts, resource)
                record_bulk_export(exporter, [patient.pk for patient in group])
            for resource in practitioner_resources(refs):
                self._line(outdir, files, counts, resource)
        finally:
            for handle in files.values():
                handle.close()
        return counts

    def _line(self, outdir: Path, files: dict, counts: Counter, resource: dict) -> None:
        kind = resource["resourceType"]
        if kind not in files:
            files[kind] = (outdir / f"{kind}.ndjson").open("w", encoding="utf-8")
        files[kind].write(json.dumps(resource, ensure_ascii=False) + "\n")
        counts[kind] += 1
