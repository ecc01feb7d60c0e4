// Optional: narrows the code list to the chosen condition and, for hemifacial spasm,
// picks the code for the side. Without it the server derives and checks the code.
(function () {
  const data = JSON.parse(document.getElementById("case-code-data").textContent);
  const condition = document.getElementById("id_condition");
  const side = document.getElementById("id_laterality");
  const code = document.getElementById("id_icd10_code");
  if (!condition || !side || !code) {
    return;
  }
  function conditionLabel() {
    const chosen = condition.options[condition.selectedIndex];
    return condition.value && chosen ? chosen.text : "";
  }
  function usable(option) {
    return !option.disabled && !(option.parentElement.disabled);
  }
  function select(value) {
    for (const option of code.options) {
      if (option.value === value && usable(option)) {
        option.selected = true;
        return true;
      }
    }
    return false;
  }
  function narrow() {
    const label = conditionLabel();
    for (const group of code.querySelectorAll("optgroup")) {
      const shown = !label || group.label === label || group.label === "Current";
      group.hidden = !shown;
      group.disabled = !shown;
    }
    const current = code.selectedOptions[0];
    if (current && !usable(current) && !select(current.value)) {
      code.value = "";
    }
  }
  function pickForSide() {
    const wanted = data.hfsCodeBySide[side.value];
    if (condition.value === data.hfs && wanted) {
      select(wanted);
    }
  }
  condition.addEventListener("change", function () {
    narrow();
    pickForSide();
  });
  side.addEventListener("change", pickForSide);
  narrow();
})();
