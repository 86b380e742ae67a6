"""What people look at, looked at the way they would: headless Chromium (Debian's package) opens the
run report and Neo4j Browser, runs a guide query, and the screenshots must show a drawn graph."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from helpers import load_into_empty

from duanka.export.run import ExportParams, export
from duanka.generate import generate
from duanka.settings import Settings
from flows.detect import detect
from graphmodel.roles import ROLE

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parent.parent / ".duanka" / "test" / "screenshots"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian's chromium package is missing: `make test` installs it"
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def exported(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("pictures")
    generate(source, "demo", persons=1200, seed=3)
    load_into_empty(settings, source)
    detect(seed=1)
    out = tmp_path_factory.mktemp("export")
    export(settings, ExportParams(out, top_clusters=3))
    return out


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


def test_report_opens_offline_and_shows_cluster_drawings(browser, exported: Path) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1300, "height": 1800})
    page.route("http*://**", lambda route: route.abort())  # offline: nothing may be fetched
    page.goto((exported / "report.html").as_uri())
    images = page.locator("img")
    assert images.count() == 3
    assert all(images.nth(i).evaluate("img => img.complete && img.naturalWidth > 600") for i in range(3))
    page.locator(".cluster").first.scroll_into_view_if_needed()
    shot = SHOTS / "report.png"
    page.screenshot(path=str(shot), full_page=False)
    spread, roles = colourful(shot)
    assert spread > 0.05 and len(roles) >= 3, f"report screenshot looks blank or uncoloured ({spread:.3f}, {roles})"
    page.close()


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
    shot = SHOTS / "neo4j-browser-cluster.png"
    page.screenshot(path=str(shot))
    spread, roles = colourful(shot, (120, 130, 1080, 620))
    assert spread > 0.05, "the graph area is blank"
    assert {"fraud_sim", "mule_account"} <= roles, f"suspected roles are not coloured by the duanka style: {roles}"
    page.close()
