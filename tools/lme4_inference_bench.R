# Time lme4's profile intervals and bootMer on sleepstudy (benchmarks/inference.py).
# With a third argument "extended" (run from the repository root): also glmer's profile
# intervals of cbpp and grouseticks, and pbkrtest's Kenward-Roger table of Hsb82.
#   Rscript tools/lme4_inference_bench.R NSIM REPEATS [extended]   -> JSON on stdout
suppressPackageStartupMessages({library(lme4); library(jsonlite)})
args <- commandArgs(trailingOnly = TRUE)
nsim <- as.integer(args[1]); repeats <- as.integer(args[2])
extended <- length(args) >= 3 && args[3] == "extended"
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
out <- list(profile_seconds = median(prof), bootmer_seconds = boot, nsim = nsim,
            lme4 = as.character(packageVersion("lme4")))
if (extended) {
  elapsed <- function(expr) { t0 <- proc.time()[["elapsed"]]; force(expr); proc.time()[["elapsed"]] - t0 }
  cbpp <- glmer(cbind(incidence, size - incidence) ~ period + (1 | herd), cbpp, binomial)
  out$glmm_profile_cbpp_seconds <- elapsed(suppressMessages(confint(cbpp, method = "profile")))
  g <- read.csv("tests/data/grouseticks.csv")
  for (col in c("BROOD", "YEAR", "LOCATION")) g[[col]] <- factor(g[[col]])
  grouse <- glmer(TICKS ~ YEAR + cHEIGHT + (1 | BROOD) + (1 | LOCATION), g, poisson)
  out$glmm_profile_grouseticks_seconds <- elapsed(suppressMessages(confint(grouse, method = "profile")))
  suppressPackageStartupMessages(library(pbkrtest))
  h <- read.csv("tests/data/Hsb82.csv"); h$school <- factor(h$school)
  h$sector <- factor(h$sector, levels = c("Public", "Catholic"))
  hm <- lmer(mAch ~ meanses * cses + sector * cses + (cses | school), h)
  out$kr_hsb82_seconds <- elapsed(vcovAdj(hm))
}
cat(toJSON(out, auto_unbox = TRUE, digits = NA))
