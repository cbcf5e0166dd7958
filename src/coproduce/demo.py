"""Demo data: a fictional partnership that shows every feature. All text is our own."""


def ensure_demo_data() -> None:
    """Create the demo data unless it is already there."""


def sign_in_instructions(base_url: str) -> str:
    return f"Coproduce is running at {base_url}"
