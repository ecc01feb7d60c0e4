from django.contrib.auth.decorators import permission_required
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from patients.models import DiagnosticStudy
from patients.reports import detect_report_type


@require_GET
@permission_required("patients.view_diagnosticstudy", raise_exception=True)
def study_report(request: HttpRequest, pk: int) -> FileResponse:
    """Serve a study's report file to a user allowed to see studies, never publicly."""
    study = get_object_or_404(DiagnosticStudy, pk=pk)
    if not study.report:
        raise Http404("This study has no report.")
    report = study.report.open("rb")
    detected = detect_report_type(report)
    if detected is None:
        report.close()
        raise Http404("The stored report is not a readable file.")
    content_type, extension = detected
    response = FileResponse(
        report,
        content_type=content_type,
        filename=f"study-{study.pk}-report{extension}",
    )
    # Patient documents must not linger in shared or browser caches.
    response["Cache-Control"] = "private, no-store"
    return response
