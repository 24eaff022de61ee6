"""The whole-blog archive: ``flask blog export`` and ``import``, and the admin's download."""
