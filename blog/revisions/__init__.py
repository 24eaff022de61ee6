"""A post's history: its earlier versions, what changed since each, and restoring one (see
:mod:`blog.domain.revisions`)."""
