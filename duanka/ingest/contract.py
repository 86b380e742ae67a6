"""The input contract (shared/spec/input-contract.md) as data: files, columns, kinds, keys, references."""

from __future__ import annotations

from dataclasses import dataclass

STATUS_SIM = ("active", "suspended", "cancelled")
STATUS_ACCOUNT = ("active", "frozen", "closed")
FRAUD_TYPES = (
    "order_brushing",
    "fake_investment",
    "fake_shopping",
    "fake_ecommerce_support",
    "fake_credit",
    "fake_loan",
    "impersonate_official",
    "impersonate_acquaintance",
    "game_trading",
    "romance",
    "other",
)


# Kinds a spreadsheet may have turned into a float: `13800138000.0`, `1.38001E+10`.
NUMBER_KINDS = frozenset(
    {
        "msisdn",
        "credit_code",
        "device_id",
        "account_id",
        "imsi",
        "id_number",
        "region",
        "count",
        "nonneg_int",
        "amount",
        "money",
    }
)
WHOLE_KINDS = NUMBER_KINDS - {"amount", "money"}  # whole numbers and digit identifiers: `.0` is noise


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = "text"  # see duanka.ingest.validate.CHECKS
    required: bool = False
    values: tuple[str, ...] = ()  # allowed values of an enum
    default: str | None = None  # what an empty value means, where the contract says
    numbers: tuple[str, ...] = ("mobile",)  # a number column's valid forms: mobile, service, port (identifiers.py)

    @property
    def numeric(self) -> bool:
        """A number or an identifier that is often all digits (ids, ICCIDs): a spreadsheet may have mangled it."""
        return self.kind in NUMBER_KINDS or self.name.endswith("_id") or self.name == "iccid"

    @property
    def whole(self) -> bool:
        """Written as a float by a spreadsheet (`13800138000.0`), it is read as the whole number."""
        return self.numeric and self.kind not in ("amount", "money")


@dataclass(frozen=True)
class FileSpec:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()  # unique within one extract; () = repeated rows merge
    refs: tuple[tuple[str, str], ...] = ()  # (column, parent file) that must resolve

    @property
    def required_columns(self) -> list[str]:
        """Columns a file's header must have."""
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> Column:
        """The declared column called `name`."""
        return next(c for c in self.columns if c.name == name)


# Where the contract allows more than mobile numbers: a service number (95/96/400) and an SMS port code.
SEEN_NUMBER = ("mobile", "service", "port")  # the number another party saw: calls, call records, reports
MIDDLE_NUMBER = ("mobile", "service")  # a privacy middle number


def number(name: str, forms: tuple[str, ...] = ("mobile",), required: bool = False) -> Column:
    """A number column whose valid forms are `forms`."""
    return Column(name, "msisdn", required=required, numbers=forms)


def enum(name: str, values: tuple[str, ...], default: str | None = None) -> Column:
    """A column holding one of `values` (case-insensitive), `default` when empty."""
    return Column(name, "enum", values=values, default=default)


