"""Planning across rooms and years, and numbers as Indonesians write them.

Carrying a record into a new room (``carry.py``), consolidating several rooms' records
(``consolidate.py``), reading records back (``records.py``), and the one parser of amounts
(``numbers.py``; ``web/static/js/numbers.js`` follows the same case table). The national
nomenclature the codes come from is reference data in ``server/reference``.
"""
