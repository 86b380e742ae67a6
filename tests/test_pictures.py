"""What people look at, looked at the way they would.

The cluster drawing read as a supply chain (tiers in order, labels clear of each other, victim reports
as counts, ids masked), and headless Chromium (Debian's package) opening the run report and Neo4j
Browser: the report's screenshot is the one docs/ shows, retaken by every run of this test.
"""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from helpers import colourful, load_into_empty, overlapping, texts_of
from matplotlib.colors import same_color
from worlds import GeneratedWorlds

from duanka import db
from duanka.draw import reading_guide
from duanka.draw.chain import PER_TIER, plan
from duanka.draw.figure import BADGE, render
from duanka.export.mask import mask_id
from duanka.export.report import ClusterGraphs
from duanka.export.run import ExportParams, export
from duanka.generate.picture import ring_graph
from duanka.settings import Settings
from flows.detect import detect
from graphmodel import tiers
from graphmodel.roles import ROLE
from graphmodel.schema import NODES, SCORED

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / ".duanka" / "test" / "screenshots"
DOCS_SHOTS = ROOT / "docs" / "screenshots"  # what the docs show: retaken here, so never stale


@pytest.fixture(scope="module")
def world(generated_worlds: GeneratedWorlds) -> Path:
    return generated_worlds.extract("demo", persons=1200, seed=3)


def cluster_frames(world: Path) -> tuple[ClusterGraphs, str]:
    """The world's largest planted ring as the report reads a cluster: members, links, reports, ids whole."""
    truth = pd.read_csv(world / "truth.csv", dtype=str)
    ring = str(truth["ring_id"].dropna().value_counts().index[0])
    g = ring_graph(world, ring)
    kind = nx.get_node_attributes(g, "kind")
    rng = np.random.default_rng(7)
    nodes = pd.DataFrame(
        [
            {
                "cluster_id": ring,
                "kind": kind[n],
                "id": n,
                "role": d["role"],
                "score": rng.uniform(0.2, 1.0),
                "reasons": "",
            }
            for n, d in g.nodes(data=True)
            if kind[n] != "report"
        ]
    )
    links = pd.DataFrame(
        [
            {"cluster_id": ring, "a_kind": kind[a], "a": a, "rel": "LINK", "b_kind": kind[b], "b": b}
            for a, b in g.edges()
            if "report" not in (kind[a], kind[b])
        ]
    )
    reports = pd.DataFrame(
        [
            {"cluster_id": ring, "report_id": r, "names_kind": kind[n], "names": n}
            for r, n in ((a, b) if kind[a] == "report" else (b, a) for a, b in g.edges())
            if kind[r] == "report"
        ]
    )
    return ClusterGraphs(nodes, links, reports), ring


def test_every_scored_entity_type_has_its_tier_and_tiers_name_declared_types() -> None:
    declared = {n.entity_type for n in NODES if n.entity_type}
    assert {t for tier in tiers.TIERS for t in tier.entity_types} <= declared
    for node in SCORED:
        for key in [*ROLE, None]:
            assert tiers.tier_of(str(node.entity_type), key) != tiers.OTHER_TIER, (node.label, key)


def test_every_scored_entity_type_has_its_own_shape() -> None:
    from duanka.draw.figure import OTHER_SHAPE, SHAPES

    shapes = [SHAPES[str(n.entity_type)] for n in SCORED]
    assert len(set(shapes)) == len(shapes) and OTHER_SHAPE not in shapes


def test_drawn_entities_stand_in_their_tiers_upstream_first(world: Path) -> None:
    graphs, ring = cluster_frames(world)
    g = graphs.graph(ring, masked=True)
    g.add_node("gateway:1", kind="sms_gateway", role="benign", label="GW**01")  # a type no tier declares
    g.add_edge("gateway:1", next(n for n, d in g.nodes(data=True) if d["kind"] == "sim"))
    chain = plan(g)
    drawing = render(chain, "order")
    order = [*tiers.TIERS, tiers.OTHER_TIER]
    assert [order.index(c.tier) for c in chain.columns] == sorted(order.index(c.tier) for c in chain.columns)
    assert chain.columns[-1].tier == tiers.OTHER_TIER and [e.node for e in chain.columns[-1].shown] == ["gateway:1"]
    for i, column in enumerate(chain.columns):
        for e in column.shown:
            assert tiers.tier_of(e.kind, e.role) == column.tier
            assert drawing.rows[e.node][0] == drawing.rows[column.rows[0]][0], "a tier is one column"
        if i:
            assert drawing.rows[column.rows[0]][0] > drawing.rows[chain.columns[i - 1].rows[0]][0], "left to right"
    drawn_or_counted = sum(c.total for c in chain.columns)
    assert drawn_or_counted == sum(1 for _, d in g.nodes(data=True) if d["kind"] != "report")


