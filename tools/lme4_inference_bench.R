# Time lme4's profile intervals and bootMer on sleepstudy (benchmarks/inference.py).
# With a third argument "extended" (run from the repository root): also glmer's profile
# intervals of cbpp and grouseticks, and pbkrtest's Kenward-Roger table of Hsb82.
#   Rscript tools/lme4_inference_bench.R NSIM REPEATS [extended]   -> JSON on stdout
suppressPackageStartupMessages({library(lme4); library(jsonlite)})
source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))), "bench_timing.R"))
args <- commandArgs(trailingOnly = TRUE)
nsim <- as.integer(args[1]); repeats <- as.integer(args[2])
extended <- length(args) >= 3 && args[3] == "extended"
m <- lmer(Reaction ~ Days + (Days | Subject), sleepstudy)
prof <- repeat_timed(function() suppressMessages(confint(m, method = "profile", oldNames = FALSE)), repeats)$times
boot <- elapsed(function() bootMer(m, fixef, nsim = nsim, seed = 1))$seconds
out <- list(profile_seconds = median(prof), bootmer_seconds = boot, nsim = nsim,
            lme4 = as.character(packageVersion("lme4")))
if (extended) {
  cbpp <- glmer(cbind(incidence, size - incidence) ~ period + (1 | herd), cbpp, binomial)
  out$glmm_profile_cbpp_seconds <- elapsed(function() suppressMessages(confint(cbpp, method = "profile")))$seconds
  g <- read.csv("tests/data/grouseticks.csv")
  for (col in c("BROOD", "YEAR", "LOCATION")) g[[col]] <- factor(g[[col]])
  grouse <- glmer(TICKS ~ YEAR + cHEIGHT + (1 | BROOD) + (1 | LOCATION), g, poisson)
  out$glmm_profile_grouseticks_seconds <- elapsed(function() suppressMessages(confint(grouse, method = "profile")))$seconds
  suppressPackageStartupMessages(library(pbkrtest))
  h <- read.csv("tests/data/Hsb82.csv"); h$school <- factor(h$school)
  h$sector <- factor(h$sector, levels = c("Public", "Catholic"))
  hm <- lmer(mAch ~ meanses * cses + sector * cses + (cses | school), h)
  out$kr_hsb82_seconds <- elapsed(function() vcovAdj(hm))$seconds
}
cat(toJSON(out, auto_unbox = TRUE, digits = NA))
