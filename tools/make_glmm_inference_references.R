# GLMM inference references for mixeq's tests (issue 11): lme4's confint() of glmer fits,
# by profiling the Laplace deviance ("profile") and from the Hessian's standard errors
# ("Wald"), oldNames = FALSE; glmer's z table; car's Wald chi-square tests per term
# (car::Anova, types II and III); anova(m0, m), the likelihood-ratio test of the last term.
#
#   Rscript tools/make_glmm_inference_references.R     # writes tests/data/inference_glmm/*.json
#
# Run from the repository root. Needs R with lme4, car and jsonlite.
source("tools/reference_fit.R")   # as_table
suppressPackageStartupMessages({library(lme4); library(jsonlite)})
data_dir <- "tests/data"
out_dir <- file.path(data_dir, "inference_glmm")
dir.create(out_dir, showWarnings = FALSE)
factors <- fromJSON(file.path(data_dir, "factors.json"), simplifyVector = FALSE)
load_data <- function(name) {
  df <- read.csv(file.path(data_dir, paste0(name, ".csv")), stringsAsFactors = FALSE)
  for (col in names(factors[[name]])) {
    if (col %in% names(df)) df[[col]] <- factor(as.character(df[[col]]),
                                                levels = unlist(factors[[name]][[col]]))
  }
  df
}
models <- list(
  list(id = "cbpp_binomial", dataset = "cbpp", family = binomial(),
       formula = "cbind(incidence, size - incidence) ~ period + (1 | herd)"),
  list(id = "grouseticks_poisson", dataset = "grouseticks", family = poisson(),
       formula = "TICKS ~ YEAR + cHEIGHT + (1 | BROOD) + (1 | LOCATION)"),
  list(id = "cbpp_probit", dataset = "cbpp", family = binomial(link = "probit"),
       formula = "cbind(incidence, size - incidence) ~ period + (1 | herd)"),
  list(id = "cbpp_agq25", dataset = "cbpp", family = binomial(), nAGQ = 25,
       formula = "cbind(incidence, size - incidence) ~ period + (1 | herd)"),
  # a correlated random slope (sd, cor, sd profiled): counts = floor(Reaction)
  list(id = "sleep_poisson_slope", dataset = "sleepstudy", family = poisson(),
       formula = "count ~ Days + (Days | Subject)")
)
for (e in models) {
  df <- load_data(e$dataset)
  if (e$dataset == "sleepstudy") df$count <- floor(df$Reaction)
  nagq <- if (is.null(e$nAGQ)) 1L else e$nAGQ
  m <- glmer(as.formula(e$formula), data = df, family = e$family, nAGQ = nagq)
  ref <- list(id = e$id, dataset = e$dataset, formula = e$formula, family = e$family$family,
              link = e$family$link, nAGQ = nagq,
              source = sprintf("tools/make_glmm_inference_references.R: lme4 %s, %s",
                               packageVersion("lme4"), R.version.string),
              fixef = as.list(fixef(m)), fixef_se = as.list(sqrt(diag(as.matrix(vcov(m))))),
              theta = unname(getME(m, "theta")), deviance = -2 * as.numeric(logLik(m)),
              coef_table = as_table(coef(summary(m))))
  ref$confint_wald <- as_table(confint(m, method = "Wald", oldNames = FALSE))
  ref$anova_wald_type3 <- as_table(car::Anova(m, type = 3))
  ref$anova_wald_type2 <- as_table(car::Anova(m, type = 2))
  last <- tail(attr(terms(m), "term.labels"), 1)
  m0 <- update(m, as.formula(paste(". ~ . -", last)))
  ref$anova_lrt_dropped <- last
  ref$anova_lrt <- as_table(anova(m0, m))
  t0 <- proc.time()[["elapsed"]]
  ci <- suppressWarnings(confint(m, method = "profile", oldNames = FALSE))
  ref$profile_seconds <- proc.time()[["elapsed"]] - t0
  ref$confint_profile <- as_table(ci)
  ref$confint_profile_90 <- as_table(suppressWarnings(confint(m, method = "profile", level = 0.9,
                                                               oldNames = FALSE)))
  writeLines(toJSON(ref, auto_unbox = TRUE, digits = NA, null = "null", na = "null", pretty = TRUE),
             file.path(out_dir, paste0(e$id, ".json")))
  cat(e$id, ref$profile_seconds, "\n")
}
