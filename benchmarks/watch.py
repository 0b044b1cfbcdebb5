"""The watch re-check latency: from a saved file to the screen updated (filled in by the watch mode)."""

from __future__ import annotations


def recheck(saves: int) -> dict:
    try:
        from grader.watch import bench
    except ImportError:
        return {"watch_recheck_ms": "watch mode not installed"}
    return {"watch_recheck_ms": bench.median_recheck_ms(saves)}
