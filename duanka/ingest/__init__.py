"""Ingest: read a source extract, validate and normalise it, quarantine what breaks the contract, load the rest."""