def test_a_new_entity_type_slots_in_by_declaration(world: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    graphs, ring = cluster_frames(world)
    g = graphs.graph(ring, masked=True)
    sim = next(n for n, d in g.nodes(data=True) if d["kind"] == "sim")
    g.add_node("sms_port:1", kind="sms_port", role="benign", label="106*****88")
    g.add_edge("sms_port:1", sim)
    assert plan(g).columns[-1].tier == tiers.OTHER_TIER
    card = next(t for t in tiers.TIERS if "sim" in t.entity_types)
    beside_cards = dataclasses.replace(card, entity_types=(*card.entity_types, "sms_port"))
    monkeypatch.setattr(tiers, "TIERS", tuple(beside_cards if t == card else t for t in tiers.TIERS))
    chain = plan(g)
    assert all(c.tier != tiers.OTHER_TIER for c in chain.columns)
    holding = next(c for c in chain.columns if c.tier == beside_cards)
    assert "sms_port:1" in {e.node for e in holding.shown}, "every entity type of a tier takes its turn"


def test_victim_reports_are_counts_on_what_they_name(world: Path) -> None:
    graphs, ring = cluster_frames(world)
    g = graphs.graph(ring, masked=True)
    chain = plan(g)
    named = {n: sum(1 for m in g.neighbors(n) if g.nodes[m]["kind"] == "report") for n in g}
    shown = [e for c in chain.columns for e in c.shown]
    assert not any(e.kind == "report" for e in shown)
    assert all(e.reports == named[e.node] for e in shown)
    assert sum(e.reports for e in shown) + sum(c.more.reports for c in chain.columns if c.more) == len(graphs.reports)
    assert chain.reports == sum(1 for _, d in g.nodes(data=True) if d["kind"] == "report") > 0
    patches = [(t, t.get_bbox_patch()) for t in texts_of(render(chain, "reports"))]
    badges = [t for t, patch in patches if patch and same_color(patch.get_facecolor(), BADGE)]
    assert sum(int(t.get_text()) for t in badges) == len(graphs.reports), "each report counted where it is drawn"


def test_a_big_tier_is_capped_with_a_count_of_the_rest(world: Path) -> None:
    graphs, ring = cluster_frames(world)
    chain = plan(graphs.graph(ring, masked=True))
    cards = next(c for c in chain.columns if "sim" in c.tier.entity_types)
    members = graphs.nodes[graphs.nodes["kind"].isin(cards.tier.entity_types)]
    assert len(members) > PER_TIER, "the largest planted ring has more cards than a tier draws"
    assert len(cards.shown) == PER_TIER and cards.more and cards.more.count == len(members) - PER_TIER
    assert {e.kind for e in cards.shown} == set(members["kind"]), "cards do not crowd out accounts"
    assert (
        dict(cards.more.kinds)
        == (members["kind"].value_counts() - pd.Series([e.kind for e in cards.shown]).value_counts()).to_dict()
    )


def test_the_chain_reads_through_from_the_dealer(world: Path) -> None:
    """The dealer's and collectors' own cards are drawn, not lost in a "+N more" among a hundred others."""
    graphs, ring = cluster_frames(world)
    chain = plan(graphs.graph(ring, masked=True))
    more = {c.more.node for c in chain.columns if c.more}
    assert more, "the ring is big enough for some tier to be capped"
    upstream = [e for c in chain.columns if c.tier.roles for e in c.shown]
    assert {e.role for e in upstream} >= {"number_dealer", "card_collector"}
    for e in upstream:
        drawn_ends = [b for a, b, _ in chain.links if a == e.node and b not in more]
        assert drawn_ends, f"{e.label} ({e.role}) links only to members left undrawn"


def test_labels_never_overlap(world: Path) -> None:
    graphs, ring = cluster_frames(world)
    for masked in (True, False):  # unmasked ids are longer: columns widen to them
        drawing = render(plan(graphs.graph(ring, masked=masked)), f"#1 {ring}  score 0.97")
        assert len(texts_of(drawing)) > 30
        assert not overlapping(drawing), overlapping(drawing)[:5]


def test_drawing_shows_masked_ids_only(world: Path) -> None:
    graphs, ring = cluster_frames(world)
    drawing = render(plan(graphs.graph(ring, masked=True)), f"#1 {ring}")
    shown = [t.get_text() for t in texts_of(drawing)]
    whole = [str(i) for i in (*graphs.nodes["id"], *graphs.reports["report_id"]) if len(str(i)) >= 4]
    assert not [i for i in whole if any(i in text for text in shown)]
    masked = {mask_id(i, k) for i, k in zip(graphs.nodes["id"], graphs.nodes["kind"], strict=True)}
    labels = [t for t in shown if "*" in t]
    assert len(labels) > 10 and set(labels) <= masked


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian's chromium package is missing: `make test` installs it"
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def exported(settings: Settings, tmp_path_factory: pytest.TempPathFactory, world: Path) -> Path:
    load_into_empty(settings, world)
    detect(seed=1)
    out = tmp_path_factory.mktemp("export")
    export(settings, ExportParams(out, top_clusters=3))
    return out


@pytest.mark.neo4j
def test_the_reports_drawings_read_as_supply_chains(exported: Path, settings: Settings) -> None:
    drawn = sorted((exported / "clusters").glob("*.png"))
    ids = [p.stem.split("-", 1)[1] for p in drawn]
    with db.session(settings) as sess:
        graphs = ClusterGraphs.read(sess, ids)
    order = [*tiers.TIERS, tiers.OTHER_TIER]
    for cluster_id in ids:
        chain = plan(graphs.graph(cluster_id, masked=True))
        drawing = render(chain, cluster_id)
        assert [order.index(c.tier) for c in chain.columns] == sorted(order.index(c.tier) for c in chain.columns)
        assert len(chain.columns) >= 3, f"{cluster_id}: a detected ring spans tiers"
        assert not overlapping(drawing), overlapping(drawing)[:5]
        members = graphs.nodes[graphs.nodes["cluster_id"] == cluster_id]
        shown = [t.get_text() for t in texts_of(drawing)]
        assert not [i for i in members["id"] if len(str(i)) >= 4 and any(str(i) in text for text in shown)]


@pytest.mark.neo4j
def test_report_opens_offline_and_shows_cluster_drawings(browser, exported: Path) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1300, "height": 1800})
    page.route("http*://**", lambda route: route.abort())  # offline: nothing may be fetched
    page.goto((exported / "report.html").as_uri())
    images = page.locator("img")
    assert images.count() == 3
    assert all(images.nth(i).evaluate("img => img.complete && img.naturalWidth > 600") for i in range(3))
    assert page.get_by_text(reading_guide()).count() == 3, "each drawing says how to read it"
    page.locator(".cluster").first.scroll_into_view_if_needed()
    shot = DOCS_SHOTS / "report.png"
    page.screenshot(path=str(shot), full_page=False)
    spread, roles = colourful(shot)
    assert spread > 0.05 and len(roles) >= 3, f"report screenshot looks blank or uncoloured ({spread:.3f}, {roles})"
    page.close()


