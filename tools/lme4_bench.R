# Time lme4 on one benchmark model (called by benchmarks/run.py).
#
#   Rscript tools/lme4_bench.R job.json
#
# job.json: {"csv": path, "formula": "...", "reml": true, "factors": {col: [levels] or null},
#            "max_repeats": 20, "budget_seconds": 10, "warm_up_case": true}
# Prints one JSON object on its last line: median seconds of lFormula() (design) and of
# lmer() (total, which includes lFormula), the objective, repeats, memory.
suppressPackageStartupMessages({
  library(lme4)
  library(jsonlite)
})
source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))), "bench_timing.R"))

rss_mb <- function() {
  status <- readLines("/proc/self/status")
  line <- status[grep("^VmRSS:", status)]
  as.numeric(strsplit(trimws(sub("VmRSS:", "", line)), "\\s+")[[1]][1]) / 1024
}

load_job_data <- function(job) {
  df <- read.csv(job$csv, stringsAsFactors = FALSE)
  for (col in names(job$factors)) {
    levels <- job$factors[[col]]
    df[[col]] <- if (is.null(levels)) factor(df[[col]]) else
      factor(as.character(df[[col]]), levels = unlist(levels))
  }
  df
}

main <- function() {
  job <- fromJSON(commandArgs(trailingOnly = TRUE)[1], simplifyVector = FALSE)
  data <- load_job_data(job)
  formula <- as.formula(job$formula)
  reml <- isTRUE(job$reml)
  fit_once <- function() suppressMessages(suppressWarnings(lmer(formula, data = data, REML = reml)))
  design_once <- function() lFormula(formula, data = data, REML = reml)
  # first calls pay for loading code: spend them outside the timing
  invisible(suppressMessages(lmer(Reaction ~ Days + (Days | Subject), sleepstudy)))
  if (isTRUE(job$warm_up_case)) invisible(fit_once())
  rss_before <- rss_mb()
  fits <- repeat_timed(fit_once, job$max_repeats, job$budget_seconds)
  designs <- repeat_timed(design_once, max(1, min(job$max_repeats, length(fits$times) * 3)),
                          job$budget_seconds / 4)
  m <- fits$value
  out <- list(
    design_s = median(designs$times),
    total_s = median(fits$times),
    min_total_s = min(fits$times),
    repeats = length(fits$times),
    objective = if (reml) REMLcrit(m) else deviance(m),
    converged = is.null(m@optinfo$conv$lme4$code),
    info = list(function_evals = m@optinfo$feval, optimizer = m@optinfo$optimizer,
                lme4_version = as.character(packageVersion("lme4")),
                blas = La_library()),
    rss_before_mb = rss_before,
    nobs = nobs(m),
    version = as.character(packageVersion("lme4"))
  )
  out$fit_s <- out$total_s - out$design_s
  cat("\n", toJSON(out, auto_unbox = TRUE, digits = NA, null = "null"), "\n", sep = "")
}

main()
