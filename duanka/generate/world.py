"""The scenario being built: tables as they will be written, truth, and shared facts."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from duanka.choices import Difficulty
from duanka.generate.alloc import Allocator

COLUMNS: dict[str, tuple[str, ...]] = {
    "persons": ("person_id", "id_number", "name", "birth_date", "region_code"),
    "sims": (
        "msisdn",
        "holder_person_id",
        "carrier",
        "is_virtual",
        "iccid",
        "imsi",
        "activated_at",
        "outlet_id",
        "status",
    ),
    "bank_accounts": (
        "account_id",
        "account_kind",
        "bank",
        "holder_person_id",
        "opened_at",
        "branch_id",
        "bound_msisdn",
        "status",
    ),
    "devices": ("device_id", "device_kind", "model"),
    "sim_device_links": ("msisdn", "device_id", "first_seen", "last_seen", "days_seen"),
    "account_device_links": ("account_id", "device_id", "first_seen", "last_seen"),
    "transfers": ("transfer_id", "from_account", "to_account", "amount", "ts"),
    "calls": ("caller_msisdn", "callee_msisdn", "kind", "count", "total_duration_s", "first_ts", "last_ts"),
    "outlets": ("outlet_id", "outlet_kind", "name", "region_code"),
    "enterprises": ("enterprise_id", "credit_code", "name", "legal_person_id", "registered_at", "region_code"),
    "sms_ports": ("port_code", "enterprise_id", "agent_id", "opened_at", "status"),
    "number_bindings": ("middle_number", "real_msisdn", "other_msisdn", "enterprise_id", "bound_at", "unbound_at"),
    "reports": ("report_id", "reported_at", "fraud_type", "msisdn", "account_id", "amount_lost", "region_code"),
}

RESOURCES = ("enterprises", "sms_ports", "number_bindings")  # written only when a world holds them


@dataclass
class World:
    """Accumulates rows per table; values are kept raw (ints, seconds) until written."""

    rng: np.random.Generator
    difficulty: Difficulty = Difficulty.EASY
    alloc: Allocator = field(init=False)
    parts: dict[str, list[pd.DataFrame]] = field(default_factory=lambda: {k: [] for k in COLUMNS})
    truth: list[pd.DataFrame] = field(default_factory=list)
    negatives: list[pd.DataFrame] = field(default_factory=list)
    n_persons: int = 0
    counters: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.alloc = Allocator(self.rng)

    @property
    def hard(self) -> bool:
        """Camouflaged rings and innocent look-alikes (hard and adversarial worlds)."""
        return self.difficulty != Difficulty.EASY

    @property
    def adversarial(self) -> bool:
        """Rings that avoid the strongest single signal on purpose."""
        return self.difficulty == Difficulty.ADVERSARIAL

    def add(self, table: str, **columns: object) -> None:
        """Queue rows for a source table."""
        frame = pd.DataFrame(columns)
        unknown = set(frame.columns) - set(COLUMNS[table])
        if unknown:
            raise ValueError(f"{table} has no columns {unknown}")
        self.parts[table].append(frame)

    def new_persons(self, n: int) -> np.ndarray:
        """Indices of `n` new persons (their rows are added by the caller)."""
        start = self.n_persons
        self.n_persons += n
        return np.arange(start, start + n)

    def serials(self, prefix: str, n: int, width: int = 10) -> np.ndarray:
        """`n` fresh ids such as T0000000042, numbered per prefix."""
        start = self.counters.get(prefix, 0)
        self.counters[prefix] = start + n
        return pd.Series(np.arange(start, start + n)).astype(str).str.zfill(width).radd(prefix).to_numpy(dtype=object)

    def mark(self, entity_type: str, ids: object, role: str, ring_id: str) -> None:
        """Record planted entities in truth.csv."""
        ids = np.asarray(ids, dtype=object)
        self.truth.append(
            pd.DataFrame({"entity_type": entity_type, "entity_id": ids, "role": role, "ring_id": ring_id})
        )

    def negative(self, entity_type: str, ids: object, typology: str) -> None:
        """Record hard negatives (innocent look-alikes) in hard_negatives.csv."""
        ids = np.asarray(ids, dtype=object)
        self.negatives.append(pd.DataFrame({"entity_type": entity_type, "entity_id": ids, "typology": typology}))


def person_ids(idx: np.ndarray) -> np.ndarray:
    """Person ids P00000001… for population indices."""
    return pd.Series(idx).astype(str).str.zfill(8).radd("P").to_numpy(dtype=object)


def zipf_weights(n: int, s: float = 0.9) -> np.ndarray:
    """Zipf-like popularity weights summing to 1 (a few busy outlets, many quiet ones)."""
    w = 1.0 / np.arange(1, n + 1) ** s
    return w / w.sum()
