"""Neo4j Browser for investigators: a guide of the saved queries and a style that colours suspected roles.

Both are generated — the guide from the investigator's library (duanka/library.py:
read queries only; decisions are recorded with `duanka decide`, which audits
them), the style from the schema and the report's role colours — and served by
the project's own Neo4j at /browser/duanka/, by adding them to the Browser's
jar. The server runs them after login (browser.post_connect_cmd), so an
investigator lands in the guide.
"""

from __future__ import annotations

import hashlib
import html
import zipfile
from pathlib import Path

from duanka.library import LIBRARY, parts
from duanka.lock import folder_lock
from graphmodel.docs import LABEL_COLOURS
from graphmodel.roles import CONFIRMED, DECISIONS, ROLES, SUSPECT
from graphmodel.schema import NODES

PREFIX = "browser/duanka/"
# One click fills a parameter with the latest run's strongest example, so every query runs as is.
LATEST = (
    "MATCH (r:Run {kind: 'detect', status: 'completed'}) WITH r ORDER BY r.finished_at DESC LIMIT 1 "
    "MATCH (n)-[f:FLAGGED_IN]->(r) WHERE WHERE_ RETURN VALUE_ ORDER BY f.rank LIMIT 1"
)


def _latest(label: str, key: str) -> str:
    return "head(COLLECT { " + LATEST.replace("WHERE_", f"n:{label}").replace("VALUE_", f"n.{key}") + " })"


EXAMPLES = {
    "cluster_id": "head(COLLECT { MATCH (r:Run {kind: 'detect', status: 'completed'}) WITH r ORDER BY r.finished_at DESC "
    "LIMIT 1 MATCH (c:Cluster)-[f:FOUND_IN]->(r) RETURN c.cluster_id ORDER BY f.rank LIMIT 1 })",
    "msisdn": _latest("Sim", "msisdn"),
    "person": _latest("Person", "person_id"),
    "account_id": _latest("Account", "account_id"),
    "port_code": _latest("Port", "port_code"),
    "middle_number": _latest("MiddleNumber", "middle_number"),
    "enterprise_id": "head(COLLECT { MATCH (p:Port)-[:RESOLD_BY]->(e:Enterprise) "
    "RETURN e.enterprise_id ORDER BY COUNT { (p)<-[:REPORTS_PORT]-() } DESC LIMIT 1 })",
    "limit": "100",
    "hours": "72",
}


def _parts(name: str) -> tuple[str, list[str], str]:
    """A saved query's description, its parameters, and its Cypher."""
    about, cypher = parts(name)
    return about, [p for p in EXAMPLES if f"${p}" in cypher], cypher


def _decide() -> str:
    """The guide's last slide: decisions are not taken in the Browser but with `duanka decide`, which
    records them with an audit entry."""
    command = (
        f'duanka decide sim:13800138000 --status {"|".join(DECISIONS)} --by "your name" --note "why: what you checked"'
    )
    return f"""<slide class="row-fluid"><div class="col-sm-12">
<h3>decide</h3>
<p>This guide only reads. Record what you found on a lead with <code>duanka decide</code>, which writes the
decision (who, when, the written grounds, the run and score it refers to) and an entry in the audit log:</p>
<pre>{html.escape(command)}</pre>
<p>The entity is <code>type:id</code>, a bare id, or a lead's <code>lead_ref</code>. Only a decision makes anything
<b>confirmed</b> (docs/casework.md).</p></div></slide>"""


def _runnable(code: str) -> str:
    return f'<pre mode="cypher" class="pre-scrollable code runnable">{html.escape(code)}</pre>'


