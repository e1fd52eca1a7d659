"""ModelSpec + data → X, random-effects terms, Z, predictor levels."""
from mixeq.design.types import Design, GroupingFactor, PredictorLevel, ReTerm

__all__ = ["Design", "GroupingFactor", "PredictorLevel", "ReTerm"]
