"""Detection: communities in the projected graph, explainable signals, roles and scores."""
