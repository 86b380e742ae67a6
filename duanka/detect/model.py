"""The scoring model, declared once: every number that turns signals into scores, reasons and leads.

Each number carries a note saying where it comes from (the domain brief, a measurement, a judgement).
`score.py` and `ranking.py` read them; the table in docs/detection.md is generated from them (`duanka docs`);
`MODEL.version` is recorded on every detection `Run` and in every export's manifest. A calibrated or
learned model plugs in here: a `Model` with other numbers, under another version.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

# What the signals count (duanka/detect/signals.py); times are epoch seconds.
DAY = 86_400
BURST_WINDOW = 7 * DAY  # openings this close together count as one burst
EARLY = 3 * DAY  # "early in the card's life"
BRIEF = DAY  # a sighting shorter than this is a visit (repair shop, collector's test)
CONTROL = 7 * DAY  # an account used this long from someone else's device is under their control
FORWARD_WITHIN = DAY  # money passed on within this is "fast in, fast out"
FARM_SIMS = 8  # SIM boxes hold from 8 cards (domain brief); a handset or a family tablet holds a few
FARM_HOLDERS = 3  # ...of several holders at once
TURN_HOLDERS = 5  # ...or, one at a time, this many holders' cards for weeks each: a used phone has two or three owners
SHARED_TARGETS = 2  # two numbers that both called this many of the same numbers work one list
LIFT = 5  # ...and five times as many as two independent callers of their reach would share by chance
FRESH = 180 * DAY  # a number that starts calling this soon after activation is a new number
CROWD = 50  # a number this many busy callers called is a hotline or a shop, not a target
ANSWERING = 5  # callees seen calling anyone: fewer, and whether they call back says nothing
BLOCK_LIFT = 1.25  # a peeled block this many times denser than the graph it came from (shape.py)
BLOCK_CALLERS = 4  # ...with at least this many numbers calling in it: a ring works one list
BLOCK_SHARE = 0.25  # ...and this share of a number's own (weighted) calls landing in it: a chance overlap is not a list
LIST_FROM = 0.8  # a block's caller whose callees are this much strangers works a list (its callees: the list)

QUOTE_FROM = 0.3  # a reason cites a count once its term reaches this: strong enough to be worth a sentence


@dataclass(frozen=True)
class Curve:
    """A logistic in a count: half-way at `mid`, `scale` wide; a reason cites the count from `quoted_from` on."""

    mid: float
    scale: float

    def __call__(self, x: pd.Series | np.ndarray) -> np.ndarray:
        """The term for each count, in (0, 1)."""
        return 1.0 / (1.0 + np.exp(-(np.asarray(x, dtype=float) - self.mid) / self.scale))

    @property
    def quoted_from(self) -> int:
        """The smallest whole count whose term reaches QUOTE_FROM, so reasons and scores agree on 'a burst'."""
        return math.ceil(self.mid + self.scale * math.log(QUOTE_FROM / (1 - QUOTE_FROM)) - 1e-9)


def _declared(value: Any, note: str, used: str) -> Any:
    return field(default=value, metadata={"note": note, "used": used})


def _edges() -> dict[str, float]:
    return {"HOLDS_SIM": 1.0, "HOLDS_ACCOUNT": 1.0, "SEEN_IN": 1.0, "USED_FROM": 1.0, "BOUND_TO": 0.5}


@dataclass(frozen=True)
class Model:
    """Hand-set rules, version 1; each field's note is the rationale shown in docs/detection.md."""

    version: str = _declared(
        "rules-4", "changes with any number below or any rule that reads them", "Run.model_version, manifest"
    )

    # card_farmer 卡农
    sim_burst: Curve = _declared(
        Curve(3.5, 0.6),
        "domain brief: farmers open several cards within days; 3 in a week is rare for anyone else",
        "card_farmer",
    )
    away_floor: float = _declared(
        0.15,
        "a burst alone is weak (IoT fleets burst too); the share of own cards in others' devices carries the rest",
        "card_farmer",
    )
    account_burst: Curve = _declared(
        Curve(2.5, 0.6), "a bank-card burst beside a SIM burst: the farmer opens both", "card_farmer"
    )
    account_floor: float = _declared(
        0.7, "a SIM farmer without a bank-card burst keeps 70 % of the SIM term", "card_farmer"
    )
    bank_burst: Curve = _declared(
        Curve(1.5, 0.5),
        "bank-only extracts: two bank cards in a week, then worked from others' devices, is already a farmer's pattern",
        "card_farmer",
    )
    # card_collector 卡头, number_dealer 号商
    handled: Curve = _declared(
        Curve(5, 1.5),
        "other holders' new cards tried and accounts set up on one's own device; a family helps one or two",
        "card_collector",
    )
    controlled: Curve = _declared(
        Curve(3, 0.8),
        "holders whose accounts one's device worked for weeks; a relative manages one parent's",
        "number_dealer",
    )
    for_suspects: Curve = _declared(
        Curve(1.5, 0.4),
        "suspected holders (two kinds of evidence) whose accounts one device worked for weeks: a dealer's cheap "
        "phones work two farmers each; a relative's phone works parents nobody suspects",
        "number_dealer",
    )
    # device_farm 猫池设备
    box_cards: Curve = _declared(
        Curve(FARM_SIMS - 1, 1.2),
        f"domain brief: SIM boxes hold from {FARM_SIMS} cards; a family tablet holds a few",
        "device_farm",
    )
    box_holders: Curve = _declared(
        Curve(2.5, 0.4), "cards of 3 or more holders at once; a dual-SIM phone holds one holder's", "device_farm"
    )
    turn_holders: Curve = _declared(
        Curve(TURN_HOLDERS, 0.7),
        f"holders whose cards a device hosted in turn, for weeks each, {FARM_SIMS}+ cards in all: a box run one "
        "farmer at a time; a used phone passes through two or three owners",
        "device_farm",
    )
    turn_weight: float = _declared(
        0.85, "hosting holders in turn is weaker evidence than hosting them at once", "device_farm"
    )
    brief_discount: float = _declared(
        0.8, "repair benches and second-hand dealers see many cards, each for under a day", "device_farm"
    )
    unknown_holders: float = _declared(
        0.5,
        "absent is not zero: a device whose cards have no holder on record (an operator's numbers-only extract) "
        "takes the holders term half-way: neither one holder's modem fleet nor many holders' box can be told",
        "device_farm",
    )
    # mule_account 跑分账户
    payers: Curve = _declared(
        Curve(2.5, 0.7), "跑分: money from several payers; a salary account has one", "mule_account"
    )
    forwarded_quoted: float = _declared(
        0.5, "the pass-through reason is cited once more than half of the money moved on", "mule_account"
    )
    passthrough_weight: float = _declared(0.95, "fast in, fast out is the mule's defining act", "mule_account")
    farm_sim_weight: float = _declared(0.55, "bound to a number that ran in a SIM box", "mule_account")
    controlled_weight: float = _declared(0.5, "operated for weeks from another person's device", "mule_account")
    paid_by_suspects: Curve = _declared(
        Curve(1.5, 0.4),
        "suspected accounts (two kinds of evidence) that paid it, when they sent most of its money: the ring's "
        "second-level cards; a shop where a mule spends a little is paid mostly by others",
        "mule_account",
    )
    suspect_money_weight: float = _declared(0.7, "money that came mostly from the ring's own mules", "mule_account")
    suspect_money_from: float = _declared(
        0.5, "share of an account's incoming money from suspects above which it counts", "mule_account"
    )
    reported_account_weight: float = _declared(
        0.3, "a victim report alone: reports name the last hop, often wrongly", "mule_account"
    )
    # fraud_sim 涉诈号码
    callees: Curve = _declared(
        Curve(12, 3), "many distinct numbers called; a busy person calls a dozen regularly", "fraud_sim"
    )
    cold_call_seconds: float = _declared(90, "cold calls are short on average; business calls are long", "fraud_sim")
    strangers: bool = _declared(
        True,
        f"no durations, but callbacks visible (a directed call graph, {ANSWERING}+ callees who call anyone): calls "
        "are taken as cold by the share of callees who never call back and do not know each other, in place of the "
        "half-way guess; a courier's recipients live in one district, a call centre's customers call back",
        "fraud_sim",
    )
    unknown_seconds: float = _declared(
        0.5,
        "absent is not zero: with no call durations in the extract, calls are taken half-way between short and long "
        "(neither a box card's short calls nor a clerk's long ones can be told), never as 0 s",
        "fraud_sim",
    )
    shared_targets: Curve = _declared(
        Curve(5, 1.5),
        "other busy numbers sharing targets beyond chance: a ring's cards work one bought list; couriers in a "
        "small town meet a few of the same people",
        "fraud_sim",
    )
    called_back: Curve = _declared(
        Curve(2.5, 0.7),
        "numbers that call this one: a box card's targets do not call back, a sales clerk's family and clients do",
        "fraud_sim",
    )
    aged_floor: float = _declared(
        0.3,
        "a number older than half a year when it began calling keeps this share of the shared-list term: rings call "
        "from new cards; a clerk's number is years old",
        "fraud_sim",
    )
    shared_weight: float = _declared(0.8, "one target list shared with other numbers, never called back", "fraud_sim")
    block_weight: float = _declared(
        0.7,
        f"calling in a dense block (greedy peeling, links to busy numbers down-weighted; {BLOCK_LIFT}× the density "
        f"of the rest, {BLOCK_CALLERS}+ callers, {BLOCK_SHARE:.0%}+ of the number's calls in it), taken as far as its callees are strangers: a ring's numbers "
        "share one bought list; a company's staff and a call centre's customers call back. Not read in a symmetric "
        "projection: there a company, a family or a hotline's callers are as dense and nothing tells them apart",
        "fraud_sim",
    )
    on_list: Curve = _declared(
        Curve(1.5, 0.4),
        f"callees on a list that numbers working it called too (a dense block's callers whose callees are "
        f"{LIST_FROM:.0%} strangers), none calling back: a ring's quiet cards make a call or two, off the ring's list; "
        "a target's friend calls the target among friends of its own, who call back",
        "fraud_sim",
    )
    list_weight: float = _declared(
        0.6, "a few calls, all to one ring's list and never returned: weaker than working the list itself", "fraud_sim"
    )
    farm_weight: float = _declared(0.9, "ran in a SIM box with other holders' cards", "fraud_sim")
    cold_calls_weight: float = _declared(0.6, "many short calls to strangers", "fraud_sim")
    reported_sim_weight: float = _declared(0.4, "named in a victim report", "fraud_sim")
    # clusters and leads
    edge_weights: dict[str, float] = field(
        default_factory=_edges,
        metadata={"note": "a reserved number binds an account more loosely than holding it", "used": "projection"},
    )
    community_scale: float = _declared(
        1_000_000,
        "the community graph weight modularity's resolution is taken at: each component is partitioned alone at "
        "resolution × its weight / this, so a ring's communities do not depend on the size of the rest of the graph "
        "(measured on medium, weight 1.2 M: a third or three times this gives the same leads)",
        "communities",
    )
    min_score: float = _declared(
        0.35, "the default lead threshold (`--min-score`); measured on the hard worlds in evaluation.md", "leads"
    )
    corroborated_by: int = _declared(
        1,
        "an entity with one kind of evidence needs this many well-evidenced suspects (two kinds) in its cluster",
        "leads",
    )
    alone_cap: float = _declared(
        0.3, "the most one kind of evidence scores alone: below min_score, so never a lead by itself", "leads"
    )
    most_certain: float = _declared(
        0.99,
        "the highest calibrated score: evaluation worlds are not the world, and a suspicion is never a certainty",
        "calibration",
    )
    context: float = _declared(0.2, "share of an entity's score that comes from its cluster", "leads")
    context_from: float = _declared(
        0.1, "an entity with no evidence of its own gets no share of its cluster's", "leads"
    )
    role_from: float = _declared(0.2, "below this own score the role is 'unknown'", "leads")
    top_members: int = _declared(5, "a cluster's score is the mean of its best members", "clusters")
    strong_members: int = _declared(
        3, "a cluster with fewer suspicious members is discounted (a ring has several)", "clusters"
    )
    few_strong_power: float = _declared(
        0.5, "the discount is a square root: two strong members of three keep 82 % of the score", "clusters"
    )
    known_bonus: float = _declared(
        0.05, "each victim report or confirmation in a cluster adds this to its score", "clusters"
    )
    known_most: int = _declared(3, "…for at most this many", "clusters")
    spread: float = _declared(
        0.97, "each further member of the same cluster ranks 3 % lower, so every ring shows early", "leads"
    )
    material: float = _declared(
        0.1, "a dismissed entity returns only if its score rose this much (or a new report names it)", "casework"
    )

    def noted(self) -> list[tuple[str, Any, str, str]]:
        """(name, value, used for, note) of every number, in declaration order."""
        return [(f.name, getattr(self, f.name), f.metadata["used"], f.metadata["note"]) for f in fields(self)]


