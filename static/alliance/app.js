// Small progressive enhancements; every page works without them.
// Forms marked data-confirm ask before a destructive action is sent.
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);

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
