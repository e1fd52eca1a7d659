# lme4's fits of sleepstudy with columns named like the formula's functions (log, poly,
# scale, sqrt, exp, abs, I, C, offset): R looks a called name up skipping objects that are
# not functions, so `log(Days + 1)` calls log() beside a column `log`, and `log + log(x)`
# reads both. For tests/design/test_shadowed_functions.py.
#
#   Rscript tools/make_shadow_references.R   # writes tests/data/shadow/sleep_shadow.csv and
#                                            # tests/data/shadow/shadow_lme4.json
#
# Run from the repository root. Needs R with lme4 and jsonlite.
suppressMessages({library(lme4); library(jsonlite)})
source("tools/reference_fit.R")        # fit_recorded
d <- read.csv("tests/data/sleepstudy.csv", stringsAsFactors = FALSE)
d$Subject <- factor(d$Subject)
i <- seq_len(nrow(d)) - 1
d$f <- factor(c("a", "b", "c")[i %% 3 + 1])   # a 3-level factor varying within Subject
d$log <- (i * 7) %% 5                          # numeric columns named like functions
d$poly <- ((i * 3) %% 7) / 2
d$scale <- (i %% 4) - 1.5
d$sqrt <- (i * 5) %% 3
d$exp <- ((i * 2) %% 9) / 3
d$abs <- (i %/% 3) %% 4
d$I <- (i * 11) %% 6
d$C <- ((i * 13) %% 5) / 4
d$offset <- (i %/% 2) %% 3
write.csv(d, "tests/data/shadow/sleep_shadow.csv", row.names = FALSE)

formulas <- c(
  "Reaction ~ log(Days + 1) + (1 | Subject)",
  "Reaction ~ log + log(Days + 1) + (1 | Subject)",
  "Reaction ~ poly(Days, 2) + poly + (1 | Subject)",
  "Reaction ~ scale(Days) + scale + sqrt(Days) + sqrt + (1 | Subject)",
  "Reaction ~ exp(Days * 0.1) + exp + abs(Days - 4) + abs + I(Days^2) + I + (1 | Subject)",
  "Reaction ~ C(f, sum) + C + (1 | Subject)",
  "Reaction ~ log + (log(Days + 1) | Subject)",
  "log(Reaction) ~ log + Days + (1 | Subject)",
  "Reaction ~ offset + offset(sqrt(Days)) + (1 | Subject)",
  "Reaction ~ log + offset(10 * log(Days + 1)) + (1 | Subject)"   # a number at the top
)

one <- function(formula) {
  fit <- fit_recorded(formula, d, TRUE)   # tools/reference_fit.R
  m <- fit$model
  notes <- fit$notes
  list(formula = formula, notes = I(notes),
       X_columns = I(colnames(getME(m, "X"))),
       Z_term_columns = unname(lapply(getME(m, "cnms"), I)),
       REMLcrit = unname(REMLcrit(m)), fixef = unname(fixef(m)),
       theta = unname(getME(m, "theta")), sigma = sigma(m),
       # predict() on new data: the model frame rebuilt on rows 1, 12, 25, 100, 180
       predict_rows = I(c(1, 12, 25, 100, 180)),
       predict = unname(predict(m, newdata = d[c(1, 12, 25, 100, 180), ])))
}
out <- list(
  source = paste("lme4 lmer (REML) on tests/data/shadow/sleep_shadow.csv: sleepstudy with",
                 "f and columns named like functions derived from the row number",
                 "(see tools/make_shadow_references.R)"),
  lme4 = as.character(packageVersion("lme4")), R = R.version.string,
  models = lapply(formulas, one))
write(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE),
      "tests/data/shadow/shadow_lme4.json")
for (m in out$models) cat(m$formula, ":", m$X_columns, "|", m$REMLcrit, "\n")
