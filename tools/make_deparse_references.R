# lme4's column names for formulas with arithmetic inside calls, which R names by its
# deparse() (spaces around + - * and comparisons, none around / ^ and after a unary minus,
# numbers as R prints them: 1e-3 → 0.001, 1e5 → 1e+05), for
# tests/design/test_deparse_names.py and tests/fitting/test_fit_deparse_names.py.
#
#   Rscript tools/make_deparse_references.R   # writes tests/data/names/deparse_lme4.json
#
# Run from the repository root. Needs R with lme4 and jsonlite.
suppressMessages({library(lme4); library(jsonlite)})
source("tools/reference_fit.R")        # fit_recorded
d <- read.csv("tests/data/sleepstudy.csv", stringsAsFactors = FALSE)
d$Subject <- factor(d$Subject)

formulas <- c(
  "Reaction ~ exp(Days/10) + (1 | Subject)",
  "Reaction ~ log(Days+1) + (1 | Subject)",
  "Reaction ~ I(Days^2) + I(Days*2) + (1 | Subject)",
  "Reaction ~ I(-Days) + (1 | Subject)",
  "Reaction ~ I(Days * 1e-3) + (1 | Subject)",
  "Reaction ~ I(Days/2.50) + (1 | Subject)",
  "Reaction ~ I(Days*1e5) + (1 | Subject)",
  "Reaction ~ I(Days^2*1e-5) + I(Days + .5) + (1 | Subject)",
  "Reaction ~ sqrt(Days+1):log(Days+2) + (1 | Subject)",
  "Reaction ~ log(exp(Days/10)+1) + (1 | Subject)",
  "Reaction ~ I((Days-4)^2) + I((Days+1)^-0.5) + (1 | Subject)",
  "Reaction ~ I(2^Days / 100) + (1 | Subject)",
  "Reaction ~ I(- Days + 3) + I(-(Days+1)^2) + (1 | Subject)",
  "Reaction ~ log(Days + 1) * sqrt(Days+1) + (1 | Subject)",
  "Reaction ~ Days + (log(Days+1) | Subject)",
  "Reaction ~ Days + (I(Days/10) | Subject)",
  "Reaction ~ Days + (0 + exp(-Days/5) | Subject)",
  "Reaction ~ I(Days/10 - 0.5) + I(Days^2 * 10) + (1 | Subject)",
  "Reaction ~ log10(Days+1) + I(Days^0.5) + (1 | Subject)",
  "Reaction ~ I(Days * 0.10) + I(1/(Days+1)) + (1 | Subject)",
  "Reaction ~ poly(Days,2) + I(Days > 2.0) + (1 | Subject)",
  "Reaction ~ I((Days - 4.5)*(Days+1)) + (1 | Subject)"
)

one <- function(formula) {
  fit <- fit_recorded(formula, d, TRUE)   # tools/reference_fit.R
  m <- fit$model
  notes <- fit$notes
  list(formula = formula, notes = I(notes),
       X_columns = I(colnames(getME(m, "X"))),
       Z_term_columns = unname(lapply(getME(m, "cnms"), I)),
       REMLcrit = unname(REMLcrit(m)), fixef = unname(fixef(m)),
       theta = unname(getME(m, "theta")), sigma = sigma(m))
}
out <- list(
  source = paste("lme4 lmer (REML) on tests/data/sleepstudy.csv",
                 "(see tools/make_deparse_references.R)"),
  lme4 = as.character(packageVersion("lme4")), R = R.version.string,
  models = lapply(formulas, one))
write(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE),
      "tests/data/names/deparse_lme4.json")
for (m in out$models) cat(m$formula, ":", m$X_columns, "|", unlist(m$Z_term_columns),
                          "|", m$notes, "\n")
