"""Planning references and rules: the national nomenclature of regional programs, and
numbers and money as Indonesians write them.

Pure data and lookups (the packaged JSON is read once): the program code picker, the
record's ``code``/``nomenclature``/``urusan``/``bidang``, the plan table, and the one parser
of amounts (``numbers.py``; ``web/static/js/numbers.js`` follows the same case table).
"""
