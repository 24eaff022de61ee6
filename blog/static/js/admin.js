// The admin panel runs under the site's Content-Security-Policy (script-src 'self'), which blocks
// the onclick="..." handlers and javascript: links of Flask-Admin's templates. Ours
// (templates/admin/) mark those elements with data attributes instead, and this file gives them
// their behaviour: the "With selected" menu, the select-all checkbox, the question before a
// delete, the "Add Filter" menu (whose filters Flask-Admin's bs4_filters.js adds). It also names
// the search box for screen readers.

const rowBoxes = () => Array.from(document.querySelectorAll("input.action-checkbox"));
const selectAll = document.querySelector("input.action-rowtoggle");

// An action from the "With selected" menu: it needs a chosen row, asks its question if it has
// one, then sends the action form with the chosen rows.
function runAction(item) {
  const chosen = rowBoxes().filter((box) => box.checked);
  if (chosen.length === 0) {
    window.alert(item.closest("[data-none-selected]").dataset.noneSelected);
    return;
  }
  if (item.dataset.confirm && !window.confirm(item.dataset.confirm)) {
    return;
  }
  const form = document.getElementById("action_form");
  form.elements.namedItem("action").value = item.dataset.action;
  form.querySelectorAll("input[name=rowid]").forEach((input) => input.remove());
  chosen.forEach((box) => {
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = "rowid";
    input.value = box.value;
    form.append(input);
  });
  form.submit();
}

// Links to "#" are controls whose work is done by script: a menu's toggle, an "Add Filter" or
// "With selected" item, a filter's remove button. The "#" stays out of the address. (Capturing,
// because Flask-Admin's dropdown script stops the toggles' clicks on their way up.)
document.addEventListener(
  "click",
  (event) => {
    if (event.target.closest('a[href="#"]')) {
      event.preventDefault();
    }
  },
  true,
);

document.addEventListener("click", (event) => {
  const item = event.target.closest("[data-action]");
  if (item) {
    runAction(item);
  }
});

// A form with data-confirm (a row's delete button) asks before it is sent.
document.addEventListener("submit", (event) => {
  const question = event.target.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// The checkbox in the list's header selects every row or none, and shows whether all, some or
// none are selected.
function showSelection() {
  const boxes = rowBoxes();
  const checked = boxes.filter((box) => box.checked).length;
  selectAll.checked = boxes.length > 0 && checked === boxes.length;
  selectAll.indeterminate = checked > 0 && checked < boxes.length;
}

if (selectAll) {
  selectAll.addEventListener("change", () => {
    rowBoxes().forEach((box) => {
      box.checked = selectAll.checked;
    });
  });
  document.addEventListener("change", (event) => {
    if (event.target.matches("input.action-checkbox")) {
      showSelection();
    }
  });
  window.addEventListener("pageshow", showSelection); // boxes the browser kept ticked
}

document.querySelectorAll('input[name="search"]:not([aria-label])').forEach((input) => {
  input.setAttribute("aria-label", "Search " + (input.placeholder || "records"));
});