def guide_html() -> str:
    """The Neo4j Browser guide: the investigators' saved queries as runnable slides, then how to decide."""
    slides = [
        """<slide class="row-fluid"><div class="col-sm-12">
<h3>duanka 断卡 — investigator's guide</h3>
<p class="lead">Saved queries, one click each: click a grey box to put it in the editor, then run it (▶ or Ctrl+Enter).</p>
<p>Every score is a <b>suspicion</b> from a model, never a determination. Node colours: red shades are suspected
号商/卡头/卡农, purple a suspected 猫池 device, blue a suspected 涉诈号码, green a suspected 跑分 account, brown a
suspected 空壳企业, light blue a suspected 涉诈短信端口, teal a suspected 涉诈中间号; a black
ring means an investigator <b>confirmed</b> it. Queries with parameters come with a <code>:param</code> box that
fills in the latest run's strongest example; change the value to look at another.</p></div></slide>"""
    ]
    for name in LIBRARY:
        about, params, cypher = _parts(name)
        setters = "".join(_runnable(f":param {p} => {EXAMPLES[p]}") for p in params if p not in ("limit", "hours"))
        setters += "".join(_runnable(f":param {p} => {EXAMPLES[p]}") for p in params if p in ("limit", "hours"))
        slides.append(f"""<slide class="row-fluid"><div class="col-sm-12">
<h3>{html.escape(name.split("/")[-1].replace("_", " "))}</h3><p>{html.escape(about)}</p>
{setters}{_runnable(cypher)}
<p><small>queries/{html.escape(name)}.cypher — also <code>duanka query {html.escape(name)}</code></small></p>
</div></slide>""")
    slides.append(_decide())
    return (
        '<article class="guide"><carousel class="deck container-fluid">\n'
        + "\n".join(slides)
        + "\n</carousel></article>\n"
    )


def grass() -> str:
    """Graph style: a colour and caption per label; suspected roles override; confirmed gets a black ring."""
    rules = [
        "node {\n  diameter: 40px;\n  color: #A5ABB6;\n  border-color: #9AA1AC;\n  border-width: 2px;\n"
        "  text-color-internal: #FFFFFF;\n  font-size: 9px;\n}",
        "relationship {\n  color: #A5ABB6;\n  shaft-width: 1px;\n  font-size: 8px;\n  padding: 3px;\n"
        "  text-color-external: #000000;\n  text-color-internal: #FFFFFF;\n  caption: '<type>';\n}",
    ]
    for n in NODES:
        colour = LABEL_COLOURS.get(n.label, "#A5ABB6")
        rules.append(f"node.{n.label} {{\n  color: {colour};\n  border-color: {colour};\n  caption: '{{{n.key}}}';\n}}")
    rules.append(f"node.{SUSPECT} {{\n  border-color: #B2182B;\n  border-width: 3px;\n}}")
    rules.extend(
        f"node.{role.label} {{\n  color: {role.colour};\n  diameter: 55px;\n}}"
        for role in ROLES
        if role.label != SUSPECT
    )
    rules.append(f"node.{CONFIRMED} {{\n  border-color: #000000;\n  border-width: 6px;\n}}")
    return "\n".join(rules) + "\n"


def assets() -> dict[str, bytes]:
    """Files the Browser guide is served with, by name."""
    return {PREFIX + "guide.html": guide_html().encode("utf-8"), PREFIX + "duanka.grass": grass().encode("utf-8")}


def bundle(lib: Path) -> bool:
    """Put the guide and style into the Browser jar the server serves; rewrite only when they changed.

    Under the lib's lock: servers sharing one lib/ may start at once (the test workers do)."""
    with folder_lock(lib):
        return _bundle(lib)


def _bundle(lib: Path) -> bool:
    jars = sorted(lib.glob("neo4j-browser-*.jar"))
    if not jars:
        return False
    jar = jars[-1]
    files = assets()
    digest = hashlib.sha256(b"".join(k.encode() + v for k, v in sorted(files.items()))).hexdigest()
    with zipfile.ZipFile(jar) as current:
        names = set(current.namelist())
        if PREFIX + "digest" in names and current.read(PREFIX + "digest").decode() == digest:
            return False
        staged = jar.with_suffix(".jar.partial")
        with zipfile.ZipFile(staged, "w", zipfile.ZIP_DEFLATED) as out:
            for item in current.infolist():
                if not item.filename.startswith(PREFIX):
                    out.writestr(item, current.read(item.filename))
            for name, data in {**files, PREFIX + "digest": digest.encode()}.items():
                out.writestr(name, data)
    staged.replace(jar)
    return True


def post_connect(http_base: str) -> str:
    """What Browser runs after login: our style, then our guide."""
    return f"style {http_base}/browser/duanka/duanka.grass; play {http_base}/browser/duanka/guide.html"