MODEL = Model()


def markdown(model: Model = MODEL) -> str:
    """The table in docs/detection.md: every number of the model, where it is used and why."""
    lines = [
        f"Model `{model.version}` (`duanka/detect/model.py`; generated by `duanka docs`). A curve is a logistic "
        f"in a count, half-way at its midpoint; a reason cites the count from where the term reaches {QUOTE_FROM}.",
        "",
        "| number | used for | value | why |",
        "|---|---|---|---|",
    ]
    for name, value, used, note in model.noted():
        if isinstance(value, Curve):
            shown = f"midpoint {value.mid:g}, scale {value.scale:g}; cited from {value.quoted_from}"
        elif isinstance(value, dict):
            shown = ", ".join(f"{k} {v:g}" for k, v in value.items())
        else:
            shown = f"{value:g}" if isinstance(value, float | int) else str(value)
        lines.append(f"| `{name}` | {used} | {shown} | {note} |")
    return "\n".join(lines) + "\n"


BEGIN, END = "<!-- model:begin -->", "<!-- model:end -->"


def with_model_table(page: str, model: Model = MODEL) -> str:
    """docs/detection.md with the generated table between its markers."""
    head, rest = page.split(BEGIN, 1)
    return f"{head}{BEGIN}\n{markdown(model)}{END}{rest.split(END, 1)[1]}"
