// The admin panel runs under the site's Content-Security-Policy (script-src 'self'), which blocks
// the onclick="..." handlers in Flask-Admin's templates. This file gives the same behaviour to
// those elements from a script file, and names the search box for screen readers.

function confirmed(code) {
  const match = code.match(/safeConfirm\('(.*)'\)/);
  return !match || window.confirm(match[1].replace(/\\'/g, "'"));
}

document.querySelectorAll("[onclick]").forEach((element) => {
  const code = element.getAttribute("onclick");
  element.removeAttribute("onclick");
  const action = code.match(/modelActions\.execute\('([^']+)'\)/);
  element.addEventListener("click", (event) => {
    if (action) {
      event.preventDefault();
      window.modelActions.execute(action[1]);
    } else if (code.includes("safeConfirm")) {
      if (!confirmed(code)) event.preventDefault();
    } else {
      event.preventDefault(); // "return false;" on menu items whose own scripts do the work
    }
  });
});

document.querySelectorAll('input[name="search"]:not([aria-label])').forEach((input) => {
  input.setAttribute("aria-label", "Search " + (input.placeholder || "records"));
});
