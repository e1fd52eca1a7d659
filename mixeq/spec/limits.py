"""Size limits on formulas: beyond them mixeq refuses with a clear error instead of
spending minutes (or gigabytes) on an input no model needs.

Every check against these limits runs on the text before anything expensive:
the length first, then the bracket depth while tokenizing, then a bound on the
number of terms the operators expand to (``(x0 + … + x15)^16`` would be 65,535
terms; the bound is computed without expanding anything).
"""
from __future__ import annotations

MAX_FORMULA_LENGTH = 100_000  # characters; 2,000 terms of 50 characters fit
MAX_DEPTH = 100               # nested brackets; R's own parser gives up at a few thousand
MAX_TERMS = 2_000             # model terms after expanding *, ^, / (lme4 users rarely pass 200)
MAX_ORDER = 10                # variables in one interaction term
