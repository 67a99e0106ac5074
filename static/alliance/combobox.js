// Search-as-you-type choices (alliance/pickers.py): the WAI-ARIA combobox pattern with a listbox popup.
// The text input asks the endpoint named by data-search-path (under <body data-org-root>) for at most
// 20 options as one types; Up/Down move through them, Enter chooses, Escape closes. Choosing puts the
// option's id in the hidden input and fires "change" on it (htmx attributes there react). Typing again
// clears the id, so what the form posts is either a choice or the typed text, which the server
// resolves — the same as without JavaScript.
(() => {
  const DELAY_MS = 200;
  const timers = new WeakMap();
  const requests = new WeakMap();

  const boxOf = (input) => input.closest("[data-combobox]");
  const listOf = (box) => box.querySelector("[role=listbox]");
  const valueOf = (box) => box.querySelector("[data-combobox-value]");
  const optionsOf = (box) => [...listOf(box).querySelectorAll("[role=option]:not([data-empty])")];
  const comboboxOf = (box) => box.querySelector("input[role=combobox]");

  function announce(box, text) {
    const status = box.querySelector("[data-combobox-status]");
    if (status) status.textContent = text;
  }

  function close(box) {
    const input = comboboxOf(box);
    listOf(box).hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function open(box) {
    if (!listOf(box).children.length) return;
    listOf(box).hidden = false;
    comboboxOf(box).setAttribute("aria-expanded", "true");
  }

  function activate(box, option) {
    const input = comboboxOf(box);
    for (const other of optionsOf(box)) other.setAttribute("aria-selected", String(other === option));
    if (option) {
      input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  // Several choices (data-multiple): each choice adds a ticked checkbox to the chosen list (untick to drop it)
  // and empties the text input for the next one.
  function add(box, option) {
    const input = comboboxOf(box);
    const chosen = box.querySelector("[data-combobox-chosen]");
    const name = box.dataset.name;
    const already = [...chosen.querySelectorAll("input[type=checkbox]")]
      .find((checkbox) => checkbox.value === option.dataset.value);
    if (already) {
      already.checked = true;
    } else {
      const item = document.createElement("li");
      const label = document.createElement("label");
      const checkbox = document.createElement("input");
      checkbox.type = "checkbox";
      checkbox.name = name;
      checkbox.value = option.dataset.value;
      checkbox.checked = true;
      label.append(checkbox, ` ${option.dataset.label}`);
      item.append(label);
      chosen.append(item);
      checkbox.dispatchEvent(new Event("change", { bubbles: true }));
    }
    input.value = "";
    listOf(box).innerHTML = "";
    close(box);
    announce(box, `${option.dataset.label} added`);
    input.focus();
  }

  function choose(box, option) {
    if (box.hasAttribute("data-multiple")) {
      add(box, option);
      return;
    }
    const input = comboboxOf(box);
    input.value = option.dataset.label;
    const value = valueOf(box);
    if (value) {
      value.value = option.dataset.value;
      value.dispatchEvent(new Event("change", { bubbles: true }));
    }
    close(box);
    announce(box, `${option.dataset.label} chosen`);
    input.focus();
  }

  async function search(box) {
    const input = comboboxOf(box);
    const root = document.body.dataset.orgRoot;
    if (!root) return;
    const url = new URL(box.dataset.searchPath, new URL(root, window.location.origin));
    url.searchParams.set("q", input.value.trim());
    const previous = requests.get(box);
    if (previous) previous.abort();
    const controller = new AbortController();
    requests.set(box, controller);
    let response;
    try {
      response = await fetch(url, { signal: controller.signal, headers: { "HX-Request": "true" },
                                     credentials: "same-origin" });
    } catch (error) {
      return; // aborted by a newer search, or offline: the field still takes typed text
    }
    if (!response.ok) return;
    listOf(box).innerHTML = await response.text();
    const count = optionsOf(box).length;
    announce(box, count ? `${count} suggestion${count === 1 ? "" : "s"}, use the arrow keys` : "No match");
    if (document.activeElement === input) open(box);
  }

  function scheduleSearch(box) {
    clearTimeout(timers.get(box));
    timers.set(box, setTimeout(() => search(box), DELAY_MS));
  }

  document.addEventListener("input", (event) => {
    const input = event.target;
    if (!input.matches("[data-combobox] input[role=combobox]")) return;
    const box = boxOf(input);
    const value = valueOf(box);
    if (value && value.value) {
      value.value = "";
      value.dispatchEvent(new Event("change", { bubbles: true }));
    }
    scheduleSearch(box);
  });

  document.addEventListener("keydown", (event) => {
    const input = event.target;
    if (!input.matches || !input.matches("[data-combobox] input[role=combobox]")) return;
    const box = boxOf(input);
    const options = optionsOf(box);
    const expanded = input.getAttribute("aria-expanded") === "true";
    const current = options.findIndex((option) => option.getAttribute("aria-selected") === "true");
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!expanded) {
        if (options.length) open(box); else scheduleSearch(box);
        if (!options.length) return;
      }
      const step = event.key === "ArrowDown" ? 1 : -1;
      const next = current < 0 ? (step > 0 ? 0 : options.length - 1)
        : (current + step + options.length) % options.length;
      activate(box, options[next]);
    } else if (event.key === "Enter" && expanded && current >= 0) {
      event.preventDefault(); // choosing, not submitting
      choose(box, options[current]);
    } else if (event.key === "Escape" && expanded) {
      event.preventDefault();
      close(box);
    }
  });

  document.addEventListener("mousedown", (event) => {
    // Keep the focus in the text input while an option is clicked.
    if (event.target.closest && event.target.closest("[data-combobox] [role=listbox]")) event.preventDefault();
  });

  document.addEventListener("click", (event) => {
    const option = event.target.closest && event.target.closest("[data-combobox] [role=option]:not([data-empty])");
    if (option) choose(boxOf(option), option);
  });

  document.addEventListener("focusin", (event) => {
    const input = event.target;
    if (input.matches && input.matches("[data-combobox] input[role=combobox]") && !listOf(boxOf(input)).children.length) {
      scheduleSearch(boxOf(input));
    }
  });

  document.addEventListener("focusout", (event) => {
    const box = event.target.closest && event.target.closest("[data-combobox]");
    if (!box) return;
    // A click on an option moves focus out first: close only once focus has really left the box.
    setTimeout(() => { if (!box.contains(document.activeElement)) close(box); }, 150);
  });
})();
