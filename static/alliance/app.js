// Small progressive enhancements; every page works without them.
// Forms marked data-confirm ask before a destructive action is sent; once asked, the form says so
// (confirmed=1), so the server does not ask a second time (alliance/confirm.py asks without JavaScript).
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-confirm]");
  if (!form) return;
  if (!window.confirm(form.dataset.confirm)) {
    event.preventDefault();
    event.stopImmediatePropagation();
    return;
  }
  if (!form.querySelector("input[name=confirmed]")) {
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = "confirmed";
    input.value = "1";
    form.append(input);
  }
}, true);

// Bulk forms (data-bulk="Approve {n}") start with nothing ticked: the button says how many it
// will act on, is off while none is chosen, and the question asked names the number
// (data-bulk-confirm="Approve {n} expenses?").
function updateBulk(form) {
  const count = form.querySelectorAll("input[type=checkbox][data-bulk-item]:checked").length;
  const button = form.querySelector("button[data-bulk]");
  if (!button) return;
  button.textContent = button.dataset.bulk.replace("{n}", count);
  button.disabled = count === 0;
  if (form.dataset.bulkConfirm) form.dataset.confirm = form.dataset.bulkConfirm.replace("{n}", count);
}
document.addEventListener("change", (event) => {
  const form = event.target.closest("form[data-bulk-confirm]");
  if (form) updateBulk(form);
});
document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form[data-bulk-confirm]")) updateBulk(form);
});

// Buttons marked data-copy copy the text of the element they name (shown only where the
// clipboard is available; the text stays selectable either way).
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("button[data-copy]")) {
    if (!navigator.clipboard) continue;
    button.hidden = false;
    button.addEventListener("click", async () => {
      const source = document.querySelector(button.dataset.copy);
      await navigator.clipboard.writeText(source.textContent.trim());
      button.textContent = "Copied";
    });
  }
});

// On phones, tables read as cards: each cell carries its column's heading (see app.css).
document.addEventListener("DOMContentLoaded", () => labelCells(document));
document.addEventListener("htmx:afterSwap", (event) => labelCells(event.target));

function labelCells(root) {
  const around = root.closest && root.closest("table");
  const tables = around ? [around] : root.querySelectorAll("main table");
  for (const table of tables) {
    const headings = [...table.querySelectorAll(":scope > thead th")].map((th) => th.textContent.trim());
    for (const row of table.querySelectorAll(":scope > tbody > tr, :scope > tfoot > tr")) {
      [...row.children].forEach((cell, index) => {
        if (headings[index] && !cell.dataset.label) cell.dataset.label = headings[index];
      });
    }
  }
}

// One navigation menu open at a time, and a click elsewhere closes it (without JavaScript each
// <details> menu simply stays open until its summary is clicked again).
document.addEventListener("toggle", (event) => {
  const opened = event.target;
  if (!opened.matches || !opened.matches("details.navmenu") || !opened.open) return;
  for (const other of document.querySelectorAll("details.navmenu[open]")) {
    if (other !== opened) other.open = false;
  }
}, true);
document.addEventListener("click", (event) => {
  for (const menu of document.querySelectorAll("details.navmenu[open]")) {
    if (!menu.contains(event.target)) menu.open = false;
  }
});
