# Type III anova references for models with sum / Helmert / polynomial contrasts where
# R's coding rules matter for the treatment-coded remake lmerTest tests them in (a logical
# I(Days > 5) is a factor FALSE/TRUE; a factor in a term without its margins gets all its
# indicators; aliased columns dropped): lmerTest's anova(type = 3) (Satterthwaite and
# Kenward-Roger through pbkrtest), type I, and the coefficient table.
#
#   Rscript tools/make_type3_coding_references.R   # writes tests/data/inference_type3/*.json
#
# Run from the repository root. Needs R with lme4, lmerTest, pbkrtest and jsonlite.
# `type1_F_symmetric`: each term's type I F from lmerTest's own contrasts and formula
# (contestMD: sum of (P'L beta)^2 / d over L V L' = P diag(d) P', divided by the rank) with
# the eigen decomposition taken as symmetric. lmerTest's eigen(L V L') sees a matrix
# asymmetric by rounding as non-symmetric; with a repeated eigenvalue (Days * C(k, poly)'s
# type I C(k, poly): 27.433 three times) its eigenvectors are then not orthogonal and its
# F is not the Wald F of the hypothesis (0.6234 where the symmetric decomposition gives 0.5804).
# Data: tests/data/names/sleep_names.csv (tools/make_names_references.R), lg read as logical.
source("tools/reference_fit.R")   # as_table
suppressPackageStartupMessages({library(lmerTest); library(pbkrtest); library(jsonlite)})
out_dir <- "tests/data/inference_type3"
dir.create(out_dir, showWarnings = FALSE)
d <- read.csv("tests/data/names/sleep_names.csv", stringsAsFactors = FALSE)
d$Subject <- factor(d$Subject)
for (col in c("f", "h", "k")) d[[col]] <- factor(d[[col]])
d$lg <- as.logical(d$lg)
stopifnot(sum(d$lg) == 90)
type1_F_symmetric <- function(m) {
  lapply(lmerTest:::get_contrasts_type1(m), function(L) {
    if (nrow(L) == 0L) return(NA)
    V <- L %*% as.matrix(vcov(m)) %*% t(L)
    e <- eigen((V + t(V)) / 2, symmetric = TRUE)
    q <- sum(e$values > max(sqrt(.Machine$double.eps) * e$values[1], 0))
    sum(drop(crossprod(e$vectors[, seq_len(q), drop = FALSE], L) %*% fixef(m))^2 /
          e$values[seq_len(q)]) / q
  })
}
models <- list(
  list(id = "logical_x_sum", formula = "Reaction ~ I(Days > 5) * C(f, sum) + (1 | Subject)"),
  list(id = "sum_nested_h", formula = "Reaction ~ C(f, sum) + C(f, sum):h + (1 | Subject)"),
  list(id = "sum_by_days", formula = "Reaction ~ Days + C(f, sum):Days + (1 | Subject)"),
  list(id = "sum_slopes_only", formula = "Reaction ~ h + C(f, sum):Days + (1 | Subject)"),
  list(id = "no_intercept_sum", formula = "Reaction ~ 0 + C(f, sum) + h + (1 | Subject)"),
  list(id = "logical_in_sum", formula = "Reaction ~ h + I(Days > 5):C(f, sum) + (1 | Subject)"),
  list(id = "helmert_x_lg", formula = "Reaction ~ C(f, helmert) * lg + (1 | Subject)"),
  list(id = "poly_x_days", formula = "Reaction ~ Days * C(k, poly) + (1 | Subject)"),
  list(id = "sum_x_sum", formula = "Reaction ~ C(f, sum) * C(h, sum) + (1 | Subject)")
)
for (e in models) {
  notes <- character(0)
  m <- withCallingHandlers(lmerTest::lmer(as.formula(e$formula), data = d, REML = TRUE),
                           message = function(c) { notes <<- c(notes, conditionMessage(c));
                                                   invokeRestart("muffleMessage") })
  ref <- list(id = e$id, dataset = "names/sleep_names", formula = e$formula, REML = TRUE,
              notes = I(notes),
              source = sprintf("tools/make_type3_coding_references.R: lme4 %s, lmerTest %s, pbkrtest %s, %s",
                               packageVersion("lme4"), packageVersion("lmerTest"),
                               packageVersion("pbkrtest"), R.version.string),
              X_columns = I(colnames(getME(m, "X"))),
              fixef = as.list(fixef(m)), theta = unname(getME(m, "theta")), sigma = sigma(m))
  ref$satterthwaite <- as_table(coef(summary(m, ddf = "Satterthwaite")))
  ref$anova_satterthwaite <- as_table(anova(m, type = 3, ddf = "Satterthwaite"))
  ref$anova_type1_satterthwaite <- as_table(anova(m, type = 1, ddf = "Satterthwaite"))
  ref$type1_F_symmetric <- type1_F_symmetric(m)
  ref$anova_kenward_roger <- as_table(anova(m, type = 3, ddf = "Kenward-Roger"))
  writeLines(toJSON(ref, auto_unbox = TRUE, digits = NA, null = "null", na = "null", pretty = TRUE),
             file.path(out_dir, paste0(e$id, ".json")))
  cat(e$id, ":", notes, "\n")
  print(anova(m, type = 3))
}
