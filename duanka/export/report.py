"""The run report: one self-contained HTML page (opens offline) and a PNG per drawn cluster."""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from duanka import queries
from duanka.detect.evidence import describe
from duanka.draw import draw_subgraph, reading_guide
from duanka.entity_keys import entity_key
from duanka.export.mask import Known, mask_id, mask_text
from graphmodel.roles import ROLES, UNKNOWN, role

STYLE = """
body{font-family:"Noto Sans CJK SC","WenQuanYi Micro Hei","Microsoft YaHei",system-ui,sans-serif;margin:2em auto;
max-width:1200px;color:#222;padding:0 1em}
h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:2px solid #ccd;padding-bottom:.2em;margin-top:2em}
.notice{background:#fff4e5;border-left:4px solid #f0a030;padding:.6em 1em;margin:1em 0}
table{border-collapse:collapse;margin:.6em 0;font-size:.9em}td,th{border:1px solid #ccd;padding:.25em .6em;
text-align:left;vertical-align:top}th{background:#eef1f6}.num{text-align:right}
.cluster{margin:2em 0}.cluster img{max-width:100%;border:1px solid #ddd}
.role{display:inline-block;width:.8em;height:.8em;border-radius:50%;margin-right:.3em;vertical-align:middle}
.meta{color:#666;font-size:.9em}
"""


@dataclass
class ClusterGraphs:
    nodes: pd.DataFrame  # cluster_id, kind, id, role, score, reasons
    links: pd.DataFrame  # cluster_id, a_kind, a, rel, b_kind, b, first, last, days_seen, amount
    reports: pd.DataFrame  # cluster_id, report_id, reported_at, fraud_type, amount_lost, region_code, names_kind, names

    @classmethod
    def read(cls, sess: Any, cluster_ids: list[str]) -> ClusterGraphs:
        """Members, links and reports of the given clusters, read once for all drawings."""
        return cls(
            *(
                queries.frame(sess, f"export/{name}", cluster_ids=cluster_ids)
                for name in ("cluster_nodes", "cluster_links", "cluster_reports")
            )
        )

    def graph(self, cluster_id: str, masked: bool) -> nx.Graph:
        """One cluster as a networkx graph for drawing, identifiers masked unless told otherwise."""

        def show(value: str, kind: str) -> str:
            return mask_id(value, kind) if masked else str(value)

        g = nx.Graph()
        for r in self.nodes[self.nodes["cluster_id"] == cluster_id].itertuples():
            score = None if pd.isna(r.score) else float(r.score)
            key = entity_key(r.kind, r.id)
            g.add_node(key, kind=r.kind, role=r.role or UNKNOWN.key, label=show(r.id, r.kind), score=score)
        for r in self.links[self.links["cluster_id"] == cluster_id].itertuples():
            g.add_edge(entity_key(r.a_kind, r.a), entity_key(r.b_kind, r.b), label=r.rel)
        for r in self.reports[self.reports["cluster_id"] == cluster_id].itertuples():
            report = entity_key("report", r.report_id)
            g.add_node(report, kind="report", role="benign", label="")  # drawn as a count, never named
            g.add_edge(report, entity_key(r.names_kind, r.names), label="REPORTS")
        return g


def _figure(value: float) -> str:
    """Amounts in whole yuan with separators (12,710, never 1.271e+04); scores and small figures to 4 digits."""
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"


