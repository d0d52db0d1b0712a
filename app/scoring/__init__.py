"""Scoring: pure ICPC / IOI / assignment rules, the freeze, standings; the score cache."""
