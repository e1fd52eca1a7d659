# lme4's fits of the models tests/design/test_input_types.py builds from text and
# logical columns (issue 8: a text column is a factor whatever its contents; a
# logical predictor is coded as R's model.matrix codes it, column xTRUE).
#
#   Rscript tools/make_input_references.R     # writes tests/data/input_types.json
suppressPackageStartupMessages({ library(lme4); library(jsonlite) })
ss <- read.csv("tests/data/sleepstudy.csv")
ss$Subject <- factor(ss$Subject)
ss$s <- as.character(ss$Days %% 3)          # text holding "0", "1", "2"
ss$b <- ss$Days > 4                         # logical
one <- function(formula) {
  m <- lmer(as.formula(formula), data = ss, REML = TRUE)
  list(formula = formula, fixef = as.list(fixef(m)), theta = I(unname(getME(m, "theta"))),
       REMLcrit = REMLcrit(m), X_colnames = I(colnames(getME(m, "X"))))
}
out <- list(lme4_version = as.character(packageVersion("lme4")),
            text_digits = one("Reaction ~ s + (1 | Subject)"),
            logical = one("Reaction ~ b + (1 | Subject)"))
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), "tests/data/input_types.json")
