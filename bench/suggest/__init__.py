"""Evaluation of the suggestion engine: ``python -m bench.suggest``."""
