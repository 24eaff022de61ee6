"""Pages (About, Contact, Colophon): their top-level addresses, the admins' editor and list, and
the ``navigation_pages`` every template's navigation reads. The rules are in
:mod:`blog.domain.pages`."""
