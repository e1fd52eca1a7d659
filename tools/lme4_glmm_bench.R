# Times lme4's glmer on the GLMM benchmark models (benchmarks/glmm.py runs this).
# Usage: Rscript tools/lme4_glmm_bench.R DATA_DIR REPEATS  -> one JSON line on stdout
suppressMessages({library(lme4); library(jsonlite)})
source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))), "bench_timing.R"))
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]; repeats <- as.integer(args[2])
factors <- fromJSON(file.path(dir, "factors.json"))
load <- function(name) {
  d <- read.csv(file.path(dir, paste0(name, ".csv")))
  for (col in names(factors[[name]])) d[[col]] <- factor(as.character(d[[col]]), levels = factors[[name]][[col]])
  d
}
models <- list(
  verbagg = list(data = "VerbAgg", formula = r2 ~ Anger + Gender + btype + situ + (1 | id) + (1 | item), family = binomial, nAGQ = 1),
  cbpp = list(data = "cbpp", formula = cbind(incidence, size - incidence) ~ period + (1 | herd), family = binomial, nAGQ = 1),
  cbpp_agq25 = list(data = "cbpp", formula = cbind(incidence, size - incidence) ~ period + (1 | herd), family = binomial, nAGQ = 25),
  grouseticks = list(data = "grouseticks", formula = TICKS ~ YEAR + cHEIGHT + (1 | BROOD) + (1 | LOCATION), family = poisson, nAGQ = 1)
)
out <- list(version = as.character(packageVersion("lme4")))
for (name in names(models)) {
  m <- models[[name]]; d <- load(m$data)
  fits <- repeat_timed(function() glmer(m$formula, data = d, family = m$family, nAGQ = m$nAGQ), repeats)
  out[[name]] <- list(seconds = median(fits$times), deviance = -2 * as.numeric(logLik(fits$value)))
}
cat(toJSON(out, auto_unbox = TRUE, digits = NA), "\n")
