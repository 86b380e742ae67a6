"""Scores in [0, 1], roles and reasons a case officer can check.

A score is a suspicion, never a determination. Each entity type has a few
named evidence terms (logistic in a count, or a share), combined by
noisy-OR; the strongest terms become the reasons, with their counts, dates
and example ids, in English and Chinese.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from duanka.detect import shape
from duanka.detect.model import (
    ANSWERING,
    BLOCK_CALLERS,
    BLOCK_LIFT,
    BLOCK_SHARE,
    BURST_WINDOW,
    DAY,
    FARM_SIMS,
    FRESH,
    MODEL,
    QUOTE_FROM,
    SHARED_TARGETS,
    Model,
)
from duanka.detect.terms import REPORTED, Reasons, attach, day, kinds, noisy_or, share

WINDOW = BURST_WINDOW // DAY


def persons(p: pd.DataFrame, m: Model = MODEL) -> pd.DataFrame:
    """card_farmer, card_collector or number_dealer, whichever evidence is strongest."""
    away = share(p["sims_away"], p["sims"])
    floor, bank_floor = m.away_floor, m.account_floor
    sim_farmer = m.sim_burst(p["sim_burst"]) * (floor + (1 - floor) * away)
    sim_farmer = sim_farmer * (bank_floor + (1 - bank_floor) * m.account_burst(p["account_burst"]))
    # Bank cards alone (a bank's extract has no SIMs): a burst of openings, the cards then worked from others' devices.
    account_farmer = m.bank_burst(p["account_burst"]) * share(p["accounts_away"], p["accounts"])
    farmer = noisy_or(sim_farmer, account_farmer)
    collector = m.handled(p["early_touches"] + p["account_setups"])
    dealer = m.controlled(p["controlled_holders"])
    scores = pd.DataFrame({"card_farmer": farmer, "card_collector": collector, "number_dealer": dealer}, index=p.index)
    out = pd.DataFrame(index=p.index)
    out["role"] = scores.idxmax(axis=1)
    out["score"] = scores.max(axis=1)
    out["entity_type"] = "person"
    out["kinds"] = kinds(
        (p["sim_burst"] >= m.sim_burst.quoted_from) | (p["account_burst"] >= m.account_burst.quoted_from),
        (p["sims_away"] > 0) | (p["accounts_away"] > 0),
        p["sims_in_farms"] > 0,
        p["early_touches"] + p["account_setups"] >= m.handled.quoted_from,
        p["controlled_holders"] >= m.controlled.quoted_from,
    )
    reasons = []
    for r in p.to_dict("records"):  # not iterrows: it would turn the counts into floats
        why = Reasons()
        if r["sim_burst"] >= m.sim_burst.quoted_from:
            why.add(
                f"opened {r['sim_burst']} SIM cards within {WINDOW} days ({day(r['sim_burst_start'])} to {day(r['sim_burst_end'])})",
                f"{WINDOW}天内开卡{r['sim_burst']}张（{day(r['sim_burst_start'])}至{day(r['sim_burst_end'])}）",
            )
        if r["sims_away"]:
            why.add(
                f"{r['sims_away']} of {r['sims']} own cards seen only in other people's devices",
                f"名下{r['sims']}张卡中{r['sims_away']}张只出现在他人设备",
            )
        if r["sims_in_farms"]:
            why.add(
                f"{r['sims_in_farms']} cards ran in SIM-box-like devices (≥{FARM_SIMS} cards of several holders at once)",
                f"{r['sims_in_farms']}张卡在疑似猫池设备（同时≥{FARM_SIMS}张、多名持卡人）中使用",
            )
        if r["account_burst"] >= m.account_burst.quoted_from:
            why.add(
                f"opened {r['account_burst']} bank cards within {WINDOW} days ({day(r['account_burst_start'])})",
                f"{WINDOW}天内开立银行卡{r['account_burst']}张（{day(r['account_burst_start'])}起）",
            )
        if r["accounts_away"]:
            why.add(
                f"{r['accounts_away']} of {r['accounts']} own bank cards operated for weeks from other people's devices",
                f"名下{r['accounts']}张银行卡中{r['accounts_away']}张长期由他人设备操作",
            )
        acts = [
            (en, zh)
            for n, en, zh in (
                (r["early_touches"], f"handled {r['early_touches']} new cards", f"接触新卡{r['early_touches']}张"),
                (
                    r["account_setups"],
                    f"set up {r['account_setups']} new accounts",
                    f"开通新账户{r['account_setups']}个",
                ),
            )
            if n
        ]  # only what the extract could show: a bank's has no cards to touch
        if acts and r["early_touches"] + r["account_setups"] >= m.handled.quoted_from:
            why.add(
                f"own device {' and '.join(en for en, _ in acts)} of other people within days of opening",
                f"本人设备在他人开卡开户后数日内{'、'.join(zh for _, zh in acts)}",
            )
        if r["controlled_holders"] >= m.controlled.quoted_from:
            why.add(
                f"own device operated {r['controlled_accounts']} accounts of {r['controlled_holders']} other holders for weeks",
                f"本人设备长期操作{r['controlled_holders']}名他人名下{r['controlled_accounts']}个账户",
            )
        reasons.append(why)
    return attach(out, reasons)


def devices(d: pd.DataFrame, m: Model = MODEL) -> pd.DataFrame:
    """device_farm (a SIM box), or the handset a collector or dealer works from: whichever evidence is strongest.

    A box hosts many cards of several holders at once, and not for a day each (a repair bench);
    a collector's handset tries other holders' new cards and sets up their accounts; a dealer's
    works other holders' accounts for weeks.
    """
    visits = 1 - m.brief_discount * d["brief_share"]
    unknown = d["holders_unknown"].to_numpy(bool)  # no holder on record: neither one holder nor many
    at_once = m.box_cards(d["sims_at_once"]) * np.where(unknown, m.unknown_holders, m.box_holders(d["holders_at_once"]))
    at_once = at_once * visits
    in_turn = (
        m.turn_weight * m.box_cards(d["sims"]) * np.where(unknown, m.unknown_holders, m.turn_holders(d["holders"]))
    )
    in_turn = in_turn * visits
    farm = np.maximum(at_once, in_turn * d["in_turn"])
    handled = d["early_touches"] + d["account_setups"]
    scores = pd.DataFrame(
        {
            "device_farm": farm,
            "card_collector": m.handled(handled),
            "number_dealer": np.maximum(m.controlled(d["controlled_holders"]), m.for_suspects(d["suspects_worked"])),
        },
        index=d.index,
    )
    out = pd.DataFrame({"role": scores.idxmax(axis=1), "score": scores.max(axis=1), "entity_type": "device"})
    boxed = (d["holders_at_once"] >= m.box_holders.quoted_from) & (d["sims_at_once"] >= m.box_cards.quoted_from)
    boxed |= d["in_turn"]
    boxed &= ~d["holders_unknown"] | (d["sims_at_once"] >= m.box_cards.quoted_from)  # holders unknown: cards alone
    tried = handled >= m.handled.quoted_from
    worked = d["controlled_holders"] >= m.controlled.quoted_from
    for_suspects = d["suspects_worked"] >= m.for_suspects.quoted_from
    out["kinds"] = kinds(boxed, tried, worked, for_suspects)
    reasons = []
    for r, box, collects, deals, ring in zip(d.itertuples(), boxed, tried, worked, for_suspects, strict=True):
        why = Reasons()
        if box and r.holders_unknown:  # an operator's extract without holders: cards, never "holders"
            why.add(
                f"hosted {r.sims_at_once} cards at once ({r.sims} cards in all, {day(r.first_seen)} to {day(r.last_seen)}; "
                "holders not in the extract)",
                f"同时容纳{r.sims_at_once}张卡（共{r.sims}张，{day(r.first_seen)}至{day(r.last_seen)}；无持卡人信息）",
            )
        elif box and r.in_turn:
            why.add(
                f"hosted {r.sims} cards of {r.holders} holders in turn, each for weeks ({day(r.first_seen)} to {day(r.last_seen)})",
                f"先后容纳{r.holders}名持卡人的{r.sims}张卡、每人数周（{day(r.first_seen)}至{day(r.last_seen)}）",
            )
        elif box:
            why.add(
                f"hosted {r.sims_at_once} cards of {r.holders_at_once} holders at once ({r.sims} cards of {r.holders} holders, {day(r.first_seen)} to {day(r.last_seen)})",
                f"同时容纳{r.holders_at_once}名持卡人的{r.sims_at_once}张卡（共{r.holders}人{r.sims}张，{day(r.first_seen)}至{day(r.last_seen)}）",
            )
        if collects:  # only what the extract could show: an operator's has no accounts to set up, a bank's no cards
            acts = [
                (n, en, zh)
                for n, en, zh in (
                    (r.early_touches, "tried {} new cards", "试用新卡{}张"),
                    (r.account_setups, "set up {} new accounts", "开通账户{}个"),
                )
                if n
            ]
            why.add(
                f"{' and '.join(en.format(n) for n, en, _ in acts)} of other people within days of opening",
                f"他人开卡开户后数日内{'、'.join(zh.format(n) for n, _, zh in acts)}",
            )
        if deals:
            why.add(
                f"worked {r.controlled_accounts} accounts of {r.controlled_holders} other holders for weeks",
                f"长期操作{r.controlled_holders}名他人名下{r.controlled_accounts}个账户",
            )
        if ring:
            why.add(
                f"worked for weeks the accounts of {r.suspects_worked} holders who are themselves suspected",
                f"长期操作{r.suspects_worked}名涉嫌人员名下的账户",
            )
        reasons.append(why)
    return attach(out, reasons)


def accounts(a: pd.DataFrame, m: Model = MODEL, explain: bool = True) -> pd.DataFrame:
    """mule_account: money passed straight on, a box card's number, another's device, a victim's report.

    `explain=False` gives scores and kinds only: the first pass that finds the ring's mules needs no sentences.
    """
    passthrough = m.payers(a["payers"]) * np.clip(a["forwarded_share"], 0, 1)
    ring_money = a["suspect_share"] > m.suspect_money_from
    mule = noisy_or(
        m.passthrough_weight * passthrough,
        m.suspect_money_weight * m.paid_by_suspects(a["suspect_payers"]) * ring_money,
        m.farm_sim_weight * a["bound_to_farm_sim"].astype(float),
        m.controlled_weight * a["controller_device"].notna().astype(float),
        m.reported_account_weight * a["reported"].astype(float),
    )
    out = pd.DataFrame({"role": "mule_account", "score": mule, "entity_type": "account"}, index=a.index)
    out["kinds"] = kinds(
        (a["payers"] >= m.payers.quoted_from) & (a["forwarded_share"] > m.forwarded_quoted),
        ring_money & (a["suspect_payers"] >= m.paid_by_suspects.quoted_from),
        a["bound_to_farm_sim"],
        a["controller_device"].notna(),
        a["reported"],
    )
    if not explain:
        return out
    reasons = []
    for r in a.itertuples():
        why = Reasons()
        if r.payers >= m.payers.quoted_from and r.forwarded_share > m.forwarded_quoted:
            why.add(
                f"received {r.in_amount:,.0f} yuan from {r.payers} payers and passed {r.forwarded_share:.0%} on within {r.forward_hours:.1f} h (median)",
                f"收到{r.payers}名付款人共{r.in_amount:,.0f}元，{r.forward_hours:.1f}小时内（中位数）转出{r.forwarded_share:.0%}",
            )
        if r.suspect_share > m.suspect_money_from and r.suspect_payers >= m.paid_by_suspects.quoted_from:
            why.add(
                f"received {r.suspect_share:.0%} of its money from {r.suspect_payers} suspected accounts",
                f"{r.suspect_share:.0%}的入账资金来自{r.suspect_payers}个涉嫌账户",
            )
        if r.bound_to_farm_sim:
            why.add("bound to a number that ran in a SIM box", "预留手机号在猫池设备中使用")
        if isinstance(r.controller_device, str) and r.controller_owned:
            why.add(
                f"operated for weeks from device {r.controller_device}, which belongs to someone else",
                f"长期由他人设备{r.controller_device}操作",
            )
        elif isinstance(r.controller_device, str):  # a device with no owner we can name: a bank sees no SIMs in it
            why.add(
                f"operated for weeks from device {r.controller_device}, which works other holders' accounts too",
                f"长期由同时操作他人账户的设备{r.controller_device}操作",
            )
        if r.reported:
            why.add(*REPORTED)
        reasons.append(why)
    return attach(out, reasons)


# The call graph's shape as signals without it carry it: nothing seen (callbacks unknown, no block, no list).
NO_SHAPE: dict[str, float] = {
    "answering": 0,
    "called_back": np.nan,
    "callee_links": np.nan,
    "block_callers": 0,
    "block_callees": 0,
    "block_lift": 0.0,
    "block_share": 0.0,
    "listed": 0,
    "listed_back": 0,
}


def sims(s: pd.DataFrame, m: Model = MODEL) -> pd.DataFrame:
    """fraud_sim: ran in a box, cold-called many numbers briefly, shared its targets with other numbers
    that nobody calls back (a ring's bought list), or named by a victim."""
    s = s.assign(**{c: v for c, v in NO_SHAPE.items() if c not in s})  # signals built without the call graph
    farm = (s["farm_holders"] > 0).astype(float)
    # Short calls: 1 or 0 where durations arrived; half-way where none did (absent is not zero: never "0 s").
    timed = s["avg_call_s"].notna()
    # No durations but callbacks visible (a directed call graph): strangers who never call back stand in.
    seen = ~timed & m.strangers & (s["answering"] >= ANSWERING) & s["called_back"].notna()
    unknown = np.where(seen, shape.strangers(s.rename(columns={"callees": "out_degree"})), m.unknown_seconds)
    cold = (s["voice_calls"] > 0) * np.where(timed, s["avg_call_s"] < m.cold_call_seconds, unknown)
    # A dense block of callers working one list (shape.py), read only where durations are absent and callbacks
    # seen: in a projection a company, a family or a hotline's callers are as dense, and nothing tells them apart.
    block = seen & (s["block_lift"] >= BLOCK_LIFT) & (s["block_callers"] >= BLOCK_CALLERS)
    block &= s["block_share"] >= BLOCK_SHARE
    fresh = np.where(s["age_at_calls"] >= FRESH, m.aged_floor, 1.0)  # unknown age: no discount
    shared = m.shared_targets(s["co_callers"]) * cold * (1 - m.called_back(s["callers_in"])) * fresh
    # A few calls, all to numbers a list's workers called, never returned (directed, no durations).
    quiet = m.on_list(s["listed"]) * share(s["listed"], s["callees"]) * (1 - share(s["listed_back"], s["listed"]))
    quiet = quiet * (~timed & s["called_back"].notna())
    fraud = noisy_or(
        m.list_weight * quiet,
        m.farm_weight * farm,
        m.cold_calls_weight * m.callees(s["callees"]) * cold,
        m.shared_weight * shared,
        m.block_weight * block * unknown,
        m.reported_sim_weight * s["reported"].astype(float),
    )
    out = pd.DataFrame({"role": "fraud_sim", "score": fraud, "entity_type": "sim"}, index=s.index)
    listed = shared >= QUOTE_FROM
    blocked = block & (m.block_weight * unknown >= QUOTE_FROM)
    listed_few = m.list_weight * quiet >= QUOTE_FROM
    out["kinds"] = kinds(
        s["farm_holders"] > 0,
        (s["callees"] >= m.callees.quoted_from) & (cold > 0),
        listed | blocked | listed_few,
        s["reported"],
    )
    reasons = []
    for r, on_list, short, in_block, stranger, few in zip(
        s.itertuples(), listed, cold > 0, blocked, seen, listed_few, strict=True
    ):
        why = Reasons()
        if r.farm_holders > 0 and r.farm_holders_unknown:
            why.add(
                f"ran in device {r.farm_device} together with other cards (holders not in the extract)",
                f"与其他号码同时在设备{r.farm_device}中使用（无持卡人信息）",
            )
        elif r.farm_holders > 0 and r.farm_in_turn:
            why.add(
                f"ran in device {r.farm_device}, which hosted cards of {r.farm_holders} holders in turn",
                f"在先后容纳{r.farm_holders}名持卡人卡片的设备{r.farm_device}中使用",
            )
        elif r.farm_holders > 0:
            why.add(
                f"ran in device {r.farm_device} together with cards of {r.farm_holders} holders",
                f"与{r.farm_holders}名持卡人的卡同时在设备{r.farm_device}中使用",
            )
        if r.callees >= m.callees.quoted_from and short and pd.notna(r.avg_call_s):
            why.add(
                f"called {r.callees} numbers, {r.avg_call_s:.0f} s per call on average",
                f"呼叫{r.callees}个号码，平均每次{r.avg_call_s:.0f}秒",
            )
        elif r.callees >= m.callees.quoted_from and short and stranger:  # durations absent: callbacks seen
            why.add(
                f"called {r.callees} distinct numbers; of the {r.answering} who call anyone, {r.called_back:.0f} "
                f"called back, {r.callee_links:.0f} links among them (call durations not in the extract)",
                f"呼叫{r.callees}个不同号码，其中有呼出记录的{r.answering}个中仅{r.called_back:.0f}个回拨、"
                f"彼此间联系{r.callee_links:.0f}条（无通话时长数据）",
            )
        elif r.callees >= m.callees.quoted_from and short:  # durations absent: the count of numbers alone
            why.add(
                f"called {r.callees} distinct numbers (call durations not in the extract)",
                f"呼叫{r.callees}个不同号码（无通话时长数据）",
            )
        if on_list:
            why.add(
                f"shares its targets with {r.co_callers} other numbers (each called {SHARED_TARGETS}+ of the same "
                f"numbers); {r.callers_in} numbers ever called it",
                f"与{r.co_callers}个号码呼叫同一批对象（各自至少{SHARED_TARGETS}个相同被叫），仅{r.callers_in}个号码曾回拨",
            )
        if in_block:
            why.add(
                f"one of {r.block_callers} numbers calling in a block of {r.block_callees} numbers "
                f"{r.block_lift:.1f}× as dense as the rest of the call graph ({r.block_share:.0%} of its calls)",
                f"与{r.block_callers}个号码同属一个密集呼叫块（涉及{r.block_callees}个号码，密度为其余通话图的{r.block_lift:.1f}倍，占其呼叫的{r.block_share:.0%}）",
            )
        if few:
            why.add(
                f"{r.listed} of the {r.callees} numbers it called are on a list that numbers in a dense block work "
                f"too; {r.listed_back} of them called back",
                f"所呼叫的{r.callees}个号码中{r.listed}个同为密集呼叫块号码的呼叫对象，其中{r.listed_back}个回拨",
            )
        if r.reported:
            why.add(*REPORTED)
        reasons.append(why)
    return attach(out, reasons)
