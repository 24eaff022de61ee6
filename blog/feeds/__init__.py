"""Atom, RSS and JSON feeds of the newest public posts, and WebSub pings when they change."""
