"""Test helpers that read the whole graph back, and compare it with the analysis store."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from duanka import db
from duanka.detect.projection import Projection
from duanka.detect.reading import FACT_QUERIES, read_facts, read_graph, read_projection, region_scope
from duanka.detect.signals import Facts
from duanka.detect.source import choose
from duanka.ingest.run import IngestResult
from duanka.settings import Settings
from graphmodel.roles import ROLE

if TYPE_CHECKING:
    from matplotlib.text import Text

    from duanka.draw.figure import Drawing

IGNORED = {"load_id"}


def _clean(props: dict) -> dict:
    return {k: str(v) for k, v in sorted(props.items()) if k not in IGNORED}


def graph_snapshot(settings: Settings) -> dict[str, object]:
    """Every node and relationship with its properties (minus per-run ids, the runs' own records and the audit
    log's anchor), in a stable order."""
    with db.session(settings) as sess:
        nodes = sorted(
            json.dumps([r["labels"], _clean(r["props"])], ensure_ascii=False, sort_keys=True)
            for r in sess.run(
                "MATCH (n) WHERE NOT n:Run AND NOT n:AuditHead RETURN labels(n) AS labels, properties(n) AS props"
            )
        )
        rels = sorted(
            json.dumps([r["t"], r["a"], r["b"], _clean(r["props"])], ensure_ascii=False, sort_keys=True)
            for r in sess.run(
                "MATCH (a)-[r]->(b) WHERE NOT b:Run RETURN type(r) AS t, elementId(a) IS NOT NULL AS ok, "
                "coalesce(a.person_id, a.msisdn, a.account_id, a.device_id, a.outlet_id, a.enterprise_id, a.port_code, a.middle_number, a.report_id) AS a, "
                "coalesce(b.person_id, b.msisdn, b.account_id, b.device_id, b.outlet_id, b.enterprise_id, b.port_code, b.middle_number, b.report_id) AS b, properties(r) AS props"
            )
        )
    return {
        "nodes": len(nodes),
        "relationships": len(rels),
        "digest": hashlib.sha256("\n".join(nodes + rels).encode()).hexdigest(),
    }


def empty(settings: Settings) -> None:
    """Delete everything in the test database."""
    db.empty_database(settings)


def ingest_source(source: Path, settings: Settings | None = None, **options: Any) -> IngestResult:
    """An ingest run through the `ingest` flow, as users run it; always loaded (tests reload on purpose).

    `settings` only says which database the caller means: the flow reads the same from the environment.
    """
    from flows.ingest import ingest

    if settings is not None:
        assert settings.connection.uri == Settings.from_env().connection.uri
    mapping = options.pop("mapping", None)
    return ingest(str(source), force=True, mapping=str(mapping) if mapping else None, **options)


def bulk_import_matches_bolt(source: Path, settings: Settings) -> IngestResult:
    """`source` loaded over Bolt, then into an emptied database by bulk import: asserts both build the same
    graph and the import found every row it expected; returns the import's result."""
    assert ingest_source(source, settings).ok
    over_bolt = graph_snapshot(settings)
    empty(settings)
    result = ingest_source(source, settings, bulk=True)
    assert result.ok and result.expected == result.found
    assert graph_snapshot(settings) == over_bolt
    return result


def load_into_empty(settings: Settings, source: Path) -> Path:
    """Empty the test database and load one extract into it, checking it reconciles."""
    empty(settings)
    assert ingest_source(source, settings).ok
    return source


def rows_in_one_order(frame: pd.DataFrame) -> pd.DataFrame:
    """A table's rows in one order, as text: equal for the same rows, whatever order they were read in."""
    return frame.astype(str).sort_values(list(frame.columns), ignore_index=True)


# What people look at: the drawings' texts and colours, as a reader would check them.


def texts_of(drawing: Drawing) -> list[Text]:
    """Every text drawn (title, tier headers, labels, counts, legend), laid out as the PNG has them."""
    figure = drawing.figure
    figure.canvas.draw()
    ax = figure.axes[0]
    legend = ax.get_legend()
    return [t for t in [*ax.texts, *(legend.get_texts() if legend else [])] if t.get_visible() and t.get_text()]


def overlapping(drawing: Drawing) -> list[tuple[str, str]]:
    """Pairs of drawn texts whose boxes (with their background, where they have one) intersect."""
    renderer = drawing.figure.canvas.get_renderer()  # type: ignore[attr-defined]
    boxes = []
    for t in texts_of(drawing):
        patch = t.get_bbox_patch()
        boxes.append((t.get_text(), patch.get_window_extent(renderer) if patch else t.get_window_extent(renderer)))
    return [
        (a, b)
        for i, (a, box_a) in enumerate(boxes)
        for b, box_b in boxes[i + 1 :]
        if box_a.x0 < box_b.x1 and box_b.x0 < box_a.x1 and box_a.y0 < box_b.y1 and box_b.y0 < box_a.y1
    ]


def colourful(png: Path, region: tuple[int, int, int, int] | None = None) -> tuple[float, set[str]]:
    """Pixel spread (0 = blank) and which role colours appear."""
    import matplotlib.image

    pixels = matplotlib.image.imread(png)[..., :3]
    if region:
        x0, y0, x1, y1 = region
        pixels = pixels[y0:y1, x0:x1]
    rgb = (pixels * 255).round().astype(int).reshape(-1, 3)
    seen = {f"#{r:02X}{g:02X}{b:02X}" for r, g, b in np.unique(rgb, axis=0)}
    return float(pixels.std()), {r.key for r in ROLE.values() if r.colour.upper() in seen}


# The analysis store against the graph: detection's reads from each must agree (duanka/detect/reading.py).


def _facts_in_one_order(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(list(frame.columns), ignore_index=True, na_position="first")


def _edges(p: Projection) -> pd.DataFrame:
    keys = p.keys.astype(str)
    return _facts_in_one_order(pd.DataFrame({"a": keys[p.sources], "b": keys[p.targets], "w": p.weights}))


def assert_same_facts(graph: Facts, store: Facts, what: str) -> None:
    """Every declared fact table equal (sorted, same dtypes), and the evidence held."""
    for table, query in FACT_QUERIES.items():
        assert query.store or query.graph_only, f"{table} has no query over the analysis store"
        pd.testing.assert_frame_equal(
            _facts_in_one_order(getattr(graph, table)),
            _facts_in_one_order(getattr(store, table)),
            obj=f"{what}: {table}",
        )
    assert graph.evidence == store.evidence, what


def assert_one_truth(settings: Settings, what: str) -> None:
    """The projection and the fact tables read from the store equal those read from Neo4j, whole and for
    a region of a few of each scored entity."""
    source = choose(settings, None)
    assert source.store, source.why
    (proj_graph, facts_graph), (proj_store, facts_store) = read_graph(settings), read_graph(settings, source)
    assert sorted(proj_graph.keys) == sorted(proj_store.keys), what
    pd.testing.assert_frame_equal(_edges(proj_graph), _edges(proj_store), obj=what)
    assert_same_facts(facts_graph, facts_store, what)
    assert proj_store.size == read_projection(settings, source).size
    ids = {
        "sim": facts_graph.sims["msisdn"].head(5).tolist() + facts_graph.seen["msisdn"].head(3).tolist(),
        "device": facts_graph.seen["device"].head(5).tolist(),
        "account": facts_graph.accounts["account"].head(5).tolist() + facts_graph.transfers["dst"].head(3).tolist(),
    }
    scope = region_scope(lambda t: set(ids.get(t, [])))
    assert_same_facts(read_facts(settings, scope), read_facts(settings, scope, source=source), f"{what}, a region")
