"""Polyglot: challenges solved in 3 and in 5 languages."""

from app.gamification.badges import Threshold

BADGES = [
    Threshold("polyglot-3", "Polyglot", "silver", "Solved in 3 languages.", "languages", 3),
    Threshold("polyglot-5", "Babel", "gold", "Solved in 5 languages.", "languages", 5),
]
