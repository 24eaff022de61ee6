// Flask-Admin's search box has only a placeholder; give it an accessible name.
document.querySelectorAll('input[name="search"]:not([aria-label])').forEach((input) => {
  input.setAttribute("aria-label", "Search " + (input.placeholder || "records"));
});
