"""Gamification pages: the profile, the leaderboards."""

from flask import Blueprint

bp = Blueprint("gamification", __name__)
