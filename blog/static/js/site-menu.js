// The header's menu on phones (partials/nav.html). Without this script a <details> disclosure
// opens and closes the panel; with it, a real button does, saying whether it is open
// (aria-expanded). Escape closes the menu and puts the focus back on the button; so does a
// click or a tap outside the menu. On wide screens the panel is always shown and the button
// hidden, so none of this matters there.

document.querySelectorAll("[data-nav-menu]").forEach((menu) => {
  const disclosure = menu.querySelector(".nav-menu-disclosure");
  const button = menu.querySelector("button.nav-menu-button");
  if (!button || !document.getElementById(button.getAttribute("aria-controls"))) {
    return;
  }
  const wasOpen = disclosure && disclosure.open;
  if (disclosure) {
    disclosure.remove();
  }
  button.hidden = false;

  const setOpen = (open) => {
    button.setAttribute("aria-expanded", String(open));
    menu.classList.toggle("is-open", open);
  };
  setOpen(Boolean(wasOpen));

  // The focus stays on the button (the next Tab reaches the panel, which follows it): moving
  // it to the search box would open a phone's keyboard over the menu.
  button.addEventListener("click", () => {
    setOpen(button.getAttribute("aria-expanded") !== "true");
  });

  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && menu.classList.contains("is-open")) {
      const focusWasInside = menu.contains(document.activeElement);
      setOpen(false);
      if (focusWasInside) {
        button.focus();
      }
    }
  });

  document.addEventListener("click", (event) => {
    if (menu.classList.contains("is-open") && !menu.contains(event.target)) {
      setOpen(false);
    }
  });
});
