import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.factories import build_with_saved_relations


def assert_refused(factory, message, **kwargs):
    """The database refuses the row, and full_clean() explains why."""
    instance = build_with_saved_relations(factory, **kwargs)
    with pytest.raises(ValidationError) as excinfo:
        instance.full_clean()
    assert message in str(excinfo.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        instance.save()
