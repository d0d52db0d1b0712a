"""Levels 5, 10 and 20."""

from app.gamification.badges import Threshold

BADGES = [
    Threshold("level-5", "Level 5", "bronze", "Reached level 5.", "level", 5),
    Threshold("level-10", "Level 10", "silver", "Reached level 10.", "level", 10),
    Threshold("level-20", "Level 20", "gold", "Reached level 20.", "level", 20),
]
