import datetime
from decimal import Decimal

import factory
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from clinic.models import User
from patients.models import (
    Assessment,
    Case,
    Condition,
    DiagnosticStudy,
    Guardian,
    Laterality,
    Modality,
    Patient,
    StudyAmendment,
)
from scheduling.models import Appointment, AppointmentKind
from treatments.models import (
    AdverseEffect,
    AdverseEffectKind,
    CourseKind,
    Injection,
    MedicationOrder,
    Muscle,
    Product,
    Referral,
    ReferralFollowUp,
    Severity,
    Side,
    Specialty,
    TherapyFocus,
    TherapySession,
    ToxinSession,
    TreatmentCourse,
    Vial,
)

# Fixed, plausible clinical values: nothing a constraint or date rule reads is random.
SESSION_AT = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Alex"
    last_name = factory.Sequence(lambda n: f"Clinician{n}")
    password = factory.django.Password("correct horse battery")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for name in extracted or []:
            self.groups.add(Group.objects.get(name=name))

    @factory.post_generation
    def perms(self, create, extracted, **kwargs):
        for dotted in extracted or []:
            app_label, codename = dotted.split(".")
            self.user_permissions.add(
                Permission.objects.get(
                    content_type__app_label=app_label, codename=codename
                )
            )


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    mrn = factory.Sequence(lambda n: f"MRN{n:06d}")
    given_name = "Maria"
    family_name = factory.Sequence(lambda n: f"Testpatient{n}")
    date_of_birth = datetime.date(1968, 5, 17)
    sex = "female"
    email = "patient@example.org"
    phone = "01632 960000"


class GuardianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guardian

    patient = factory.SubFactory(
        PatientFactory, date_of_birth=datetime.date(2015, 9, 1)
    )
    full_name = "Sam Guardian"
    relationship = "mother"
    phone = "01632 960001"


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    patient = factory.SubFactory(PatientFactory)
    condition = Condition.HEMIFACIAL_SPASM
    icd10_code = "G51.31"
    laterality = Laterality.RIGHT
    onset_date = datetime.date(2024, 1, 10)
    opened_on = datetime.date(2025, 6, 1)
    red_flags = factory.LazyFunction(list)
    # As the write path would keep it: with no acknowledgement yet, every flag
    # ticked waits for review (save_case raises the flags the record shows).
    red_flags_to_review = factory.LazyAttribute(lambda case: list(case.red_flags))


class DiagnosticStudyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DiagnosticStudy

    case = factory.SubFactory(CaseFactory)
    modality = Modality.MRI
    ordered_on = datetime.date(2025, 6, 1)
    ordered_by = factory.SubFactory(UserFactory)


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment

    case = factory.SubFactory(CaseFactory)
    instrument = "jrs"
    version = "hfs-adapted"
    answers = factory.LazyFunction(lambda: {"severity": 3, "frequency": 2})
    rater = factory.SubFactory(UserFactory)
    assessed_on = datetime.date(2026, 3, 2)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        assessment = model_class(*args, **kwargs)
        assessment.apply_scoring()
        assessment.save()
        return assessment


class TreatmentCourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TreatmentCourse

    case = factory.SubFactory(CaseFactory)
    kind = CourseKind.BOTULINUM_TOXIN
    started_on = datetime.date(2025, 6, 1)
    responsible_clinician = factory.SubFactory(UserFactory)
    planned_interval_days = 91


class ToxinSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ToxinSession
        skip_postgeneration_save = True

    course = factory.SubFactory(TreatmentCourseFactory)
    performed_at = SESSION_AT
    injector = factory.SubFactory(UserFactory)
    product = Product.ONABOTULINUMTOXINA
    consent_obtained = True
    # One 100 U vial; pass vial__<field> to change it, vial=None for none.
    vial = factory.RelatedFactory(
        "tests.factories.VialFactory", factory_related_name="session"
    )


class VialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vial

    session = factory.SubFactory(ToxinSessionFactory, vial=None)
    size_units = 100
    lot_number = factory.Sequence(lambda n: f"C{n:05d}C3")
    expiry_date = datetime.date(2027, 1, 31)
    diluent_volume_ml = Decimal("4.00")
    reconstituted_at = factory.LazyAttribute(
        lambda o: o.session.performed_at - datetime.timedelta(hours=1)
    )


def _first_vial(injection) -> Vial:
    session = injection.session
    if session.pk is None:
        return VialFactory.build(session=session)
    return session.vials.first() or VialFactory(session=session)


class InjectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Injection

    session = factory.SubFactory(ToxinSessionFactory)
    vial = factory.LazyAttribute(_first_vial)
    muscle = Muscle.OO_PRETARSAL_UPPER_LATERAL
    side = Side.RIGHT
    units = Decimal("2.50")


class AdverseEffectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdverseEffect

    session = factory.SubFactory(ToxinSessionFactory)
    kind = AdverseEffectKind.PTOSIS
    onset_on = datetime.date(2026, 3, 6)
    severity = Severity.MILD


class TherapySessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TherapySession

    course = factory.SubFactory(
        TreatmentCourseFactory,
        kind=CourseKind.PHYSICAL_THERAPY,
        planned_interval_days=None,
    )
    therapist = factory.SubFactory(UserFactory)
    session_on = datetime.date(2026, 3, 2)
    focus = TherapyFocus.FACIAL_RETRAINING


class MedicationOrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MedicationOrder

    course = factory.SubFactory(
        TreatmentCourseFactory, kind=CourseKind.MEDICATION, planned_interval_days=None
    )
    drug = "clonazepam"
    dose = Decimal("0.5")
    frequency = "at night"
    start_on = datetime.date(2026, 3, 2)
    prescriber = factory.SubFactory(UserFactory)


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    course = factory.SubFactory(
        TreatmentCourseFactory,
        kind=CourseKind.SURGICAL_REFERRAL,
        planned_interval_days=None,
    )
    to_name = "Mr K. Surgeon, neurosurgery"
    specialty = Specialty.NEUROSURGERY
    reason = "Typical hemifacial spasm with waning toxin benefit; MRI shows AICA loop."
    sent_on = datetime.date(2026, 3, 2)


class ReferralFollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReferralFollowUp

    referral = factory.SubFactory(
        ReferralFactory, status="operated", surgery_on=datetime.date(2026, 5, 4)
    )
    timepoint = "1m"
    seen_on = datetime.date(2026, 6, 4)
    spasm_status = "complete_resolution"


class AppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appointment

    patient = factory.SubFactory(PatientFactory)
    clinician = factory.SubFactory(UserFactory)
    kind = AppointmentKind.FOLLOW_UP
    starts_at = factory.LazyFunction(
        lambda: timezone.now().replace(microsecond=0) + datetime.timedelta(days=7)
    )
    ends_at = factory.LazyAttribute(
        lambda o: o.starts_at + datetime.timedelta(minutes=30)
    )


def build_with_saved_relations(factory_class, **kwargs):
    """An unsaved instance whose related rows exist, ready for full_clean()/save()."""
    instance = factory_class.build(**kwargs)
    _save_relations(instance)
    return instance


def _save_relations(instance):
    for field in instance._meta.concrete_fields:
        if field.is_relation:
            related = getattr(instance, field.name)
            if related is not None and related.pk is None:
                _save_relations(related)
                related.save()
                setattr(instance, field.name, related)


class ResultedStudyFactory(DiagnosticStudyFactory):
    """A study with its result in, awaiting a neurologist's sign-off."""

    status = "resulted"
    performed_on = datetime.date(2025, 6, 10)
    resulted_on = datetime.date(2025, 6, 12)
    impression = "Left AICA loop contacting the facial nerve root exit zone."


class StudyAmendmentFactory(factory.django.DjangoModelFactory):
    """An amendment; give it a signed study (amend_study refuses any other)."""

    class Meta:
        model = StudyAmendment

    study = factory.SubFactory(ResultedStudyFactory)
    text = "The loop is of the PICA, not the AICA."
    reason = "Vessel misnamed in the signed impression."
    amended_by = factory.SubFactory(UserFactory)


class ConsentingPatientFactory(PatientFactory):
    """An adult who asked for appointment reminders by e-mail."""

    reminder_consent = True
    reminder_channel = "email"


class CalendarFeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "scheduling.CalendarFeed"

    clinician = factory.SubFactory(UserFactory)
    token = factory.Sequence(lambda n: f"test-feed-token-{n:06d}")


class RecallContactFactory(factory.django.DjangoModelFactory):
    """An attempt to reach a patient due for their next toxin session."""

    class Meta:
        model = "scheduling.RecallContact"

    course = factory.SubFactory(TreatmentCourseFactory)
    method = "called"
    contacted_by = factory.SubFactory(UserFactory)


class WaitlistEntryFactory(factory.django.DjangoModelFactory):
    """A patient who would take an earlier toxin session, with any clinician."""

    class Meta:
        model = "scheduling.WaitlistEntry"

    patient = factory.SubFactory(PatientFactory)
    kind = AppointmentKind.TOXIN_SESSION
    wanted_from = factory.LazyFunction(timezone.localdate)
