"""The investigator's library: the saved queries `duanka query`, the Browser guide and the README offer.

They are the top-level queries/*.cypher and they only read: `duanka query` runs them in read
transactions, so the server refuses any write. The subfolders of queries/ hold what the pipeline runs
(some of it writes) and are not offered; what writes has its own audited command (`duanka decide`,
`duanka neo4j empty`).
"""

from __future__ import annotations

from duanka.errors import DuankaError
from duanka.settings import project_root

# In the guide's order: triage first, then the ways into one lead.
LIBRARY = (
    "latest_clusters",
    "cluster",
    "latest_leads",
    "shared_device",
    "identity",
    "money_path",
    "behind_port",
    "behind_middle_number",
    "reseller",
    "neighbourhood",
    "new_or_grown",
)
WRITES = "decisions with `duanka decide`, emptying the database with `duanka neo4j empty`"
BEGIN, END = "<!-- library:begin -->", "<!-- library:end -->"


def saved(name: str) -> str:
    """The text of a saved query of the library; any other name is refused, naming the library."""
    if name not in LIBRARY:
        raise DuankaError(
            f"{name!r} is not a saved query: `duanka query` runs the investigator's library only, and only "
            f"reads ({', '.join(LIBRARY)}). What writes has its own command: {WRITES}."
        )
    return (project_root() / "queries" / f"{name}.cypher").read_text(encoding="utf-8")


def parts(name: str) -> tuple[str, str]:
    """A saved query's description (its comment, less the parameter line) and its Cypher."""
    lines = saved(name).splitlines()
    comment = [line[2:].strip() for line in lines if line.startswith("//")]
    cypher = "\n".join(line for line in lines if not line.startswith("//")).strip()
    about = " ".join(c for c in comment if not c.startswith(("Parameters", ":param")))
    return about, cypher


def markdown() -> str:
    """The README's list of the library: each query's name and its description's first sentence."""
    lines = []
    for name in LIBRARY:
        about = parts(name)[0]
        first = about.split(". ", 1)[0].rstrip(".")
        lines.append(f"* `{name}` — {first}.")
    return "\n".join(lines) + "\n"


def with_library(page: str) -> str:
    """README.md with the generated list between its markers."""
    head, rest = page.split(BEGIN, 1)
    return f"{head}{BEGIN}\n{markdown()}{END}{rest.split(END, 1)[1]}"
