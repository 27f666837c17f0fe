"""Whole numbers from query strings and forms: ASCII digits only, bounded.

``"²".isdigit()`` is true but ``int("²")`` fails, and a 30-digit number is
too large for SQLite: every numeric parameter goes through here instead.
"""

from __future__ import annotations

# The largest id a 64-bit database column holds.
MAX_ID = 2**63 - 1


def whole_number(
    value: str | None, default: int | None = None, low: int = 0, high: int = MAX_ID
) -> int | None:
    """Return ``value`` as an int in ``[low, high]``, else ``default``."""
    if not value or len(value) > 19 or not (value.isascii() and value.isdigit()):
        return default
    number = int(value)
    return number if low <= number <= high else default
