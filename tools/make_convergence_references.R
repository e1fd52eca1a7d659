# lme4's fits of the convergence cases (tests/fitting/test_convergence.py): REML criterion,
# theta, isSingular, lme4's convergence messages and the derivatives lmer computed
# (optinfo$derivs: deriv12 of the criterion over theta at the optimum).
#
#   Rscript tools/make_convergence_references.R   # writes tests/data/convergence/lme4.json
suppressPackageStartupMessages({ library(lme4); library(jsonlite) })
dir <- "tests/data/convergence"
fit_one <- function(formula, data) {
  notes <- character(0)
  m <- withCallingHandlers(lmer(as.formula(formula), data = data, REML = TRUE),
    warning = function(w) { notes <<- c(notes, conditionMessage(w)); invokeRestart("muffleWarning") },
    message = function(w) { notes <<- c(notes, trimws(conditionMessage(w))); invokeRestart("muffleMessage") })
  d <- m@optinfo$derivs
  list(formula = formula, REMLcrit = REMLcrit(m), theta = I(unname(getME(m, "theta"))),
       singular = isSingular(m), notes = I(notes),
       gradient = if (is.null(d)) NULL else I(d$gradient),
       hessian = if (is.null(d)) NULL else d$Hessian)
}
family <- function(file, formula) {
  all <- read.csv(file.path(dir, file), stringsAsFactors = TRUE)
  lapply(split(all, all$case), function(d) fit_one(formula, droplevels(d)))
}
ss <- read.csv("tests/data/sleepstudy.csv"); ss$Subject <- factor(ss$Subject)
set.seed(1)
const <- data.frame(g = factor(rep(1:6, each = 5)), x = round(rnorm(30), 6))
const$y <- as.numeric(const$g) * 2 + 1      # the response is constant within every group
write.csv(const, file.path(dir, "constant_within.csv"), row.names = FALSE)
out <- list(
  lme4_version = as.character(packageVersion("lme4")),
  sleepstudy = fit_one("Reaction ~ Days + (Days | Subject)", ss),
  constant_within = fit_one("y ~ x + (1 | g)", const),
  re3 = family("re3_cases.csv", "y ~ x + z + (1 + x + z | g)"),
  crossed = family("crossed_cases.csv", "y ~ 1 + (1 | a) + (1 | b)"))
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), file.path(dir, "lme4.json"))
