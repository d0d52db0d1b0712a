"""Streaks of 7 and of 30 periods."""

from app.gamification.badges import Threshold

BADGES = [
    Threshold("streak-7", "A week of code", "bronze", "A streak of 7.", "streak", 7),
    Threshold("streak-30", "Unstoppable", "gold", "A streak of 30.", "streak", 30),
]
