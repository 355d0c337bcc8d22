"""The demo world: extract files generated from a seed, imported like real extracts."""

from pilot.demo.generate import SIZES, generate

__all__ = ["SIZES", "generate"]
