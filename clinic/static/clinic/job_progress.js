// The job page's progress (templates/clinic/job_detail.html), fetched again every
// few seconds while the job runs, and put in place of the old. A static file: the
// Content-Security-Policy forbids inline scripts. It stops after ten minutes, so
// that a page left open does not keep the session alive for ever.
(function () {
  "use strict";
  const panel = document.getElementById("job-progress");
  if (!panel) {
    return;
  }
  const delay = Number(panel.dataset.refreshSeconds || 2) * 1000;
  const stopAt = Date.now() + 10 * 60 * 1000;

  function refresh() {
    if (panel.dataset.running !== "true") {
      return;
    }
    if (Date.now() > stopAt) {
      document.getElementById("job-stopped-refreshing").hidden = false;
      return;
    }
    fetch(window.location.href, { credentials: "same-origin" })
      .then((response) => (response.ok ? response.text() : Promise.reject()))
      .then((html) => {
        const page = new DOMParser().parseFromString(html, "text/html");
        const fresh = page.getElementById("job-progress");
        if (!fresh) {
          return; // signed out: the answer is the sign-in page
        }
        panel.innerHTML = fresh.innerHTML;
        panel.dataset.running = fresh.dataset.running;
        window.setTimeout(refresh, delay);
      })
      .catch(() => window.setTimeout(refresh, delay * 5));
  }

  window.setTimeout(refresh, delay);
})();