@pytest.mark.neo4j
def test_neo4j_browser_guide_runs_a_query_that_draws_the_cluster(browser, exported: Path, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    local = settings.local
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(local.browser_url, wait_until="networkidle")
    page.select_option("[data-testid=bolt-scheme-select]", "bolt://")
    page.fill("[data-testid=boltaddress]", f"{local.listen_address}:{local.bolt_port}")
    page.fill("[data-testid=username]", "neo4j")
    page.fill("[data-testid=password]", settings.password())
    page.click("[data-testid=connect]")
    page.wait_for_selector("text=investigator's guide", timeout=60_000)  # played after login by the server
    guide = page.locator("[data-testid=frame]", has_text="investigator's guide")
    guide.locator('li[aria-label="3"]').click()  # the `cluster` slide
    page.get_by_text(":param cluster_id").click()
    page.click("[data-testid=editor-Run]")
    page.locator("[data-testid=frame]", has_text=":help param").wait_for(timeout=20_000)  # the parameter is set
    page.get_by_text("MATCH (c:Cluster {cluster_id: $cluster_id})").click()
    page.click("[data-testid=editor-Run]")
    page.locator("svg g.node").nth(10).wait_for(timeout=30_000)  # a drawn graph, not a table
    page.wait_for_timeout(4000)  # let the force layout settle
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = SHOTS / "neo4j-browser-cluster.png"
    page.screenshot(path=str(shot))
    spread, roles = colourful(shot, (120, 130, 1080, 620))
    assert spread > 0.05, "the graph area is blank"
    assert {"fraud_sim", "mule_account"} <= roles, f"suspected roles are not coloured by the duanka style: {roles}"
    page.close()
