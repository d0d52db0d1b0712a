"""A boss the class defeated together."""

from app.gamification.badges import Threshold

BADGES = [
    Threshold(
        "boss-slayer", "Boss slayer", "silver", "Helped defeat a boss.", "bosses_defeated", 1
    ),
]
