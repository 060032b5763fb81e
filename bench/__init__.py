"""Load generator, scenarios and baseline servers of the benchmarks (``spwt bench``)."""
