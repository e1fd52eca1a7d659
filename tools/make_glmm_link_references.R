# lme4 glmer fits with the probit and cloglog links (and a weighted Poisson) for
# tests/fitting/test_glmm_links.py. Usage: Rscript tools/make_glmm_link_references.R tests/data
suppressMessages({library(lme4); library(jsonlite)})
dir <- commandArgs(trailingOnly = TRUE)[1]
factors <- fromJSON(file.path(dir, "factors.json"))
load <- function(name) {
  d <- read.csv(file.path(dir, paste0(name, ".csv")))
  for (col in names(factors[[name]])) d[[col]] <- factor(as.character(d[[col]]), levels = factors[[name]][[col]])
  d
}
cases <- list(
  cbpp_probit = list(data = "cbpp", formula = "cbind(incidence, size - incidence) ~ period + (1 | herd)", family = binomial(link = "probit")),
  cbpp_cloglog = list(data = "cbpp", formula = "cbind(incidence, size - incidence) ~ period + (1 | herd)", family = binomial(link = "cloglog")),
  verbagg_probit = list(data = "VerbAgg", formula = "r2 ~ Anger + Gender + btype + situ + (1 | id) + (1 | item)", family = binomial(link = "probit")),
  grouse_weighted = list(data = "grouseticks", formula = "TICKS ~ YEAR + cHEIGHT + (1 | BROOD)", family = poisson(), weights = "w")
)
for (id in names(cases)) {
  cs <- cases[[id]]; d <- load(cs$data)
  if (!is.null(cs$weights)) d$w <- rep(c(1, 2, 0.5), length.out = nrow(d))
  fit <- if (is.null(cs$weights)) glmer(as.formula(cs$formula), data = d, family = cs$family)
         else glmer(as.formula(cs$formula), data = d, family = cs$family, weights = w)
  out <- list(id = id, dataset = cs$data, formula = cs$formula, family = cs$family$family,
              link = cs$family$link, weights = if (is.null(cs$weights)) NULL else "rep(c(1, 2, 0.5))",
              fixef = as.list(fixef(fit)), fixef_se = as.list(sqrt(diag(as.matrix(vcov(fit))))),
              theta = unname(getME(fit, "theta")), logLik = as.numeric(logLik(fit)),
              deviance = deviance(fit), lme4_version = as.character(packageVersion("lme4")))
  writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, null = "null", pretty = TRUE),
             file.path(dir, "reference_glmm_links", paste0(id, ".json")))
}
