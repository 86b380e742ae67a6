"""Outcomes case teams send back: a spreadsheet of decisions, recorded in one command (`duanka decide --file`)."""
