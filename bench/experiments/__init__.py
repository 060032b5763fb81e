"""Ideas for the server, measured from outside it: each runs ``spwt serve`` with one part
swapped, as a benchmark target of its own (``--targets ours,ours-lean``)."""
