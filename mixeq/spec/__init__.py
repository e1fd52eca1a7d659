"""Formula → data-free ModelSpec."""
from mixeq.spec.parser import parse
from mixeq.spec.types import ModelSpec, RandomTerm

__all__ = ["ModelSpec", "RandomTerm", "parse"]
