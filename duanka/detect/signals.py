"""Signals per entity, computed from the facts the detect queries return.

Each signal is a plain, documented count or share (see docs/detection.md);
everything here is vectorised pandas so a million persons take seconds.
Times are epoch seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from pandas.api.typing import SeriesGroupBy

from duanka.detect import shape
from duanka.detect.model import (
    ANSWERING,
    BLOCK_CALLERS,
    BLOCK_LIFT,
    BLOCK_SHARE,
    BRIEF,
    BURST_WINDOW,
    CONTROL,
    CROWD,
    EARLY,
    FARM_HOLDERS,
    FARM_SIMS,
    FORWARD_WITHIN,
    LIFT,
    LIST_FROM,
    MODEL,
    SHARED_TARGETS,
    TURN_HOLDERS,
)

# The columns of each fact table and their types. A partial extract leaves some tables empty (an
# operator has no transfers): typed, an empty table still has numeric columns, so every signal
# computes to "no evidence" instead of failing on an untyped column.
TEXT, TIME, NUMBER, FLAG = "object", "float64", "float64", "bool"
FACT_COLUMNS: dict[str, dict[str, str]] = {
    "sims": {
        "msisdn": TEXT,
        "holder": TEXT,
        "activated": TIME,
        "outlet": TEXT,
        "virtual": FLAG,
        "callees": NUMBER,
        "calls": NUMBER,
        "call_seconds": NUMBER,  # null: no call of the number had a duration (absent, not 0)
        "timed_calls": NUMBER,  # the voice calls whose duration arrived
        "first_call": TIME,
        "callers_in": NUMBER,
        "reported": FLAG,
    },
    "targets": {"caller": TEXT, "callee": TEXT},
    "seen": {
        "msisdn": TEXT,
        "device": TEXT,
        "holder": TEXT,
        "device_kind": TEXT,
        "first_seen": TIME,
        "last_seen": TIME,
        "activated": TIME,
    },
    "accounts": {"account": TEXT, "holder": TEXT, "kind": TEXT, "opened": TIME, "bound_msisdn": TEXT, "reported": FLAG},
    "used": {"account": TEXT, "device": TEXT, "holder": TEXT, "first_seen": TIME, "last_seen": TIME, "opened": TIME},
    "transfers": {"src": TEXT, "dst": TEXT, "amount": NUMBER, "ts": TIME},
    "decisions": {"entity": TEXT, "status": TEXT, "score_then": NUMBER, "reported_then": TEXT, "by": TEXT, "at": TEXT},
    # Enterprises, SMS ports and middle numbers (duanka/detect/resources.py): few, read whole.
    "enterprises": {"enterprise_id": TEXT, "registered_at": TIME, "legal_person_id": TEXT},
    "ports": {"port_code": TEXT, "enterprise_id": TEXT, "agent_id": TEXT, "opened_at": TIME},
    "texts": {"port_code": TEXT, "callee": TEXT, "count": NUMBER, "first_ts": TIME, "last_ts": TIME},
    "bindings": {"middle_number": TEXT, "real_msisdn": TEXT, "first_bound": TIME, "longest_minutes": NUMBER},
    "holdings": {"middle_number": TEXT, "enterprise_id": TEXT, "first_bound": TIME},
    "middle_calls": {"middle_number": TEXT, "callee": TEXT, "count": NUMBER, "total_duration_s": NUMBER},
    "named": {"number": TEXT},  # port codes and middle numbers victim reports name
}
RESOURCE_TABLES = ("enterprises", "ports", "texts", "bindings", "holdings", "middle_calls", "named")


def typed(table: str, frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """A fact table with its declared columns and types, whatever the query returned (or nothing)."""
    columns = FACT_COLUMNS[table]
    frame = pd.DataFrame(columns=list(columns)) if frame is None else frame
    out = pd.DataFrame(index=frame.index)
    for name, kind in columns.items():
        values = frame[name] if name in frame.columns else pd.Series(None, index=frame.index, dtype=object)
        if kind == FLAG:
            out[name] = values.fillna(False).astype(bool)
        elif kind == TEXT:
            out[name] = values.astype(object).where(values.notna(), None)
        else:
            out[name] = pd.to_numeric(values, errors="coerce").astype(kind)
    return out


@dataclass
class Facts:
    """What the graph says, per table (FACT_COLUMNS); times are epoch seconds."""

    sims: pd.DataFrame = field(default_factory=lambda: typed("sims"))
    seen: pd.DataFrame = field(default_factory=lambda: typed("seen"))
    accounts: pd.DataFrame = field(default_factory=lambda: typed("accounts"))
    used: pd.DataFrame = field(default_factory=lambda: typed("used"))
    transfers: pd.DataFrame = field(default_factory=lambda: typed("transfers"))
    targets: pd.DataFrame = field(default_factory=lambda: typed("targets"))  # every call pair: the call graph
    decisions: pd.DataFrame = field(default_factory=lambda: typed("decisions"))  # investigators' latest
    enterprises: pd.DataFrame = field(default_factory=lambda: typed("enterprises"))
    ports: pd.DataFrame = field(default_factory=lambda: typed("ports"))
    texts: pd.DataFrame = field(default_factory=lambda: typed("texts"))
    bindings: pd.DataFrame = field(default_factory=lambda: typed("bindings"))
    holdings: pd.DataFrame = field(default_factory=lambda: typed("holdings"))
    middle_calls: pd.DataFrame = field(default_factory=lambda: typed("middle_calls"))
    named: pd.DataFrame = field(default_factory=lambda: typed("named"))
    evidence: dict[str, int] = field(default_factory=dict)  # relationships of each evidence kind the graph held

    def __post_init__(self) -> None:
        for table in FACT_COLUMNS:
            setattr(self, table, typed(table, getattr(self, table)))


def _max_concurrency(windows: pd.DataFrame, group: str) -> pd.Series:
    """Largest number of windows open at once per group (an end frees its slot before a start)."""
    starts = pd.DataFrame({group: windows[group].to_numpy(), "t": windows["first"].to_numpy(), "d": 1})
    ends = pd.DataFrame({group: windows[group].to_numpy(), "t": windows["last"].to_numpy(), "d": -1})
    events = pd.concat([starts, ends], ignore_index=True).sort_values([group, "t", "d"], kind="stable")
    events["open"] = events.groupby(group, sort=False)["d"].cumsum()
    return events.groupby(group)["open"].max()


def device_signals(f: Facts) -> pd.DataFrame:
    """Per device: owner, holders, holders at once, brief visits, early touches, accounts controlled."""
    seen = f.seen.dropna(subset=["first_seen", "last_seen"]).copy()
    named = seen["holder"].notna()
    seen["holder"] = seen["holder"].fillna("?" + seen["msisdn"])
    per_holder = (
        seen.groupby(["device", "holder"], sort=False)
        .agg(
            first=("first_seen", "min"),
            last=("last_seen", "max"),
            n=("msisdn", "size"),
        )
        .reset_index()
    )
    spans = (seen["last_seen"] - seen["first_seen"]).groupby([seen["device"], seen["holder"]]).sum()
    per_holder["span"] = spans.reindex(pd.MultiIndex.from_frame(per_holder[["device", "holder"]])).to_numpy()
    longest = per_holder.sort_values(["span", "holder"], ascending=[False, True], kind="stable")  # ties: by id
    owner = longest.drop_duplicates("device").set_index("device")["holder"]
    out = pd.DataFrame(index=pd.Index(per_holder["device"].unique(), name="device"))
    out["owner"] = owner
    out["holders"] = per_holder.groupby("device").size()
    out["holders_at_once"] = _max_concurrency(per_holder, "device")
    out["sims"] = seen.groupby("device")["msisdn"].nunique()
    out["sims_at_once"] = _max_concurrency(seen.rename(columns={"first_seen": "first", "last_seen": "last"}), "device")
    brief = (seen["last_seen"] - seen["first_seen"]) < BRIEF
    out["brief_share"] = brief.groupby(seen["device"]).mean()
    out["first_seen"] = seen.groupby("device")["first_seen"].min()
    out["last_seen"] = seen.groupby("device")["last_seen"].max()
    owners = out["owner"].reindex(seen["device"]).to_numpy()
    # Another person's card: both holders known (a card with no holder on record is nobody's we can name).
    owned = ~pd.Series(owners, index=seen.index).astype(str).str.startswith("?")
    others = seen[named & owned & (seen["holder"].to_numpy() != owners)]
    early = others[
        ((others["first_seen"] - others["activated"]) < EARLY) & ((others["last_seen"] - others["first_seen"]) < BRIEF)
    ]
    out["early_touches"] = early.groupby("device")["msisdn"].nunique()

    used = f.used.dropna(subset=["first_seen", "last_seen"])
    used = used.assign(owner=out["owner"].reindex(used["device"]).to_numpy())
    foreign = used[used["holder"].notna() & (used["holder"] != used["owner"])]
    long = foreign[(foreign["last_seen"] - foreign["first_seen"]) >= CONTROL]
    setup = foreign[
        ((foreign["first_seen"] - foreign["opened"]) < EARLY) & ((foreign["last_seen"] - foreign["first_seen"]) < BRIEF)
    ]
    controls = long.groupby("device").agg(
        controlled_accounts=("account", "nunique"), controlled_holders=("holder", "nunique")
    )
    out = out.join(controls, how="outer")
    out["account_setups"] = setup.groupby("device")["account"].nunique()
    counts = [
        "holders",
        "holders_at_once",
        "sims",
        "sims_at_once",
        "early_touches",
        "controlled_accounts",
        "controlled_holders",
        "account_setups",
    ]
    out[counts] = out[counts].fillna(0).astype(int)
    out["brief_share"] = out["brief_share"].fillna(0.0)
    # A device that never hosted a card belongs to the holder of most of the accounts it serves — if one
    # holds more than half: a phone working a dozen holders' accounts two apiece has no owner we can name.
    usual = used.groupby(["device", "holder"])["account"].nunique().rename("n").reset_index()
    usual = usual[usual["n"] > 0.5 * usual.groupby("device")["n"].transform("sum")]
    usual = usual.drop_duplicates("device").set_index("device")["holder"]
    out["owner"] = out["owner"].where(out["owner"].notna(), usual.reindex(out.index))
    at_once = (out["sims_at_once"] >= FARM_SIMS) & (out["holders_at_once"] >= FARM_HOLDERS)
    # A box run one farmer's cards at a time hides the crowd, not the turnover: many holders' cards, each for weeks.
    out["in_turn"] = (
        ~at_once & (out["sims"] >= FARM_SIMS) & (out["holders"] >= TURN_HOLDERS) & (out["brief_share"] < 0.5)
    )
    out["farm"] = at_once | out["in_turn"]
    out["farm_holders"] = out["holders"].where(out["in_turn"], out["holders_at_once"])
    out["suspects_worked"] = 0  # known once persons are scored: `worked_for`
    # Holders absent (an operator's numbers-only extract): each card counts as its own holder above, a guess
    # no score or reason may rest on. A device none of whose cards has a holder on record is marked.
    out["holders_unknown"] = ~named.groupby(seen["device"]).any().reindex(out.index, fill_value=True).astype(bool)
    return out


def worked_for(f: Facts, devices: pd.DataFrame, suspects: pd.Index) -> pd.Series:
    """Per device: how many suspected holders' accounts it worked for weeks (not its owner's).

    A dealer spreads the work over cheap phones, two farmers each: below what one phone shows alone,
    but a relative's phone works the accounts of parents nobody suspects.
    """
    used = f.used.dropna(subset=["first_seen", "last_seen", "holder"])
    used = used[used["holder"].isin(suspects) & ((used["last_seen"] - used["first_seen"]) >= CONTROL)]
    used = used[used["holder"].to_numpy() != devices["owner"].reindex(used["device"]).to_numpy()]
    return used.groupby("device")["holder"].nunique().reindex(devices.index).fillna(0).astype(int)


def money(amounts: SeriesGroupBy) -> pd.Series:
    """Each group's sum of amounts, to the cent. A float sum's last bits depend on the order its rows were
    read in (a region's by key, the whole graph's by scan); to the cent it does not, so an incremental run
    scores, ties and orders exactly as a full run does."""
    return amounts.sum().round(2)


def paid_by(f: Facts, accounts: pd.DataFrame, suspects: pd.Index) -> pd.DataFrame:
    """`accounts` with, per account, how many suspected accounts paid it and their share of its money.

    The ring's money path: the second-level cards a ring's first-level mules pass the money to receive
    almost all of it from them; a shop where a mule spends a little is paid mostly by ordinary customers.
    """
    tx = f.transfers[f.transfers["dst"].isin(accounts.index)]
    from_suspects = tx[tx["src"].isin(suspects) & (tx["src"] != tx["dst"])]
    out = accounts.copy()
    out["suspect_payers"] = from_suspects.groupby("dst")["src"].nunique().reindex(out.index).fillna(0).astype(int)
    amount = money(from_suspects.groupby("dst")["amount"]).reindex(out.index).fillna(0.0)
    total = money(tx.groupby("dst")["amount"]).reindex(out.index).fillna(0.0)
    out["suspect_share"] = np.where(total > 0, amount / total.where(total > 0, 1), 0.0)
    return out


def _bursts(frame: pd.DataFrame, who: str, when: str) -> pd.DataFrame:
    """Per holder: the most openings within BURST_WINDOW, and where that window starts and ends."""
    rows = frame.dropna(subset=[who, when]).sort_values([who, when], kind="stable").reset_index(drop=True)
    if rows.empty:
        return pd.DataFrame(columns=["burst", "burst_start", "burst_end"])
    code = pd.factorize(rows[who])[0].astype(np.int64)
    key = code * (1 << 40) + rows[when].to_numpy(np.int64)
    end = np.searchsorted(key, key + BURST_WINDOW, side="left")
    rows["burst"] = end - np.arange(len(rows))
    rows["burst_end_row"] = end - 1
    best = rows.sort_values(["burst", when], ascending=[False, True]).drop_duplicates(who).set_index(who)
    best["burst_start"] = best[when]
    best["burst_end"] = rows[when].to_numpy()[best["burst_end_row"].to_numpy()]
    return best[["burst", "burst_start", "burst_end"]]


def person_signals(f: Facts, devices: pd.DataFrame) -> pd.DataFrame:
    """Per holder: bursts of openings, own cards and accounts in others' devices, others' handled on theirs."""
    sims = f.sims.dropna(subset=["holder"])
    out = pd.DataFrame(
        index=pd.Index(pd.concat([sims["holder"], f.accounts["holder"].dropna()]).unique(), name="person")
    )
    out["sims"] = sims.groupby("holder").size()
    out["virtual_share"] = sims.groupby("holder")["virtual"].mean()
    b = _bursts(sims, "holder", "activated")
    out = out.join(b.add_prefix("sim_"), how="left")
    accounts = f.accounts.dropna(subset=["holder"])
    out["accounts"] = accounts.groupby("holder").size()
    out = out.join(_bursts(accounts, "holder", "opened").add_prefix("account_"), how="left")

    seen = f.seen.dropna(subset=["holder"]).join(devices[["owner", "farm"]], on="device")
    at_home = seen.loc[seen["owner"] == seen["holder"], "msisdn"]  # a card also in a family tablet has not left
    # A device whose sightings have no times has no owner we know: its cards are not "away" (absent is not zero).
    away = seen[seen["owner"].notna() & (seen["owner"] != seen["holder"]) & ~seen["msisdn"].isin(at_home)]
    out["sims_away"] = away.groupby("holder")["msisdn"].nunique()
    used = f.used.dropna(subset=["holder", "first_seen", "last_seen"]).join(devices["owner"], on="device")
    long = used[(used["last_seen"] - used["first_seen"]) >= CONTROL]
    out["accounts_away"] = long[long["owner"] != long["holder"]].groupby("holder")["account"].nunique()
    out["sims_in_farms"] = seen[seen["farm"].fillna(False).astype(bool)].groupby("holder")["msisdn"].nunique()
    owned = (
        devices.dropna(subset=["owner"])
        .groupby("owner")
        .agg(
            early_touches=("early_touches", "sum"),
            account_setups=("account_setups", "sum"),
            controlled_accounts=("controlled_accounts", "sum"),
            controlled_holders=("controlled_holders", "max"),
        )
    )
    out = out.join(owned, how="left")
    counts = [
        "sims",
        "accounts",
        "sim_burst",
        "account_burst",
        "sims_away",
        "accounts_away",
        "sims_in_farms",
        "early_touches",
        "account_setups",
        "controlled_accounts",
        "controlled_holders",
    ]
    for c in counts:
        out[c] = out[c].fillna(0).astype(int) if c in out else 0
    out["virtual_share"] = out["virtual_share"].fillna(0.0)
    return out


def account_signals(f: Facts, devices: pd.DataFrame, farm_sims: set[str]) -> pd.DataFrame:
    """Per account: payers, money passed straight on, a box card's number, a controlling device."""
    acc = f.accounts.set_index("account")
    out = pd.DataFrame(index=acc.index)
    tx = f.transfers.dropna(subset=["ts"])
    incoming = tx[tx["dst"].isin(acc.index)]
    out["payers"] = incoming.groupby("dst")["src"].nunique()
    out["in_amount"] = money(incoming.groupby("dst")["amount"])
    outgoing = tx[tx["src"].isin(acc.index)].sort_values("ts")
    ins = incoming.sort_values("ts").rename(columns={"dst": "account"})[["account", "ts", "amount"]]
    outs = outgoing.rename(columns={"src": "account", "ts": "out_ts"})[["account", "out_ts"]]
    matched = pd.merge_asof(
        ins, outs, left_on="ts", right_on="out_ts", by="account", direction="forward", tolerance=FORWARD_WITHIN
    )
    fast = matched[matched["out_ts"].notna()]
    out["forwarded_amount"] = money(fast.groupby("account")["amount"])
    out["forward_hours"] = ((fast["out_ts"] - fast["ts"]) / 3600).groupby(fast["account"]).median()
    out["out_count"] = outgoing.groupby("src").size()
    out = out.fillna({"payers": 0, "in_amount": 0.0, "forwarded_amount": 0.0, "out_count": 0})
    out[["payers", "out_count"]] = out[["payers", "out_count"]].astype(int)  # counts: "4 payers", never "4.0"
    out["forwarded_share"] = np.where(
        out["in_amount"] > 0, out["forwarded_amount"] / out["in_amount"].where(out["in_amount"] > 0, 1), 0.0
    )
    out["suspect_payers"], out["suspect_share"] = 0, 0.0  # known once accounts are scored: `paid_by`
    out["bound_to_farm_sim"] = acc["bound_msisdn"].isin(farm_sims)
    used = f.used.join(devices["owner"], on="device")
    foreign = used[used["holder"].notna() & (used["owner"] != used["holder"])]
    controlled = foreign[(foreign["last_seen"] - foreign["first_seen"]) >= CONTROL]
    first = controlled.sort_values(["account", "first_seen", "device"], kind="stable").groupby("account").first()
    out["controller_device"] = first["device"]
    out["controller_owned"] = first["owner"].notna().reindex(out.index, fill_value=False)  # a named owner, not unknown
    out["reported"] = acc["reported"].astype(bool)
    out["holder"] = acc["holder"]
    out["opened"] = acc["opened"]
    return out


