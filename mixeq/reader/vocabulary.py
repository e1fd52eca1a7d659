"""Word lists the reader needs: LaTeX commands, Greek letters, and which
symbol names play which part in multilevel equations."""
from __future__ import annotations

from mixeq import glyphs as G

# Greek letters and Unicode scripts: the table the writer uses too (mixeq.glyphs).
GREEK = G.LATEX_GREEK
UNICODE_GREEK = G.UNICODE_GREEK
# Unicode sub/superscript characters and what they stand for (ᵀ and ′: a transpose).
SUBSCRIPT_CHARS = G.FROM_SUBSCRIPT
SUPERSCRIPT_CHARS = {**G.FROM_SUPERSCRIPT, "ᵀ": "T", "′": "'"}

# Commands that only change spacing or layout: dropped.
IGNORED_COMMANDS = {
    "quad", "qquad", "displaystyle", "textstyle", "scriptstyle", "nonumber",
    "notag", "limits", "nolimits", "hline", "left", "right", "bigl", "bigr",
    "big", "Big", "bigg", "Bigg", "Bigl", "Bigr", "biggl", "biggr", "middle",
    "enspace", "thinspace", "medspace", "thickspace", "negthinspace", "relax",
}
# Commands with one braced argument that is dropped with them.
IGNORED_WITH_ARGUMENT = {"label", "tag", "hspace", "vspace", "phantom", "hphantom", "vphantom"}
# Commands whose braced argument is a name: \mathrm{Days} is the name Days.
NAME_WRAPPERS = {
    "text", "mathrm", "operatorname", "mathit", "textit", "mathbf", "boldsymbol",
    "bm", "mathsf", "texttt", "textrm", "mathcal", "mathbb", "mathnormal",
    "textbf", "emph", "mbox", "textsf", "mathtt", "pmb", "vec",
}
# Accents over a name: \bar{X} is the cluster mean of X, the others only decorate.
ACCENTS = {"bar": "_bar", "overline": "_bar", "hat": "", "widehat": "", "tilde": "",
           "widetilde": "", "dot": "", "ddot": "", "underline": "", "check": "", "breve": ""}
TIMES_COMMANDS = {"cdot", "times", "ast", "bullet", "cdotp"}
SIM_COMMANDS = {"sim", "thicksim", "backsim"}
DOTS_COMMANDS = {"ldots", "cdots", "dots", "vdots", "ddots", "dotsc", "dotsb"}
BAR_COMMANDS = {"mid", "vert", "lvert", "rvert", "Vert"}
PRIME_COMMANDS = {"prime", "top", "intercal", "mathsf{T}", "T"}
FUNCTION_COMMANDS = {"log", "ln", "exp", "operatorname", "sqrt", "diag", "Var", "Cov", "Pr"}
MATRIX_ENVIRONMENTS = {
    "pmatrix", "bmatrix", "Bmatrix", "vmatrix", "Vmatrix", "matrix",
    "smallmatrix", "array",
}

# Names that act as functions when followed by "(".
DISTRIBUTIONS = {"N", "MVN", "Normal", "normal", "MN", "NID", "Gaussian"}
# Functions of a variable that make one predictor, as the formula writes them (log(w),
# scale(u)): the formula vocabulary's transforms (mixeq.spec.vocabulary), ln as log.
TRANSFORMS = {"log": "log", "ln": "log", "log2": "log2", "log10": "log10", "log1p": "log1p",
              "exp": "exp", "expm1": "expm1", "sqrt": "sqrt", "abs": "abs", "scale": "scale",
              "center": "center"}
# The distribution of y in a GLMM → its family (mixeq.fitting.family's names).
GLM_DISTRIBUTIONS = {"Bernoulli": "binomial", "Bern": "binomial", "Binomial": "binomial",
                     "Bin": "binomial", "Binom": "binomial", "Poisson": "poisson",
                     "Pois": "poisson", "Poi": "poisson"}
# A link g as written before its argument (g(p_ij)) → the link's name; and its inverse
# g⁻¹ (logit⁻¹(η), Φ(η), exp(η)) → the link it inverts.
LINKS = {"logit": "logit", "probit": "probit", "Phi^-1": "probit", "cloglog": "cloglog",
         "log": "log", "ln": "log"}
INVERSE_LINKS = {"logit^-1": "logit", "expit": "logit", "invlogit": "logit",
                 "ilogit": "logit", "Phi": "probit", "probit^-1": "probit",
                 "cloglog^-1": "cloglog", "exp": "log"}
# Names written with ^{-1} before "(" to mean the inverse function.
INVERTIBLE = {"logit", "Phi", "probit", "cloglog"}
FUNCTIONS = (DISTRIBUTIONS | set(TRANSFORMS) | set(GLM_DISTRIBUTIONS) | set(LINKS)
             | set(INVERSE_LINKS) | {"diag", "Diag", "Var", "var", "Cov", "cov", "Pr"})

# Roles of symbol names (after Greek names are spelled out).
COEFFICIENT_NAMES = {"alpha": "alpha", "mu": "mu", "beta": "beta", "b": "beta", "B": "beta",
                     "gamma": "gamma", "g": "gamma",
                     "pi": "pi", "p": "pi", "varpi": "pi", "delta": "delta"}
ERROR_NAMES = {"u": "u", "U": "u", "r": "r", "R": "r", "v": "v", "V": "v", "e": "e",
               "epsilon": "e", "varepsilon": "e", "eps": "e", "zeta": "zeta", "eta": "eta",
               "nu": "nu", "xi": "xi"}
# Plain-text spellings that glue the name to its subscript: b0j, g01, u0j, eij.
GLUED_PREFIXES = ("beta", "gamma", "pi", "eps", "b", "g", "p", "u", "U", "r", "v", "V", "e")
COVARIANCE_NAMES = {"T", "Tau", "Sigma", "G", "Omega", "Psi", "D", "Phi", "tau", "Sigmab"}
VARIANCE_NAMES = {"sigma", "tau", "omega", "psi", "phi", "theta"}
# Names that are symbols of the model, never a variable (their subscripts are indices).
SYMBOL_NAMES = (set(COEFFICIENT_NAMES) | set(ERROR_NAMES) | COVARIANCE_NAMES | VARIANCE_NAMES
                | set(GLUED_PREFIXES))
INDEX_LETTERS = set("ijklmnJKLMNtsh")
# First words of heading lines ("Level-1 Model", "Mixed model", "where"), skipped quietly.
HEADING_WORDS = {"level", "model", "models", "mixed", "combined", "composite", "where", "with",
                 "and", "equation", "equations", "fixed", "random", "note", "notes", "for",
                 "hlm", "multilevel", "single", "full", "reduced", "null", "unconditional"}
