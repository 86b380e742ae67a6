"""Calibrated scores: a score of 0.8 should mean that about 8 in 10 such leads are right.

The rules in model.py rank well but their numbers are not probabilities. An isotonic map, fitted
on evaluation worlds (bench/calibrate.py) and stored beside the model under its version, turns a
rule score into the precision leads of that score had there. Without a map for the model version
scores pass through unchanged, and the manifest says they are uncalibrated.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from duanka.detect.model import MODEL

FOLDER = Path(__file__).with_name("calibration")


@dataclass(frozen=True)
class Calibration:
    """A monotone map from rule score to precision, as points to interpolate between."""

    version: str  # the model version it was fitted for
    scores: tuple[float, ...]
    precision: tuple[float, ...]
    fitted_on: str = ""  # which worlds, for the manifest and the docs

    def __call__(self, raw: np.ndarray) -> np.ndarray:
        """The calibrated score of each rule score."""
        return np.interp(np.asarray(raw, dtype=float), self.scores, self.precision)

    def save(self, folder: Path = FOLDER) -> Path:
        """calibration/<version>.json, kept in the repository beside the model it belongs to."""
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.version}.json"
        body = {
            "version": self.version,
            "fitted_on": self.fitted_on,
            "scores": self.scores,
            "precision": self.precision,
        }
        path.write_text(json.dumps(body, indent=1) + "\n", encoding="utf-8")
        return path


def fit(raw: np.ndarray, right: np.ndarray, fitted_on: str, version: str = MODEL.version) -> Calibration:
    """Isotonic regression of 'planted' on the rule score, kept as a line through each step's centre.

    Each step's precision is smoothed as (right + 1) / (entities + 2), so a step of a few entities that
    were all right does not claim certainty, and capped at `most_certain`: a suspicion is never one. The
    map joins the steps' centres (their mean rule score) rather than jumping from one to the next, so it
    rises wherever the rule score does: within a lead list the score still orders the leads, and a
    border between two steps is never a cliff from 0.01 to 0.99.
    """
    from sklearn.isotonic import IsotonicRegression  # here, not at import: scikit-learn takes seconds to load

    x, y = np.asarray(raw, dtype=float), np.asarray(right, dtype=float)
    iso = IsotonicRegression(y_min=0.0, y_max=1.0, increasing=True, out_of_bounds="clip").fit(x, y)
    step = iso.predict(x)
    levels = np.unique(step)
    centres = np.array([x[step == lv].mean() for lv in levels])
    smoothed = np.array([(y[step == lv].sum() + 1) / ((step == lv).sum() + 2) for lv in levels])
    ys = np.minimum(np.maximum.accumulate(smoothed), MODEL.most_certain)
    xs, ys = np.r_[0.0, centres, 1.0], np.r_[0.0, ys, ys[-1]]
    xs, keep = np.unique(np.round(xs, 5), return_index=True)
    return Calibration(version, tuple(xs), tuple(np.round(ys[keep], 5)), fitted_on)


def load(version: str = MODEL.version, folder: Path = FOLDER) -> Calibration | None:
    """The stored map for this model version, if one was fitted."""
    path = folder / f"{version}.json"
    if not path.exists():
        return None
    body = json.loads(path.read_text(encoding="utf-8"))
    return Calibration(body["version"], tuple(body["scores"]), tuple(body["precision"]), body.get("fitted_on", ""))