FILES: tuple[FileSpec, ...] = (
    FileSpec(
        "persons",
        (
            Column("person_id", required=True),
            Column("id_number", "id_number"),
            Column("name"),
            Column("birth_date", "date"),
            Column("region_code", "region"),
        ),
        key=("person_id",),
    ),
    FileSpec(
        "outlets",
        (
            Column("outlet_id", required=True),
            enum("outlet_kind", ("sim_outlet", "bank_branch")),
            Column("name"),
            Column("region_code", "region"),
        ),
        key=("outlet_id",),
    ),
    FileSpec(
        "devices",
        (
            Column("device_id", "device_id", required=True),
            enum("device_kind", ("phone", "sim_box", "modem", "unknown")),
            Column("model"),
        ),
        key=("device_id",),
    ),
    FileSpec(
        "enterprises",
        (
            Column("enterprise_id", required=True),
            Column("credit_code", "credit_code"),
            Column("name"),
            Column("legal_person_id"),
            Column("registered_at", "timestamp"),
            Column("region_code", "region"),
        ),
        key=("enterprise_id",),
        refs=(("legal_person_id", "persons"),),
    ),
    FileSpec(
        "sims",
        (
            Column("msisdn", "msisdn", required=True),
            Column("holder_person_id"),
            Column("carrier"),
            Column("is_virtual", "bool"),
            Column("iccid"),
            Column("imsi", "imsi"),
            Column("activated_at", "timestamp"),
            Column("outlet_id"),
            enum("status", STATUS_SIM),
        ),
        key=("msisdn",),
        refs=(("holder_person_id", "persons"),),
    ),
    FileSpec(
        "bank_accounts",
        (
            Column("account_id", "account_id", required=True),
            enum("account_kind", ("debit_card", "credit_card", "corporate", "wallet")),
            Column("bank"),
            Column("holder_person_id"),
            Column("opened_at", "timestamp"),
            Column("branch_id"),
            Column("bound_msisdn", "msisdn"),
            enum("status", STATUS_ACCOUNT),
        ),
        key=("account_id",),
        refs=(("holder_person_id", "persons"),),
    ),
    FileSpec(
        "sms_ports",
        (
            number("port_code", ("port",), required=True),
            Column("enterprise_id"),
            Column("agent_id"),
            Column("opened_at", "timestamp"),
            enum("status", STATUS_SIM),
        ),
        key=("port_code",),
    ),
    FileSpec(
        "number_bindings",
        (
            number("middle_number", MIDDLE_NUMBER, required=True),
            number("real_msisdn", required=True),
            number("other_msisdn"),
            Column("enterprise_id"),
            Column("bound_at", "timestamp"),
            Column("unbound_at", "timestamp"),
        ),
    ),
    FileSpec(
        "sim_device_links",
        (
            Column("msisdn", "msisdn", required=True),
            Column("device_id", "device_id", required=True),
            Column("first_seen", "timestamp"),
            Column("last_seen", "timestamp"),
            Column("days_seen", "count"),
        ),
        refs=(("msisdn", "sims"),),
    ),
    FileSpec(
        "account_device_links",
        (
            Column("account_id", "account_id", required=True),
            Column("device_id", "device_id", required=True),
            Column("first_seen", "timestamp"),
            Column("last_seen", "timestamp"),
        ),
        refs=(("account_id", "bank_accounts"),),
    ),
    FileSpec(
        "transfers",
        (
            Column("transfer_id"),
            Column("from_account", "account_id", required=True),
            Column("to_account", "account_id", required=True),
            Column("amount", "amount", required=True),
            Column("ts", "timestamp", required=True),
        ),
        key=("transfer_id",),
    ),
    FileSpec(
        "calls",
        (
            number("caller_msisdn", SEEN_NUMBER, required=True),
            number("callee_msisdn", SEEN_NUMBER, required=True),
            enum("kind", ("voice", "sms"), default="voice"),
            Column("count", "count", default="1"),
            Column("total_duration_s", "nonneg_int"),
            Column("first_ts", "timestamp"),
            Column("last_ts", "timestamp"),
        ),
        key=("caller_msisdn", "callee_msisdn", "kind"),
    ),
    # Raw call detail records: aggregated per (caller, callee, kind) into what `calls` gives (callrecords.py).
    FileSpec(
        "call_records",
        (
            number("caller_msisdn", SEEN_NUMBER, required=True),
            number("callee_msisdn", SEEN_NUMBER, required=True),
            enum("kind", ("voice", "sms"), default="voice"),
            Column("start_ts", "timestamp", required=True),
            Column("duration_s", "nonneg_int"),
        ),
    ),
    FileSpec(
        "reports",
        (
            Column("report_id", required=True),
            Column("reported_at", "timestamp"),
            enum("fraud_type", FRAUD_TYPES),
            number("msisdn", SEEN_NUMBER),
            Column("account_id", "account_id"),
            Column("amount_lost", "money"),
            Column("region_code", "region"),
        ),
        key=("report_id",),
    ),
)

SPECS: dict[str, FileSpec] = {f.name: f for f in FILES}
# A first extract holds persons and at least one of these; an increment onto a graph that holds them, any subset.
FIRST_EXTRACT = ("persons", ("sims", "bank_accounts"))


def first_extract_gap(files: set[str]) -> str | None:
    """What a first extract lacks, in words; None when it has enough."""
    holders, cards = FIRST_EXTRACT
    lacking = ([holders] if holders not in files else []) + ([" or ".join(cards)] if not set(cards) & files else [])
    return " and ".join(lacking) or None


# Seen-window pairs that must be in order, per file.
WINDOWS: dict[str, tuple[str, str]] = {
    "sim_device_links": ("first_seen", "last_seen"),
    "account_device_links": ("first_seen", "last_seen"),
    "calls": ("first_ts", "last_ts"),
    "number_bindings": ("bound_at", "unbound_at"),
}
