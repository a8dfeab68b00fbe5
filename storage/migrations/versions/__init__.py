"""The archive's schema revisions, oldest first (``r0001``, ``r0002``, ...)."""
