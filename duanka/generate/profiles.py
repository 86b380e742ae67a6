"""Scenario sizes. Ring counts grow with the population; ring shapes do not."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    name: str
    persons: int

    @property
    def rings(self) -> int:
        """How many rings a world of this size plants."""
        return max(4, self.persons // 2500)


PROFILES: dict[str, Profile] = {
    p.name: p
    for p in (
        Profile("demo", 2_000),
        Profile("small", 20_000),
        Profile("medium", 100_000),
        Profile("large", 1_000_000),
    )
}
