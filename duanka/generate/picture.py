"""Draw one planted ring straight from a generated scenario's files (for docs/scenarios.md)."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pandas as pd

from duanka.draw import draw_subgraph
from duanka.export.mask import mask_id
from duanka.identifiers import normalise_msisdn


def _read(source: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(source / f"{name}.csv", dtype=str, keep_default_na=False)


def ring_graph(source: Path, ring_id: str) -> nx.Graph:
    """One planted ring of a generated extract as a graph, from its truth.csv."""
    truth = _read(source, "truth")
    members = truth[truth.ring_id == ring_id]
    role = dict(zip(members.entity_id, members.role, strict=False))
    kind = dict(zip(members.entity_id, members.entity_type, strict=False))
    persons = set(members[members.entity_type == "person"].entity_id)
    g = nx.Graph()

    def add(node: str, k: str) -> None:
        g.add_node(node, kind=k, role=role.get(node, "benign"), label=mask_id(node, k))

    sims = _read(source, "sims")
    sims["msisdn"] = normalise_msisdn(sims.msisdn.astype("string")).astype(str)
    for r in sims[sims.holder_person_id.isin(persons)].itertuples():
        add(r.holder_person_id, "person")
        add(r.msisdn, "sim")
        g.add_edge(r.holder_person_id, r.msisdn)
    ring_sims = set(sims[sims.holder_person_id.isin(persons)].msisdn)
    accounts = _read(source, "bank_accounts")
    for r in accounts[accounts.holder_person_id.isin(persons)].itertuples():
        add(r.account_id, "account")
        g.add_edge(r.holder_person_id, r.account_id)
    ring_accounts = set(accounts[accounts.holder_person_id.isin(persons)].account_id)
    links = _read(source, "sim_device_links")
    for r in links[links.msisdn.isin(ring_sims)].itertuples():
        add(r.device_id, "device")
        g.add_edge(r.msisdn, r.device_id)
    acct_links = _read(source, "account_device_links")
    for r in acct_links[acct_links.account_id.isin(ring_accounts)].itertuples():
        add(r.device_id, "device")
        g.add_edge(r.account_id, r.device_id)
    reports = _read(source, "reports")
    for r in reports[reports.msisdn.isin(ring_sims) | reports.account_id.isin(ring_accounts)].itertuples():
        add(r.report_id, "report")
        for target in (r.msisdn, r.account_id):
            if target in g:
                g.add_edge(r.report_id, target)
    for node in g:
        if node in kind:
            g.nodes[node]["kind"] = kind[node] if kind[node] != "person" else "person"
    return g


def draw_ring(source: Path, ring_id: str, path: Path) -> Path:
    """A PNG of one planted ring, for docs/scenarios.md."""
    g = ring_graph(source, ring_id)
    title = f"Planted ring {ring_id} from {source.name}: {g.number_of_nodes()} entities (ids masked)"
    return draw_subgraph(g, path, title)
