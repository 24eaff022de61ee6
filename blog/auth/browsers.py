"""What a browser calls itself, in words a person knows: "Firefox 133 on Linux"."""

from __future__ import annotations

import functools

from ua_parser import parse

from blog.models.sign_in import BROWSER_MAX

UNKNOWN = "An unknown browser"


@functools.lru_cache(maxsize=1024)
def describe(user_agent: str) -> str:
    """The browser and system a ``User-Agent`` header names, or :data:`UNKNOWN`."""
    parsed = parse(user_agent[:1000])
    agent, system = parsed.user_agent, parsed.os
    if agent is None:
        return UNKNOWN
    name = f"{agent.family} {agent.major}" if agent.major else agent.family
    if system is not None and system.family != "Other":
        name = f"{name} on {system.family}"
    return name[:BROWSER_MAX]
