"""The supply chain drawn: a column per tier, a row per entity, every text measured before it is placed.

The axes are laid in pixels (one data unit = one pixel, y down), so that a row's height and a column's
width are set from the measured labels: two labels cannot meet, whatever the ids. Links run in the gaps
between columns, from the end of a row to the marker of what it links to, behind the labels.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, PathPatch
from matplotlib.path import Path as Curve

from duanka.draw.chain import Chain, Column
from duanka.draw.fonts import use_cjk_font
from graphmodel.roles import OTHER, ROLES, role

DPI = 100
LABEL_PT = 8.0
BADGE_PT = 7.0
HEADER_PT = 9.5
NOTE_PT = 7.5
TITLE_PT = 11.0
ROW = 24  # px from row to row: a label's height (~11 px) with its padding, and room to spare
MARGIN = 18
TITLE = 40  # px above the tier headers
HEADER = 48  # px of a tier's name, count and the arrow to the next tier
MARKER_X = 10  # px from a column's left edge to its markers
TEXT_X = 22  # px from a column's left edge to its labels
GAP = 70  # px between one column's longest row and the next column's markers: where links run
LONGEST_LABEL = 30  # characters; a longer label (an unmasked id, a masked token) keeps its two ends
BADGE = "#C62828"
MONEY = "#1B7837"
LINK = "#8C8C8C"
SHAPES = {
    "person": "o",
    "sim": "s",
    "account": "D",
    "device": "^",
    "outlet": "p",
    "enterprise": "h",
    "port": "v",
    "middle_number": "d",
}  # one shape per scored type (tested): a port, a middle number and an enterprise told apart without colour
OTHER_SHAPE = "8"
BIG = {"number_dealer", "card_collector", "device_farm"}  # the roles an investigator looks for first


@dataclass(frozen=True)
class Drawing:
    figure: Figure
    rows: dict[Hashable, tuple[float, float]]  # each row's marker, in pixels from the top left


class _Measure:
    """Text widths in pixels, measured as the drawing will render them (same DPI, font and renderer)."""

    def __init__(self) -> None:
        self.scratch = Figure(dpi=DPI)
        FigureCanvasAgg(self.scratch)

    def width(self, text: str, size: float) -> float:
        """The widest line of `text`."""
        widest = 0.0
        for line in text.split("\n"):
            probe = self.scratch.text(0, 0, line, fontsize=size)
            probe.set_parse_math(False)
            widest = max(widest, probe.get_window_extent().width)
            probe.remove()
        return widest


def short(label: str) -> str:
    """A label too long for a row, shortened in the middle: its two ends are what tell ids apart."""
    if len(label) <= LONGEST_LABEL:
        return label
    half = (LONGEST_LABEL - 1) // 2
    return label[:half] + "…" + label[-half:]


def _names(zh: str, en: str, cjk: bool) -> str:
    return f"{zh} {en}" if cjk else en


def _more_text(column: Column, cjk: bool) -> str:
    more = column.more
    assert more is not None
    kinds = f" ({' · '.join(f'{n} {kind}' for kind, n in more.kinds)})" if len(more.kinds) > 1 else ""
    return f"+{more.count} more{' 另' + str(more.count) + '个' if cjk else ''}{kinds}"


@dataclass(frozen=True)
class _Layout:
    left: list[float]  # each column's left edge
    right: list[float]  # each column's rows end here; links leave from here
    width: float
    height: float
    legend_top: float
    legend_columns: int


def _layout(
    chain: Chain, measure: _Measure, texts: list[dict[Hashable, str]], title: str, legend: list[str], cjk: bool
) -> _Layout:
    left, right = [], []
    x = float(MARGIN)
    for column, labels in zip(chain.columns, texts, strict=True):
        rows = max(
            (
                measure.width(text, LABEL_PT)
                + (_badge_width(measure, _reports(column, node)) if _reports(column, node) else 0.0)
                for node, text in labels.items()
            ),
            default=0.0,
        )
        header = max(measure.width(_header(column, cjk), HEADER_PT), measure.width(_count(column), NOTE_PT))
        content = max(TEXT_X + rows, header)
        left.append(x)
        right.append(x + content + 6)
        x += content + GAP
    width = max(x - GAP + MARGIN, measure.width(title, TITLE_PT) + 2 * MARGIN, 640.0)
    rows = max((len(c.rows) for c in chain.columns), default=1)
    legend_top = TITLE + HEADER + rows * ROW + 16
    entry = max((measure.width(text, LABEL_PT) for text in legend), default=0.0) + 44
    legend_columns = max(1, min(len(legend), int((width - 2 * MARGIN) // entry)))
    height = legend_top + math.ceil(len(legend) / legend_columns) * 20 + MARGIN
    return _Layout(left, right, width, height, legend_top, legend_columns)


def _reports(column: Column, node: Hashable) -> int:
    if column.more and node == column.more.node:
        return column.more.reports
    return next(e.reports for e in column.shown if e.node == node)


def _badge_width(measure: _Measure, count: int) -> float:
    return 8 + measure.width(str(count), BADGE_PT) + 6


def _header(column: Column, cjk: bool) -> str:
    return _names(column.tier.zh, column.tier.en, cjk)


def _count(column: Column) -> str:
    drawn = len(column.shown)
    return f"{column.total} in the cluster" + (f", {drawn} drawn" if drawn < column.total else "")


def render(chain: Chain, title: str) -> Drawing:
    """The figure, sized to its content."""
    cjk = use_cjk_font()
    measure = _Measure()
    texts = [
        {
            **{e.node: short(e.label) for e in column.shown},
            **({column.more.node: _more_text(column, cjk)} if column.more else {}),
        }
        for column in chain.columns
    ]
    roles_drawn = {e.role for c in chain.columns for e in c.shown}
    kinds_drawn = {e.kind for c in chain.columns for e in c.shown}
    handles = _legend(roles_drawn, kinds_drawn, chain, cjk)
    lay = _layout(chain, measure, texts, title, [str(h.get_label()) for h in handles], cjk)

    figure = Figure(figsize=(lay.width / DPI, lay.height / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    ax = figure.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, lay.width)
    ax.set_ylim(lay.height, 0)
    ax.axis("off")
    heading = ax.text(MARGIN, TITLE / 2, title, fontsize=TITLE_PT, va="center", ha="left")
    heading.set_parse_math(False)  # a cluster id is data, not mathtext

    rows: dict[Hashable, tuple[float, float]] = {}
    column_of: dict[Hashable, int] = {}
    for i, column in enumerate(chain.columns):
        for r, node in enumerate(column.rows):
            rows[node] = (lay.left[i] + MARKER_X, TITLE + HEADER + ROW / 2 + r * ROW)
            column_of[node] = i
    for i, column in enumerate(chain.columns):
        _draw_header(ax, column, i, lay, cjk, last=i == len(chain.columns) - 1)
    _draw_links(ax, chain, rows, column_of, lay, measure, texts)
    _draw_markers(ax, chain, rows)
    label_at = {node: (x - MARKER_X + TEXT_X, y) for node, (x, y) in rows.items()}
    labels = {node: text for column_texts in texts for node, text in column_texts.items()}
    drawn = nx.draw_networkx_labels(
        nx.Graph(),
        label_at,
        labels=labels,
        ax=ax,
        font_size=LABEL_PT,
        horizontalalignment="left",
        verticalalignment="center",
        bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.9},
    )
    for node, text in drawn.items():
        text.set_parse_math(False)  # labels are data: `$\foo{$` is an id, not mathtext to parse
        if isinstance(node, tuple) and node[:1] == ("+more",):
            text.set_color("#555555")
            text.set_fontstyle("italic")
    for column in chain.columns:
        for node in column.rows:
            count = _reports(column, node)
            if count:
                x, y = label_at[node]
                _badge(ax, x + measure.width(labels[node], LABEL_PT) + 8, y, count)
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(MARGIN, lay.legend_top),
        bbox_transform=ax.transData,
        ncol=lay.legend_columns,
        fontsize=LABEL_PT,
        frameon=False,
        borderaxespad=0,
        handletextpad=0.5,
        columnspacing=1.6,
    )
    return Drawing(figure, rows)


def _draw_header(ax: Any, column: Column, i: int, lay: _Layout, cjk: bool, last: bool) -> None:
    x = lay.left[i]
    ax.text(x, TITLE + 4, _header(column, cjk), fontsize=HEADER_PT, va="top", ha="left")
    ax.text(x, TITLE + 22, _count(column), fontsize=NOTE_PT, color="#666666", va="top", ha="left")
    if not last:
        ax.add_patch(
            FancyArrowPatch(
                (lay.right[i] + 10, TITLE + 12),
                (lay.left[i + 1] - 10, TITLE + 12),
                arrowstyle="-|>",
                mutation_scale=12,
                color="#BBBBBB",
                lw=1.5,
            )
        )


def _draw_markers(ax: Any, chain: Chain, rows: dict[Hashable, tuple[float, float]]) -> None:
    for column in chain.columns:
        for e in column.shown:
            x, y = rows[e.node]
            ax.scatter(
                [x],
                [y],
                s=120 if e.role in BIG else 70,
                marker=SHAPES.get(e.kind, OTHER_SHAPE),
                c=role(e.role).colour,
                edgecolors="#333333",
                linewidths=0.6,
                zorder=4,
            )
        if column.more:
            x, y = rows[column.more.node]
            ax.scatter([x - 5, x, x + 5], [y, y, y], s=6, c="#777777", zorder=4)


def _draw_links(
    ax: Any,
    chain: Chain,
    rows: dict[Hashable, tuple[float, float]],
    column_of: dict[Hashable, int],
    lay: _Layout,
    measure: _Measure,
    texts: list[dict[Hashable, str]],
) -> None:
    """Links downstream as S-curves from a row's end to a marker; links within a tier as arcs left of it."""
    leaving: set[Hashable] = set()
    for a, b, relationship in chain.links:
        (xa, ya), (xb, yb) = rows[a], rows[b]
        colour, alpha = (MONEY, 0.6) if relationship == "TRANSFER" else (LINK, 0.45)
        dashes: Any = "solid"
        if column_of[a] == column_of[b]:
            bulge = min(GAP - 14, 12 + 0.35 * abs(yb - ya))
            start, end = (xa - 8, ya), (xb - 8, yb)
            control = (xa - 8 - bulge, (ya + yb) / 2)
            path = Curve([start, control, end], [Curve.MOVETO, Curve.CURVE3, Curve.CURVE3])
        else:
            start, end = (lay.right[column_of[a]], ya), (xb - 9, yb)
            bend = GAP / 2  # curved in the gaps; a link past a tier crosses it slanting and dashed, never along a row
            path = Curve(
                [start, (start[0] + bend, ya), (end[0] - bend, yb), end],
                [Curve.MOVETO, Curve.CURVE4, Curve.CURVE4, Curve.CURVE4],
            )
            if column_of[b] - column_of[a] > 1:
                dashes, alpha = (0, (4, 3)), alpha * 0.8
            leaving.add(a)
        ax.add_patch(PathPatch(path, fc="none", ec=colour, lw=0.8, alpha=alpha, ls=dashes, zorder=1))
    for node in leaving:  # a dotted leader from the row's label to where its links leave
        i = column_of[node]
        x, y = rows[node]
        column = chain.columns[i]
        count = _reports(column, node)
        tail = x - MARKER_X + TEXT_X + measure.width(texts[i][node], LABEL_PT) + 6
        tail += _badge_width(measure, count) if count else 0.0
        if tail < lay.right[i]:
            ax.plot([tail, lay.right[i]], [y, y], ls=":", lw=0.8, color=LINK, alpha=0.6, zorder=1)


