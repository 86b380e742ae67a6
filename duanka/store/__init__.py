"""The analysis store: every load's rows as Parquet beside the graph, for detection to read without Neo4j."""
