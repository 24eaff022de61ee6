"""The search page: published posts matching what a reader typed (see :mod:`blog.domain.search`)."""
