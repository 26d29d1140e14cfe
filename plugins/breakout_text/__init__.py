"""breakout_text: not yet built (see docs/ARCHITECTURE.md); register() connects nothing yet."""


def register() -> None:
    """Connect the receivers."""
