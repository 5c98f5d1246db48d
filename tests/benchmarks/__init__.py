"""Benchmarks printed by ``make bench`` (DESIGN section 8); not part of ``make test``."""
