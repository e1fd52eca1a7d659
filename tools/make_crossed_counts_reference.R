# A crossed data set whose first grouping factor has Poisson-like level counts (many
# classes of equal counts, as in the 20M-row benchmark), and lme4's fit of it, for
# tests/fitting/test_crossed_classes.py.
#
#   Rscript tools/make_crossed_counts_reference.R     # writes tests/data/crossed_counts.csv
#                                                     # and tests/data/crossed_counts_lme4.json
suppressPackageStartupMessages({library(lme4); library(jsonlite)})
set.seed(20261202)
na <- 100; nb <- 30
counts <- rpois(na, 150)
a <- rep(seq_len(na), counts)
n <- length(a)
b <- sample.int(nb, n, replace = TRUE)
x <- round(rnorm(n), 4)
y <- round(5 + 0.5 * x + rnorm(na)[a] + 0.5 * rnorm(nb)[b] + rnorm(n), 4)
d <- data.frame(a = sprintf("a%03d", a), b = sprintf("b%02d", b), x = x, y = y)
write.csv(d, "tests/data/crossed_counts.csv", row.names = FALSE)
d <- read.csv("tests/data/crossed_counts.csv")
out <- list(source = sprintf("lme4 %s, lmer(y ~ x + (1 | a) + (1 | b)), REML and ML", packageVersion("lme4")),
            nobs = n, distinct_counts = length(unique(counts)))
for (reml in c(TRUE, FALSE)) {
  m <- lmer(y ~ x + (1 | a) + (1 | b), d, REML = reml,
            control = lmerControl(optCtrl = list(xtol_abs = 1e-10, ftol_abs = 1e-12)))
  out[[if (reml) "REML" else "ML"]] <- list(
    objective = if (reml) REMLcrit(m) else deviance(m), theta = unname(getME(m, "theta")),
    theta_names = names(getME(m, "theta")), fixef = unname(fixef(m)), sigma = sigma(m))
}
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), "tests/data/crossed_counts_lme4.json")
