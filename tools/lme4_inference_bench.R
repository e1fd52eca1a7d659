# Time lme4's profile intervals and bootMer on sleepstudy (benchmarks/inference.py).
#   Rscript tools/lme4_inference_bench.R NSIM REPEATS   -> JSON on stdout
suppressPackageStartupMessages({library(lme4); library(jsonlite)})
args <- commandArgs(trailingOnly = TRUE)
nsim <- as.integer(args[1]); repeats <- as.integer(args[2])
m <- lmer(Reaction ~ Days + (Days | Subject), sleepstudy)
prof <- numeric(0)
for (i in seq_len(repeats)) {
  t0 <- proc.time()[["elapsed"]]
  ci <- suppressMessages(confint(m, method = "profile", oldNames = FALSE))
  prof <- c(prof, proc.time()[["elapsed"]] - t0)
}
t0 <- proc.time()[["elapsed"]]
b <- bootMer(m, fixef, nsim = nsim, seed = 1)
boot <- proc.time()[["elapsed"]] - t0
cat(toJSON(list(profile_seconds = median(prof), bootmer_seconds = boot, nsim = nsim,
                lme4 = as.character(packageVersion("lme4"))), auto_unbox = TRUE, digits = NA))