def _table(frame: pd.DataFrame, columns: dict[str, str]) -> str:
    head = "".join(f"<th>{html.escape(label)}</th>" for label in columns.values())
    body = []
    for row in frame[list(columns)].itertuples(index=False):
        cells = []
        for value in row:
            number = isinstance(value, (int, float)) and not isinstance(value, bool)
            text = (
                ""
                if value is None or (isinstance(value, float) and pd.isna(value))
                else (_figure(value) if isinstance(value, float) else str(value))
            )
            cells.append(f"<td class=num>{html.escape(text)}</td>" if number else f"<td>{html.escape(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def write(
    out: Path,
    run: dict[str, Any],
    clusters: pd.DataFrame,
    graphs: ClusterGraphs,
    masked: bool,
    figures: dict[str, int],
    sources: list[dict[str, Any]],
    evidence: dict[str, int] | None = None,
    known: Known | None = None,
    note: tuple[str, str] | None = None,
) -> list[Path]:
    """Draw each cluster, then the page that embeds the drawings (so the HTML needs no other file)."""
    (out / "clusters").mkdir(exist_ok=True)
    written: list[Path] = []
    sections = []
    for c in clusters.itertuples():
        png = out / "clusters" / f"{c.rank:03d}-{c.cluster_id}.png"
        draw_subgraph(
            graphs.graph(c.cluster_id, masked),
            png,
            f"#{c.rank} {c.cluster_id}  score {c.score:.2f}  (suspicion, not a determination)",
        )
        written.append(png)
        sections.append(_cluster_section(c, png, graphs, masked, known))
    rows = [f for s in sources[:1] for f in s["files"]]
    read_table = (
        _table(
            pd.DataFrame(rows),
            {
                "path": "file 文件",
                "rows_read": "read 读取",
                "rows_loaded": "loaded 入库",
                "rows_quarantined": "quarantined 隔离",
            },
        )
        if rows
        else ""
    )
    legend = "".join(f'<span class=role style="background:{r.colour}"></span>{r.key} {r.zh} &nbsp; ' for r in ROLES)
    page = f"""<!doctype html><html lang="zh"><head><meta charset="utf-8">
<title>duanka 断卡 run report {html.escape(run["run_id"])}</title><style>{STYLE}</style></head><body>
<h1>duanka 断卡 — 线索报告 run report</h1>
<p class=meta>detection run <b>{html.escape(run["run_id"])}</b>, finished {html.escape(str(run.get("finished_at")))},
duanka {html.escape(str(run.get("version")))}, engine {html.escape(str(run.get("engine")))}
(resolution {run.get("resolution")}, seed {run.get("seed")}, lead threshold {run.get("min_score")});
identifiers {"masked 已脱敏" if masked else "<b>UNMASKED 未脱敏</b>"}</p>
<div class=notice>Every score here is a <b>suspicion</b> produced by a model, never a determination.
评分仅为模型给出的可疑线索，不构成认定；认定须由侦查员依法作出并记录依据。</div>
<h2>Figures 概况</h2>
<table><tr><th>graph nodes</th><th>edges</th><th>clusters 团伙</th><th>leads 线索</th></tr>
<tr><td class=num>{run.get("nodes", 0):,}</td><td class=num>{run.get("edges", 0):,}</td>
<td class=num>{figures["clusters"]:,}</td><td class=num>{figures["leads"]:,}</td></tr></table>
{_below_cut(figures)}
{_leads_note(note) if note else ""}
{("<p>Latest extract: " + html.escape(str(sources[0]["source"])) + "</p>" + read_table) if sources else ""}
{_tokens(sources[0].get("tokens") or {}) if sources else ""}
{_evidence(evidence) if evidence else ""}
<h2>Top clusters 重点团伙</h2>
{
        _table(
            clusters,
            {
                "rank": "rank",
                "cluster_id": "cluster",
                "score": "score",
                "persons": "persons",
                "sims": "sims",
                "accounts": "accounts",
                "devices": "devices",
                "reports": "reports",
                "top_reasons": "top reasons",
            },
        )
    }
<p class=meta>{legend}</p>
{"".join(sections)}
</body></html>
"""
    path = out / "report.html"
    path.write_text(page, encoding="utf-8")
    return [path, *written]


def _tokens(columns: dict[str, str]) -> str:
    """The columns the extract held pseudonymised: their ids are tokens, nothing was derived from them."""
    if not columns:
        return ""
    listed = ", ".join(f"{html.escape(c)} ({html.escape(s)})" for c, s in columns.items())
    return (
        f"<p>Read as pseudonymised tokens 假名化字段: {listed}. A token is a key: no carrier, MVNO flag, "
        "region or birth date was derived from it. 令牌仅作标识，未据以推断运营商、虚商、地区或出生日期。</p>"
    )