def co_callers(targets: pd.DataFrame) -> pd.Series:
    """Per caller: how many other busy numbers share its targets beyond chance.

    Two numbers share targets when both called SHARED_TARGETS or more of the same numbers, and LIFT times
    as many as two independent callers of their reach would share among the numbers called at all (busy
    couriers meet the same people by chance in a small town). A number CROWD or more busy numbers called (a
    hotline, a shop) says nothing about who works together.
    """
    busy = targets.groupby("caller")["callee"].transform("size") >= MODEL.callees.quoted_from
    targets = targets[busy]
    per_callee = targets.groupby("callee")["caller"].transform("size")
    rows = targets[(per_callee > 1) & (per_callee < CROWD)]
    both = rows.merge(rows, on="callee", suffixes=("", "_other"))
    both = both[both["caller"] != both["caller_other"]]
    shared = both.groupby(["caller", "caller_other"], sort=False).size().rename("shared").reset_index()
    reach = targets.groupby("caller").size()
    chance = (
        reach.reindex(shared["caller"]).to_numpy()
        * reach.reindex(shared["caller_other"]).to_numpy()
        / max(targets["callee"].nunique(), 1)
    )
    beyond = (shared["shared"] >= SHARED_TARGETS) & (shared["shared"] >= LIFT * chance)
    return shared[beyond.to_numpy()].groupby("caller").size()


