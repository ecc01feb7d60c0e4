// The toxin charting page, live. As the injector types, the form is posted with
// preview=live and the parts the server works out from it (concentrations,
// volumes, totals, face diagram, warnings) are swapped in: the arithmetic and the
// safety rules stay on the server. Site rows are added and removed here, and a
// spot picked on the face diagram adds its row or goes to it. Without this
// script the page works as a plain form ("Check totals and warnings").
(function () {
  "use strict";
  const form = document.querySelector("form[data-live-charting]");
  const table = form && form.querySelector("[data-site-rows]");
  const template = document.getElementById("site-row-template");
  if (!form || !table || !template) {
    return;
  }
  const prefix = table.dataset.siteRows;
  const totalForms = form.querySelector(`[name="${prefix}-TOTAL_FORMS"]`);
  const maxForms = Number(form.querySelector(`[name="${prefix}-MAX_NUM_FORMS"]`).value);
  const addButton = form.querySelector("[data-add-row]");
  const warnings = form.querySelector('[data-live="warnings"]');
  const diagram = form.querySelector(".face-diagram-picks");
  const BLANK_ROWS_TO_START_WITH = 3;
  const TYPING_PAUSE_MS = 300;
  const NUMBERED = new RegExp(`${prefix}-(\\d+|__prefix__)-`, "g");

  function rows() {
    return Array.from(table.querySelectorAll(":scope > tbody[data-site-row]"));
  }

  function field(row, name) {
    return row.querySelector(`[name$="-${name}"]`);
  }

  function isBlank(row) {
    return !row.hasAttribute("data-saved") &&
      ["muscle", "side", "units"].every((name) => !field(row, name).value);
  }

  // A row's form number is in its fields' names and ids; people see it one up.
  function number(row, index) {
    for (const element of row.querySelectorAll("[name], [id], [for], [data-live]")) {
      for (const attribute of ["name", "id", "for", "data-live"]) {
        const value = element.getAttribute(attribute);
        if (value) {
          element.setAttribute(attribute, value.replace(NUMBERED, `${prefix}-${index}-`));
        }
      }
    }
    for (const shown of row.querySelectorAll("[data-row-number]")) {
      shown.textContent = String(index + 1);
    }
  }

  function countRows() {
    totalForms.value = String(rows().length);
    addButton.disabled = rows().length >= maxForms;
  }

  function addRow() {
    const count = rows().length;
    if (count >= maxForms) {
      return null;
    }
    const row = document.importNode(template.content, true).querySelector("tbody");
    number(row, count);
    row.querySelector("[data-remove-row]").hidden = false;
    table.append(row);
    countRows();
    return row;
  }

  function removeRow(row) {
    if (row.hasAttribute("data-saved")) {
      return; // charted sites are corrected, never deleted
    }
    const after = rows().slice(rows().indexOf(row) + 1);
    const next = after[0] || rows()[rows().indexOf(row) - 1];
    row.remove();
    after.forEach((later) => number(later, rows().indexOf(later)));
    countRows();
    const focusable = next && (next.querySelector("[data-remove-row]:not([hidden])") ||
      field(next, "muscle"));
    (focusable || addButton).focus();
    refreshSoon();
  }

  // There is always a blank row to go on to.
  function keepOneBlankRow() {
    const all = rows();
    if (!all.length || !isBlank(all[all.length - 1])) {
      addRow();
    }
  }

  // The server offers enough blank rows for the page without a script; here a
  // few do, since more are added as needed.
  function trimBlankRows() {
    const all = rows();
    let lastUsed = -1;
    all.forEach((row, index) => {
      if (!isBlank(row) || row.querySelector(".is-invalid, .text-danger")) {
        lastUsed = index;
      }
    });
    all.slice(lastUsed + 1 + BLANK_ROWS_TO_START_WITH).forEach((row) => row.remove());
    countRows();
  }

  // Swapped parts: never the one holding the focus (the user may be typing in
  // it), and the focused field stays where it was on the screen.
  function swapIn(html) {
    const parts = new DOMParser().parseFromString(html, "text/html");
    const focused = document.activeElement;
    const topBefore = focused ? focused.getBoundingClientRect().top : 0;
    for (const source of parts.querySelectorAll("[data-live]")) {
      const target = form.querySelector(`[data-live="${CSS.escape(source.dataset.live)}"]`);
      if (!target || target.contains(focused)) {
        continue;
      }
      target.replaceChildren(...Array.from(source.childNodes, (node) => document.importNode(node, true)));
      if (source.hasAttribute("data-row-class")) {
        const row = target.closest("tr");
        row.className = source.dataset.rowClass;
        row.dataset.change = source.dataset.change;
      }
    }
    if (focused) {
      window.scrollBy(0, focused.getBoundingClientRect().top - topBefore);
    }
  }

  let timer = null;
  let asked = 0;
  let inFlight = null;

  function refresh() {
    const mine = ++asked;
    if (inFlight) {
      inFlight.abort();
    }
    inFlight = new AbortController();
    const data = new FormData(form);
    data.set("preview", "live");
    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      redirect: "manual",
      signal: inFlight.signal,
    })
      .then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
      .then((html) => {
        if (mine === asked) {
          swapIn(html);
        }
      })
      .catch(() => {}); // the page stays as it was; saving still checks everything
  }

  // Rows renumbered since a request was sent make its answer stale: a later one
  // is asked for.
  function refreshSoon() {
    asked += 1;
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, TYPING_PAUSE_MS);
  }

  function typed(event) {
    if (warnings && warnings.contains(event.target)) {
      return; // the override box changes nothing worked out
    }
    if (event.target.closest("tbody[data-site-row]")) {
      keepOneBlankRow();
    }
    refreshSoon();
  }

  // A spot on the face diagram: its row if there is one, else a blank row (or a
  // new one) set to it; either way the units are next to type.
  function pick(spot) {
    const { muscle, side } = spot.dataset;
    let row = rows().find((candidate) =>
      field(candidate, "muscle").value === muscle && field(candidate, "side").value === side);
    if (!row) {
      row = rows().find(isBlank) || addRow();
      if (!row) {
        return;
      }
      field(row, "muscle").value = muscle;
      field(row, "side").value = side;
      keepOneBlankRow();
      refreshSoon();
    }
    const units = field(row, "units");
    units.focus();
    units.select();
  }

  // One tab stop for the diagram; the arrow keys move between its spots.
  function setUpDiagram() {
    const spots = Array.from(diagram.querySelectorAll(".face-spot"));
    if (!spots.length) {
      return;
    }
    diagram.classList.add("face-diagram-live");
    spots[0].tabIndex = 0;
    function moveTo(spot) {
      spots.forEach((each) => (each.tabIndex = -1));
      spot.tabIndex = 0;
      spot.focus();
    }
    diagram.addEventListener("click", (event) => {
      const spot = event.target.closest(".face-spot");
      if (spot) {
        moveTo(spot);
        pick(spot);
      }
    });
    diagram.addEventListener("keydown", (event) => {
      const spot = event.target.closest(".face-spot");
      if (!spot) {
        return;
      }
      const at = spots.indexOf(spot);
      const moves = {
        ArrowDown: at + 1,
        ArrowRight: at + 1,
        ArrowUp: at - 1,
        ArrowLeft: at - 1,
        Home: 0,
        End: spots.length - 1,
      };
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        pick(spot);
      } else if (event.key in moves) {
        event.preventDefault();
        moveTo(spots[(moves[event.key] + spots.length) % spots.length]);
      }
    });
  }

  for (const shown of form.querySelectorAll("[data-with-script]")) {
    shown.hidden = false;
  }
  for (const replaced of form.querySelectorAll("[data-without-script]")) {
    // A row already ticked for removal (posted without the script) keeps its box.
    replaced.hidden = !replaced.querySelector("input:checked");
  }
  for (const row of rows()) {
    const remove = row.querySelector("[data-remove-row]");
    if (remove && !row.querySelector("[data-without-script]:not([hidden])")) {
      remove.hidden = false;
    }
  }
  trimBlankRows();
  table.addEventListener("click", (event) => {
    const remove = event.target.closest("[data-remove-row]");
    if (remove) {
      removeRow(remove.closest("tbody[data-site-row]"));
    }
  });
  addButton.addEventListener("click", () => {
    const row = addRow();
    if (row) {
      field(row, "muscle").focus();
    }
  });
  form.addEventListener("input", typed);
  form.addEventListener("change", typed);
  if (diagram) {
    setUpDiagram();
  }
})();