def _evidence(counts: dict[str, int]) -> str:
    """What the run could see: a signal whose evidence was never loaded is absent, not negative."""
    had_en, absent_en = describe(counts, "en")
    had_zh, absent_zh = describe(counts, "zh")
    return (
        f"<h2>Evidence this run had 本次研判依据</h2><p>Held 已有: {html.escape(had_en)}<br>{html.escape(had_zh)}</p>"
        f"<p>Absent 缺失 (no signal built on these was scored 相关信号未参与评分): {html.escape(absent_en)}<br>"
        f"{html.escape(absent_zh)}</p>"
    )


def _cluster_section(c: Any, png: Path, graphs: ClusterGraphs, masked: bool, known: Known | None) -> str:
    members = graphs.nodes[graphs.nodes["cluster_id"] == c.cluster_id].sort_values("score", ascending=False).head(15)
    members = members.assign(
        id=[mask_id(v, k) if masked else v for v, k in zip(members["id"], members["kind"], strict=False)],
        role=[f"{r} {role(r).zh}" for r in members["role"].fillna(UNKNOWN.key)],
        reasons=[mask_text(r, known) if masked else (r or "") for r in members["reasons"]],
    )
    reports = graphs.reports[graphs.reports["cluster_id"] == c.cluster_id]
    reports = reports.assign(
        names=[mask_id(v, k) if masked else v for v, k in zip(reports["names"], reports["names_kind"], strict=False)]
    )
    image = base64.b64encode(png.read_bytes()).decode("ascii")
    reasons = mask_text(c.top_reasons, known) if masked else c.top_reasons
    return f"""<div class=cluster><h2>#{c.rank} {html.escape(c.cluster_id)} — score {c.score:.2f}</h2>
<p>{html.escape(reasons or "")}</p>
<img alt="cluster {html.escape(c.cluster_id)}" src="data:image/png;base64,{image}">
<p class=meta>{html.escape(reading_guide())}</p>
<h3>Strongest members 主要成员</h3>
{_table(members, {"kind": "type", "id": "id", "role": "role", "score": "score", "reasons": "reasons"})}
<h3>Linked victim reports 关联报案 ({len(reports)})</h3>
{
        _table(
            reports,
            {
                "report_id": "report",
                "reported_at": "reported at",
                "fraud_type": "fraud type",
                "amount_lost": "amount lost (yuan)",
                "names": "names",
            },
        )
        if len(reports)
        else "<p>none</p>"
    }
</div>"""


def _leads_note(note: tuple[str, str]) -> str:
    """Why the run has the leads it has: few or none is said, never left silent."""
    return f"<p class=notice><b>Leads 线索</b>: {html.escape(note[0])}<br>{html.escape(note[1])}</p>"


def _below_cut(figures: dict[str, int]) -> str:
    """What a review budget left out: a case team must know the list was cut, and by how much."""
    if "ranked_listed" in figures:
        return (
            f"<p class=notice>Budget 审查容量 {figures['budget']:,}: {figures['leads']:,} leads at the lead line, then "
            f"the best <b>{figures['ranked_listed']:,} ranked below the lead line</b> (tier <code>ranked</code>: "
            f"evidence too thin for a lead); {figures['ranked_below']:,} more ranked lie below those. "
            f"达线索线{figures['leads']:,}条，另列线索线以下排名前{figures['ranked_listed']:,}个（层级ranked，证据不足以成为线索）。</p>"
        )
    if "leads_below" not in figures:
        return ""
    return (
        f"<p class=notice>Budget 审查容量 {figures['budget']:,}: the best {figures['budget']:,} leads are listed; "
        f"<b>{figures['leads_below']:,} more leads</b> and <b>{figures['clusters_below']:,} more clusters</b> lie below "
        f"the cut. 另有{figures['leads_below']:,}条线索、{figures['clusters_below']:,}个团伙低于截断线，未列出。</p>"
    )
