// The signed-in session ends after a while without a request
// (clinic/session_limits.py). While the person types, this keeps it alive (at most
// one request a minute); two minutes before the end it says so, with a button to
// stay; and a form kept across a sign-out is filled back in.
(function () {
  const body = document.body;
  const idleSeconds = Number(body.dataset.idleSeconds || 0);
  const notice = document.getElementById("session-notice");
  const stay = document.getElementById("session-stay");
  if (!idleSeconds || !notice || !stay) {
    return;
  }
  const WARN_BEFORE_SECONDS = 120;
  const PING_EVERY_MS = 60 * 1000;
  let lastPing = Date.now();
  let warning = null;

  function scheduleWarning() {
    window.clearTimeout(warning);
    const delay = Math.max(0, idleSeconds - WARN_BEFORE_SECONDS) * 1000;
    warning = window.setTimeout(function () {
      notice.hidden = false;
    }, delay);
  }

  function keepAlive() {
    lastPing = Date.now();
    fetch(body.dataset.keepAliveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": body.dataset.csrfToken },
    }).then(function (response) {
      if (response.ok) {
        notice.hidden = true;
        scheduleWarning();
      }
    });
  }

  function typed() {
    if (Date.now() - lastPing >= PING_EVERY_MS) {
      keepAlive();
    }
  }

  document.addEventListener("input", typed);
  document.addEventListener("keydown", typed);
  stay.addEventListener("click", keepAlive);
  scheduleWarning();
})();

(function () {
  const data = document.getElementById("kept-form-data");
  const form = document.querySelector("main form[method=post]");
  if (!data || !form) {
    return;
  }
  const fields = JSON.parse(data.textContent);
  for (const [name, values] of Object.entries(fields)) {
    for (const element of form.querySelectorAll("[name]")) {
      if (element.name !== name || element.type === "file" || element.type === "hidden") {
        continue;
      }
      if (element.type === "checkbox" || element.type === "radio") {
        element.checked = values.includes(element.value);
      } else if (element.tagName === "SELECT") {
        for (const option of element.options) {
          option.selected = values.includes(option.value);
        }
      } else {
        element.value = values[0];
      }
    }
  }
})();
