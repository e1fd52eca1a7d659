# lme4's model matrices and fits for formulas whose column names R writes its own way:
# a logical inside I() (`I(Days > 5)TRUE`, coded as a factor, also in interactions) and
# contrasts named in C() (`C(f, sum)1`, `C(f, contr.treatment)2`), for
# tests/design/test_r_names.py and tests/fitting/test_fit_r_names.py.
#
#   Rscript tools/make_names_references.R   # writes tests/data/names/sleep_names.csv and
#                                           # tests/data/names/names_lme4.json
#
# Run from the repository root. Needs R with lme4 and jsonlite.
suppressMessages({library(lme4); library(jsonlite)})
source("tools/reference_fit.R")        # fit_recorded
d <- read.csv("tests/data/sleepstudy.csv", stringsAsFactors = FALSE)
d$Subject <- factor(d$Subject)
i <- seq_len(nrow(d)) - 1
d$f <- factor(c("a", "b", "c")[i %% 3 + 1])          # a 3-level factor varying within Subject
d$h <- factor(c("p", "q")[(i %/% 7) %% 2 + 1])       # a 2-level one
d$lg <- (i %/% 5) %% 2 == 1                         # a logical column
d$k <- factor(c("v", "w", "x", "y", "z")[(i %/% 2) %% 5 + 1])  # 5 levels: poly's ^4
write.csv(transform(d, lg = ifelse(lg, "TRUE", "FALSE")), "tests/data/names/sleep_names.csv",
          row.names = FALSE)

formulas <- c(
  "Reaction ~ I(Days > 5) + (1 | Subject)",
  "Reaction ~ I(Days > 5):f + (1 | Subject)",
  "Reaction ~ I(Days > 5) * f + (1 | Subject)",
  "Reaction ~ Days:I(Days > 5) + (1 | Subject)",
  "Reaction ~ 0 + I(Days > 5) + Days + (1 | Subject)",
  "Reaction ~ Days + (I(Days > 5) | Subject)",
  "Reaction ~ I(Days >= 5) + I(Days < 3) + (1 | Subject)",
  "Reaction ~ I(Days == 0) + I(Days != 9) + I(Days <= 2) + (1 | Subject)",
  "Reaction ~ factor(Days > 5) + (1 | Subject)",
  "Reaction ~ lg:f + (1 | Subject)",
  "Reaction ~ f:h + (1 | Subject)",
  "Reaction ~ f + f:h + (1 | Subject)",
  "Reaction ~ 0 + Days:f + h + (1 | Subject)",
  "Reaction ~ 0 + f + h + (1 | Subject)",
  "Reaction ~ h + f:h:lg + (1 | Subject)",
  "Reaction ~ log(Days+1):I(Days > 5) + (1 | Subject)",
  "Reaction ~ Days + C(f, sum) + (1 | Subject)",
  "Reaction ~ Days + C(f, contr.sum) + (1 | Subject)",
  "Reaction ~ Days + C(f, helmert) + (1 | Subject)",
  "Reaction ~ Days + C(f, contr.helmert) + (1 | Subject)",
  "Reaction ~ Days + C(f, treatment) + (1 | Subject)",
  "Reaction ~ Days + C(f, contr.treatment) + (1 | Subject)",
  "Reaction ~ Days + C(k, poly) + (1 | Subject)",
  "Reaction ~ Days + C(k, contr.poly) + (1 | Subject)",
  "Reaction ~ Days + C(f, SAS) + (1 | Subject)",
  "Reaction ~ Days + C(f, contr.SAS) + (1 | Subject)",
  "Reaction ~ C(f, sum) * h + (1 | Subject)",
  "Reaction ~ Days + C(f, sum):Days + (1 | Subject)",
  "Reaction ~ 0 + C(f, sum) + (1 | Subject)",
  "Reaction ~ Days + C(f, sum) + (C(h, sum) | Subject)",
  "Reaction ~ I(Days > 5) * C(f, sum) + (1 | Subject)"
)

one <- function(formula) {
  # lme4's messages (rank-deficient X) are part of the reference, not noise
  fit <- fit_recorded(formula, d, TRUE)   # tools/reference_fit.R
  m <- fit$model
  notes <- fit$notes
  X <- getME(m, "X")
  list(formula = formula, notes = I(notes),
       X_columns = I(colnames(X)), X = lapply(seq_len(ncol(X)), function(j) unname(X[, j])),
       Z_term_columns = unname(lapply(getME(m, "cnms"), I)),
       REMLcrit = unname(REMLcrit(m)), fixef = unname(fixef(m)),
       se = unname(sqrt(diag(as.matrix(vcov(m))))),
       theta = unname(getME(m, "theta")), sigma = sigma(m))
}
out <- list(
  source = paste("lme4 lmer (REML) on tests/data/names/sleep_names.csv: sleepstudy with",
                 "f, h, k, lg derived from the row number (see tools/make_names_references.R)"),
  lme4 = as.character(packageVersion("lme4")), R = R.version.string,
  models = lapply(formulas, one))
write(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE),
      "tests/data/names/names_lme4.json")
for (m in out$models) cat(m$formula, ":", m$X_columns, "\n")
