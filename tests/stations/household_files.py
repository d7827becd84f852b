"""Helpers for the households' tests (set-up and import)."""


def wrong_check(number: str) -> str:
    """The ID number with another check character: one typing error."""
    return number[:-1] + ("1" if number[-1] != "1" else "2")
