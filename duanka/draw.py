"""Pictures of small subgraphs — a planted ring, a detected cluster — coloured by role."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from graphmodel.roles import ROLE, role

SHAPES = {"person": "o", "sim": "s", "account": "D", "device": "^", "outlet": "p", "report": "*"}
LABEL_ALL_UP_TO = 80  # nodes; a bigger picture labels only its hubs and reports
CJK_FONTS = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


def _use_cjk_font() -> bool:
    """Chinese role names when a CJK font is installed (Debian fonts-wqy-microhei or fonts-noto-cjk)."""
    from matplotlib import font_manager, rcParams

    for path in CJK_FONTS:
        if Path(path).exists():
            font_manager.fontManager.addfont(path)
            rcParams["font.sans-serif"] = [font_manager.FontProperties(fname=path).get_name(), "DejaVu Sans"]
            return True
    return False


def layout(graph: nx.Graph) -> dict[object, tuple[float, float]]:
    """Kamada-Kawai (via igraph: deterministic, keeps a ring's hubs near its members)."""
    import igraph as ig

    nodes = list(graph)
    index = {n: i for i, n in enumerate(nodes)}
    g = ig.Graph(n=len(nodes), edges=[(index[a], index[b]) for a, b in graph.edges()])
    coords = g.layout_kamada_kawai(maxiter=50 * max(1, len(nodes)))
    return {n: (coords[i][0], coords[i][1]) for i, n in enumerate(nodes)}


def draw_subgraph(graph: nx.Graph, path: Path, title: str) -> Path:
    """Nodes carry `kind` (person, sim…), `role` and `label`; edges may carry `label`."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    cjk = _use_cjk_font()
    pos = layout(graph)
    fig, ax = plt.subplots(figsize=(12, 9), dpi=100)
    nx.draw_networkx_edges(graph, pos, ax=ax, edge_color="#bbbbbb", width=0.8, arrows=False)
    for kind, marker in SHAPES.items():
        members = [n for n, d in graph.nodes(data=True) if d.get("kind") == kind]
        if members:
            nx.draw_networkx_nodes(
                graph,
                pos,
                nodelist=members,
                node_shape=marker,
                ax=ax,
                node_size=[
                    260 if graph.nodes[n].get("role") in ("number_dealer", "card_collector", "device_farm") else 120
                    for n in members
                ],
                node_color=[role(graph.nodes[n].get("role", "benign")).colour for n in members],
                edgecolors="#333333",
                linewidths=0.5,
            )
    important = {
        n: d.get("label", "")
        for n, d in graph.nodes(data=True)
        if len(graph) <= LABEL_ALL_UP_TO
        or d.get("kind") == "report"
        or d.get("role") in ("number_dealer", "card_collector", "device_farm")
    }
    texts = nx.draw_networkx_labels(graph, pos, labels=important, font_size=7, ax=ax, verticalalignment="bottom")
    for text in texts.values():  # labels are data: `$\foo{$` is an id, not mathtext to parse
        text.set_parse_math(False)
    roles = sorted({role(d.get("role", "benign")) for _, d in graph.nodes(data=True)}, key=list(ROLE.values()).index)
    handles = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markersize=9,
            markerfacecolor=r.colour,
            markeredgecolor="#333",
            label=f"{r.en} {r.zh if cjk else ''}".strip(),
        )
        for r in roles
    ]
    handles += [
        Line2D([], [], marker=m, linestyle="", markersize=8, markerfacecolor="white", markeredgecolor="#333", label=k)
        for k, m in SHAPES.items()
        if any(d.get("kind") == k for _, d in graph.nodes(data=True))
    ]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=True)
    ax.set_title(title, fontsize=11, parse_math=False)
    ax.axis("off")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path
