"""Bosses the class defeated together: one, then three."""

from app.gamification.badges import Threshold

BADGES = [
    Threshold(
        "boss-slayer", "Boss slayer", "silver", "Helped defeat a boss.", "bosses_defeated", 1
    ),
    Threshold("boss-hunter", "Boss hunter", "gold", "Defeated 3 bosses.", "bosses_defeated", 3),
]
