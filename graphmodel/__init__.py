"""The graph schema, declared once; constraints, loaders and docs derive from it."""

from graphmodel.schema import NODES, RELATIONSHIPS, NodeSchema, Prop, RelSchema, node, relationship

__all__ = ["NODES", "RELATIONSHIPS", "NodeSchema", "Prop", "RelSchema", "node", "relationship"]
