"""The treatments admin, a module per record kind. Importing each registers its
admins with the admin site (autodiscover imports this package only)."""

from treatments.admin import (  # noqa: F401 - imported for their registrations
    assessments,
    courses,
    medication,
    referrals,
    therapy,
    toxin,
)
