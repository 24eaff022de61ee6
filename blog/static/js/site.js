// Behaviour the site's pages share, from a file because the Content-Security-Policy allows no
// inline script. Everything works without it; it only spares readers two mistakes.

// A form with data-confirm (deleting a post or a comment) asks before it is sent.
document.addEventListener("submit", (event) => {
  const message = event.target.dataset.confirm;
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});

// A form that is on its way can't be sent twice by a second click. The buttons are disabled
// after the submission has taken the pressed one's name, and enabled again when the browser
// shows the page from its back/forward cache.
document.addEventListener("submit", (event) => {
  if (event.defaultPrevented) {
    return;
  }
  const buttons = event.target.querySelectorAll("button[type=submit], input[type=submit]");
  window.setTimeout(() => buttons.forEach((button) => { button.disabled = true; }), 0);
});

window.addEventListener("pageshow", () => {
  document.querySelectorAll("form [type=submit]:disabled").forEach((button) => {
    button.disabled = false;
  });
});
