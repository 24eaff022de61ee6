"""The JSON API at /api: the RealWorld ("Conduit") spec v2 over the blog's own data.

Every route calls the domain layer, exactly as the HTML views do; this package only translates
between JSON and domain calls (:mod:`schemas`, :mod:`shapes`) and answers errors in the
RealWorld shape (:mod:`errors`). The blueprint and its routes are in :mod:`blueprint`, imported
by the factory when it registers them (importing ``blog.api`` alone loads no route).
"""
