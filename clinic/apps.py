from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = _("Clinic")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.core.signals import request_finished

        from clinic.request_ids import forget_request_id, install_log_record_factory
        from clinic.session_limits import mark_signed_in

        install_log_record_factory()
        request_finished.connect(forget_request_id, dispatch_uid="forget_request_id")
        user_logged_in.connect(mark_signed_in, dispatch_uid="mark_signed_in")