def _badge(ax: Any, x: float, y: float, count: int) -> None:
    ax.text(
        x,
        y,
        str(count),
        fontsize=BADGE_PT,
        color="white",
        va="center",
        ha="left",
        bbox={"boxstyle": "round,pad=0.25", "fc": BADGE, "ec": "none"},
        zorder=5,
    )


def _legend(roles_drawn: set[str], kinds_drawn: set[str], chain: Chain, cjk: bool) -> Sequence[Line2D]:
    def dot(label: str, marker: str, face: str, size: float = 8) -> Line2D:
        return Line2D([], [], marker=marker, linestyle="", markersize=size, markerfacecolor=face,
                      markeredgecolor="#333333", label=label)  # fmt: skip

    handles = [dot(_names(r.zh, r.en, cjk), "o", r.colour) for r in (*ROLES, OTHER) if r.key in roles_drawn]
    handles += [dot(kind, SHAPES.get(kind, OTHER_SHAPE), "white") for kind in sorted(kinds_drawn)]
    if chain.reports:
        handles.append(dot(_names("报案数", "victim reports naming it", cjk), "s", BADGE, 7))
    handles.append(Line2D([], [], color=MONEY, lw=1.2, label=_names("转账", "transfer", cjk)))
    handles.append(Line2D([], [], color=LINK, lw=1.2, label=_names("关联", "holds, seen in, used from, bound to", cjk)))
    return handles
