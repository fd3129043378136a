"""How the plan's figures are written: 12,400 · 11.5 (no trailing zeros, thousands separated)."""

from decimal import ROUND_HALF_UP, Decimal

TWO_PLACES = Decimal("0.01")


def format_number(value):
    """12400 → '12,400'; 11.50 → '11.5'; None → ''."""
    if value is None:
        return ""
    normalized = value.quantize(TWO_PLACES, ROUND_HALF_UP).normalize()
    if normalized == normalized.to_integral():
        return f"{int(normalized):,}"
    return f"{normalized:,f}"
