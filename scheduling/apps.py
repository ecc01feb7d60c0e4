from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _complete_appointment(sender, *, session, **kwargs):
    from scheduling import booking

    booking.complete_for_toxin_session(session)


class SchedulingConfig(AppConfig):
    name = "scheduling"
    verbose_name = _("Scheduling")

    def ready(self):
        from treatments.signals import toxin_session_charted

        toxin_session_charted.connect(
            _complete_appointment, dispatch_uid="scheduling.complete_appointment"
        )
