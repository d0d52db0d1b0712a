"""Levels 3, 5, 10, 15 and 20."""

from app.gamification.badges import Threshold

BADGES = [
    Threshold("level-5", "Level 5", "bronze", "Reached level 5.", "level", 5),
    Threshold("level-10", "Level 10", "silver", "Reached level 10.", "level", 10),
    Threshold("level-20", "Level 20", "gold", "Reached level 20.", "level", 20),
    Threshold("level-3", "Level 3", "bronze", "Reached level 3.", "level", 3),
    Threshold("level-15", "Level 15", "silver", "Reached level 15.", "level", 15),
]
