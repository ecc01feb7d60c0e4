from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinic"

    def ready(self):
        from django.core.signals import request_finished

        from clinic.request_ids import forget_request_id, install_log_record_factory

        install_log_record_factory()
        request_finished.connect(forget_request_id, dispatch_uid="forget_request_id")