SHAPE = ("answering", "called_back", "callee_links", "block_callers", "block_callees", "block_lift", "block_share")


def sim_signals(f: Facts, devices: pd.DataFrame) -> pd.DataFrame:
    """Per number: the box it ran in with other holders' cards, its calling pattern, victim reports."""
    sims = f.sims.set_index("msisdn")
    out = pd.DataFrame(index=sims.index)
    seen = f.seen.join(devices[["farm_holders", "farm", "in_turn", "holders_unknown"]], on="device")
    farm = seen[seen["farm"].fillna(False).astype(bool)]
    farm = farm.sort_values(["farm_holders", "device"], ascending=[False, True], kind="stable")  # ties: by id
    box = farm.drop_duplicates("msisdn").set_index("msisdn").reindex(out.index)
    out["farm_device"] = box["device"]
    out["farm_in_turn"] = box["in_turn"].fillna(False).astype(bool)
    out["farm_holders_unknown"] = box["holders_unknown"].fillna(False).astype(bool)
    out["farm_holders"] = box["farm_holders"]
    out["callees"] = sims["callees"].fillna(0).astype(int)
    calls = sims["calls"].fillna(0)  # voice calls: a text message is a contact, not a call
    out["voice_calls"] = calls.astype(int)
    timed = sims["timed_calls"].fillna(0)
    # Absent is not zero: with no durations the average is unknown (NaN), never 0 s, so no "short calls" from it.
    out["avg_call_s"] = (sims["call_seconds"] / timed.where(timed > 0)).where(sims["call_seconds"].notna())
    out["age_at_calls"] = sims["first_call"] - sims["activated"]  # unknown when either date is
    out["callers_in"] = sims["callers_in"].fillna(0).astype(int)
    out["co_callers"] = co_callers(f.targets).reindex(out.index).fillna(0).astype(int)
    graph = shape.call_shape(f.targets)
    out = out.join(graph[list(SHAPE)], how="left")
    workers = shape.list_workers(graph, ANSWERING, BLOCK_LIFT, BLOCK_CALLERS, BLOCK_SHARE, LIST_FROM)
    out = out.join(shape.on_list(f.targets, workers), how="left")
    counts = ["block_callers", "block_callees", "listed", "listed_back"]
    out[counts] = out[counts].fillna(0).astype(int)
    out[["block_lift", "block_share"]] = out[["block_lift", "block_share"]].fillna(0.0)
    out["reported"] = sims["reported"].astype(bool)
    out["holder"] = sims["holder"]
    out["farm_holders"] = out["farm_holders"].fillna(0).astype(int)
    return out
