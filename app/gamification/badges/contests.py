"""Contest results: a medal, three medals, first to solve a problem."""

from app.gamification.badges import Threshold

BADGES = [
    Threshold("medal", "Medallist", "silver", "A medal in a contest.", "medals", 1),
    Threshold(
        "first-blood", "First to solve", "gold", "First to solve a contest problem.", "firsts", 1
    ),
    Threshold("podium", "Podium regular", "gold", "Three contest medals.", "medals", 3),
]
