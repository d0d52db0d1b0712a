"""Streaks of 3, 7, 14, 30 and 100 periods."""

from app.gamification.badges import Threshold

BADGES = [
    Threshold("streak-7", "A week of code", "bronze", "A streak of 7.", "streak", 7),
    Threshold("streak-30", "Unstoppable", "gold", "A streak of 30.", "streak", 30),
    Threshold("streak-3", "Warming up", "bronze", "A streak of 3.", "streak", 3),
    Threshold("streak-14", "Fortnight", "silver", "A streak of 14.", "streak", 14),
    Threshold("streak-100", "Legend", "gold", "A streak of 100.", "streak", 100),
]
