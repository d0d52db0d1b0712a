"""Round pages: the list, a round's home, the board, Start, and the teacher's forms."""

from __future__ import annotations
