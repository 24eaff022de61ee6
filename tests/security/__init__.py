"""Who may reach what: every route of the URL map against every kind of reader.

:mod:`tests.security.table` declares, for each route, what each role gets; the content those
routes name is written once per module by :mod:`tests.security.content`, and
:mod:`tests.security.cells` sends one request per route and role and checks the answer.
"""
