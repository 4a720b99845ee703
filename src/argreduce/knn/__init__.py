"""``nearest``: the k closest points to each query, exactly (SEMANTICS.md section 13)."""

from .api import NearestResult, nearest

__all__ = ["NearestResult", "nearest"]
