"""Which graph elements each source file writes. Properties follow by name from graphmodel."""

from __future__ import annotations

from dataclasses import dataclass

from graphmodel.schema import NodeSchema, RelSchema, node, relationship


@dataclass(frozen=True)
class NodeWrite:
    node: NodeSchema
    key: str  # the column holding the node's key


@dataclass(frozen=True)
class RelWrite:
    rel: RelSchema
    start: str  # column holding the start node's key
    end: str

    @property
    def identity(self) -> list[str]:
        """The columns that name one relationship: its ends, and its key where the type has one."""
        return [self.start, self.end] + ([self.rel.key] if self.rel.key else [])


Write = NodeWrite | RelWrite

WRITES: dict[str, tuple[Write, ...]] = {
    "persons": (NodeWrite(node("Person"), "person_id"),),
    "outlets": (NodeWrite(node("Outlet"), "outlet_id"),),
    "devices": (NodeWrite(node("Device"), "device_id"),),
    "enterprises": (
        NodeWrite(node("Enterprise"), "enterprise_id"),
        RelWrite(relationship("LEGAL_PERSON_OF"), "legal_person_id", "enterprise_id"),
    ),
    "sms_ports": (
        NodeWrite(node("Port"), "port_code"),
        RelWrite(relationship("LEASED_BY"), "port_code", "enterprise_id"),
        RelWrite(relationship("RESOLD_BY"), "port_code", "agent_id"),
    ),
    # Columns a file does not have are derived on the way in (duanka/ingest/routes.py).
    "number_bindings": (
        RelWrite(relationship("BINDS"), "middle_number", "real_msisdn"),
        RelWrite(relationship("HELD_BY"), "middle_number", "enterprise_id"),
        RelWrite(relationship("DIALS_AS"), "middle_number", "middle_msisdn"),
    ),
    "sims": (
        NodeWrite(node("Sim"), "msisdn"),
        RelWrite(relationship("HOLDS_SIM"), "holder_person_id", "msisdn"),
        RelWrite(relationship("ACTIVATED_AT"), "msisdn", "outlet_id"),
    ),
    "bank_accounts": (
        NodeWrite(node("Account"), "account_id"),
        RelWrite(relationship("HOLDS_ACCOUNT"), "holder_person_id", "account_id"),
        RelWrite(relationship("OPENED_AT"), "account_id", "branch_id"),
        RelWrite(relationship("BOUND_TO"), "account_id", "bound_msisdn"),
    ),
    "sim_device_links": (RelWrite(relationship("SEEN_IN"), "msisdn", "device_id"),),
    "account_device_links": (RelWrite(relationship("USED_FROM"), "account_id", "device_id"),),
    "transfers": (RelWrite(relationship("TRANSFER"), "from_account", "to_account"),),
    "call_records": (  # once summed per pair
        RelWrite(relationship("CALLED"), "caller_msisdn", "callee_msisdn"),
        RelWrite(relationship("SENT_TO"), "port_code", "callee_msisdn"),
    ),
    "calls": (
        RelWrite(relationship("CALLED"), "caller_msisdn", "callee_msisdn"),
        RelWrite(relationship("SENT_TO"), "port_code", "callee_msisdn"),
    ),
    "reports": (
        NodeWrite(node("Report"), "report_id"),
        RelWrite(relationship("REPORTS_SIM"), "report_id", "msisdn"),
        RelWrite(relationship("REPORTS_ACCOUNT"), "report_id", "account_id"),
        RelWrite(relationship("REPORTS_PORT"), "report_id", "port_code"),
    ),
}
