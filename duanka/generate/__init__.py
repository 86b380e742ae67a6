"""Synthetic worlds: a realistic population with planted supply chains and their truth."""

from duanka.generate.profiles import PROFILES, Profile
from duanka.generate.scenario import generate

__all__ = ["PROFILES", "Profile", "generate"]
