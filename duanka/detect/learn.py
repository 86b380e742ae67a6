"""A ranking learned from labels: investigators' decisions and victim reports teach which combinations
of the signals mark a ring; the hand-set rules still write every reason.

Gradient-boosted trees (scikit-learn's HistGradientBoostingClassifier: counts on any scale and missing
values as they come, no new dependency) over the same counts the rules read, with the rules' own score
and the cluster's beside them. The learned probability re-ranks the leads (`blend`); a lead it moved
says so. A model is versioned by what it learned from and kept under the work directory with its
labels; the detection `Run` and every manifest name it. Without a model nothing changes.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, Self

import numpy as np
import pandas as pd

from duanka.settings import Settings

if TYPE_CHECKING:
    from sklearn.ensemble import HistGradientBoostingClassifier


class Classifier(Protocol):
    """What a learner must do: scikit-learn's fit / predict_proba."""

    def fit(self, x: Any, y: Any) -> Self: ...  # noqa: D102

    def predict_proba(self, x: Any) -> Any: ...  # noqa: D102


# The explainable signals each entity type is learned from (duanka/detect/signals.py): counts and shares,
# never dates or identifiers, so what is learned on one month carries to the next.
SIGNALS: dict[str, tuple[str, ...]] = {
    "person": (
        "sims", "virtual_share", "sim_burst", "sims_away", "sims_in_farms", "accounts", "account_burst",
        "accounts_away", "early_touches", "account_setups", "controlled_holders", "controlled_accounts",
    ),
    "device": (
        "sims", "holders", "sims_at_once", "holders_at_once", "in_turn", "brief_share", "early_touches",
        "account_setups", "controlled_holders", "controlled_accounts", "suspects_worked",
    ),
    "account": (
        "payers", "forwarded_share", "forward_hours", "suspect_payers", "suspect_share", "bound_to_farm_sim",
        "reported",
    ),
    "sim": ("callees", "voice_calls", "avg_call_s", "co_callers", "callers_in", "age_at_calls", "farm_holders", "reported"),
}  # fmt: skip
SCORED = ("own_score", "cluster_score", "kinds")  # what the rules made of them
TYPES = tuple(SIGNALS)
MOVED = 0.2  # a lead whose score the learned ranking moved this much or more says so


def features(frames: dict[str, pd.DataFrame], scored: pd.DataFrame) -> pd.DataFrame:
    """One row per scored entity ("type:id"), its type's signals as `type.signal` and the rules' scores
    beside them; −1 where a signal is not the entity's type's or is unknown (no count is negative, and
    the trees split on it like any value)."""
    parts = []
    for kind, columns in SIGNALS.items():
        frame = frames[kind].reindex(columns=list(columns)).astype(float)
        frame.index = kind + ":" + frame.index.astype(str)
        parts.append(frame.add_prefix(f"{kind}."))
    wide = pd.concat(parts).reindex(scored.index)
    for column in SCORED:
        wide[column] = scored[column].astype(float).to_numpy()
    wide["type"] = scored["entity_type"].map({k: i for i, k in enumerate(TYPES)}).astype(float).to_numpy()
    return wide.fillna(-1.0)


@dataclass(frozen=True)
class Ranker:
    """A fitted model, what it learned from, and how its probability is blended with the rules' score."""

    version: str  # "learned-" + a digest of its labels and settings
    trained_on: str
    labels: int
    positives: int
    columns: tuple[str, ...]
    model: Classifier
    blend: float = 0.5  # the learned probability's share of the score leads are ordered by

    def __call__(self, wide: pd.DataFrame) -> np.ndarray:
        """The learned probability of each row being a ring member."""
        return self.model.predict_proba(wide.reindex(columns=list(self.columns)).to_numpy(float))[:, 1]

    @property
    def reads_graph(self) -> bool:
        """Whether it learned from the graph's features (graph_signals.py): a run applying it reads the whole graph."""
        from duanka.detect.graph_signals import reads_graph

        return reads_graph(self.columns)

    def rerank(self, rule: np.ndarray, learned: np.ndarray) -> np.ndarray:
        """The score leads are ordered by: the rules' calibrated score and the learned probability."""
        return (1 - self.blend) * np.asarray(rule, dtype=float) + self.blend * learned


