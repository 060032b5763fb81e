"""Planning references: the national nomenclature of regional programs.

Pure data and lookups (the packaged JSON is read once), for the program code picker, the
record's ``code``/``nomenclature``/``urusan``/``bidang`` and the plan table.
"""
