"""Demo records of the filings app for ``make run`` (seed_demo calls :func:`demo_load`).

A placeholder: helper h1b fills it (records created through the services, marked 演示).
"""

from __future__ import annotations


def demo_load() -> list[str]:
    """Create the demo records once (idempotent); returns summary lines to print."""
    return []
