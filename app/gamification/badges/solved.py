"""Challenges solved: the first accept, then 10, 25, 50, 100 and 200."""

from app.gamification.badges import Threshold

BADGES = [
    Threshold(
        "first-accept", "First accept", "bronze", "Your first accepted solution.", "solved", 1
    ),
    Threshold("solved-10", "Ten down", "bronze", "10 challenges solved.", "solved", 10),
    Threshold("solved-50", "Fifty", "silver", "50 challenges solved.", "solved", 50),
    Threshold("solved-200", "Two hundred", "gold", "200 challenges solved.", "solved", 200),
    Threshold("solved-25", "Quarter century", "bronze", "25 challenges solved.", "solved", 25),
    Threshold("solved-100", "Centurion", "silver", "100 challenges solved.", "solved", 100),
]