def trees(seed: int) -> HistGradientBoostingClassifier:
    """The learner: 200 shallow trees; classes weighted to balance, since a handful of confirmed members
    face thousands of dismissed or unremarkable entities. Chosen over LightGBM by measurement
    (`bench/learn.py --learners`, docs/evaluation.md): the same precision, no extra dependency."""
    from sklearn.ensemble import HistGradientBoostingClassifier  # here, not at import: it takes seconds to load

    return HistGradientBoostingClassifier(
        max_iter=200,
        learning_rate=0.1,
        max_leaf_nodes=15,
        l2_regularization=1.0,
        class_weight="balanced",
        random_state=seed,
    )


def fit(
    wide: pd.DataFrame,
    labels: pd.Series,
    trained_on: str,
    blend: float = 0.5,
    seed: int = 1,
    learner: Callable[[int], Classifier] = trees,
) -> Ranker:
    """`learner(seed)` fitted on the labelled rows (1: a ring member, 0: not). A feature absent from every
    labelled row (a graph feature with nothing to spread: nobody dismissed yet) says nothing and is left out."""
    y = labels.astype(int)
    x = wide.loc[y.index]
    x = x.loc[:, x.notna().any().to_numpy()]
    if y.nunique() < 2:
        raise ValueError("a learned ranking needs both kinds of label: members and non-members")
    model = learner(seed).fit(x.to_numpy(float), y.to_numpy())
    labelled = json.dumps([sorted(y.items()), trained_on, blend, seed, learner.__name__, list(x.columns)], default=str)
    digest = hashlib.sha256(labelled.encode()).hexdigest()[:12]
    return Ranker(f"learned-{digest}", trained_on, len(y), int(y.sum()), tuple(x.columns), model, blend)


def sample_labels(keys: pd.Index, ring_of: dict[str, str], share: float, seed: int = 1) -> pd.Series:
    """What an investigation would have labelled, for evaluation: whole rings (a case closes a ring, not a
    card) until `share` of the planted members, and `share` of everyone else as negatives.

    Splitting by ring keeps a ring's members out of both sides: a model that saw one card of a ring would
    find its sister cards by their likeness, and that is not the skill being measured."""
    if share <= 0:
        return pd.Series(dtype=int)
    rng = np.random.default_rng(seed)
    planted = pd.Series({k: r for k, r in ring_of.items() if k in keys})
    chosen: list[pd.Index] = []
    for ring in rng.permutation(sorted(planted.unique())):
        if sum(map(len, chosen)) >= share * len(planted):
            break
        chosen.append(planted.index[planted == ring])
    positives = pd.Index(np.concatenate(chosen)) if chosen else pd.Index([])
    others = keys[~keys.isin(planted.index)]
    negatives = others[rng.random(len(others)) < share]
    return pd.concat([pd.Series(1, index=positives), pd.Series(0, index=negatives)])


def folder(settings: Settings) -> Path:
    """Where `duanka train` keeps the models of this work directory."""
    return settings.work_dir / "models"


def save(ranker: Ranker, labels: pd.Series, models: Path) -> Path:
    """models/<version>.pkl with its labels beside it, and `current` pointing at it."""
    models.mkdir(parents=True, exist_ok=True)
    path = models / f"{ranker.version}.pkl"
    path.write_bytes(pickle.dumps(ranker))
    labels.rename("label").rename_axis("key").to_csv(models / f"{ranker.version}.labels.csv")
    stamp = {"version": ranker.version, "saved_at": datetime.now(UTC).isoformat(timespec="seconds")}
    (models / "current").write_text(json.dumps(stamp) + "\n", encoding="utf-8")
    return path


def switch_off(models: Path) -> str | None:
    """No learned ranking from now on (the model files stay, for the record); returns the one switched off."""
    pointer = models / "current"
    if not pointer.exists():
        return None
    version = str(json.loads(pointer.read_text(encoding="utf-8"))["version"])
    pointer.unlink()
    return version


def current(models: Path) -> Ranker | None:
    """The model `duanka train` last saved for this work directory, if any (only ever our own files)."""
    pointer = models / "current"
    if not pointer.exists():
        return None
    version = json.loads(pointer.read_text(encoding="utf-8"))["version"]
    ranker = pickle.loads((models / f"{version}.pkl").read_bytes())
    assert isinstance(ranker, Ranker)
    return ranker


def precision_at_r(order: pd.Index, positives: set[str]) -> float:
    """Share of planted entities among the first R of `order` (R = the planted entities in it)."""
    r = sum(k in positives for k in order)
    return round(sum(k in positives for k in order[:r]) / r, 3) if r else 0.0
