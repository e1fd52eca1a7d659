# Kenward-Roger references on data sets too large for n x n matrices in mixeq's old code
# (issue 11): pbkrtest 0.5.2 (through lmerTest 3.1-3's summary/anova with
# ddf = "Kenward-Roger") on mlmRev's Hsb82 (7,185 rows) and two simulated data sets of
# 8,100 rows (one grouping factor with a random slope; classes nested in schools).
#
#   Rscript tools/make_kr_large_references.R   # writes tests/data/kr_large.csv and
#                                               # tests/data/inference_kr_large/*.json
#
# Run from the repository root. Needs R with lme4, lmerTest, pbkrtest and jsonlite
# (pbkrtest forms n x n matrices: a few GB of memory and minutes per model).
source("tools/reference_fit.R")   # as_table
suppressPackageStartupMessages({library(lmerTest); library(pbkrtest); library(jsonlite)})
data_dir <- "tests/data"
out_dir <- file.path(data_dir, "inference_kr_large")
dir.create(out_dir, showWarnings = FALSE)
set.seed(20261202)
n_school <- 90; n_class <- 5; n_per <- 18          # 8,100 rows
school <- rep(seq_len(n_school), each = n_class * n_per)
class <- rep(seq_len(n_class), times = n_school, each = n_per)
x <- round(rnorm(length(school)), 4)
f <- sample(c("a", "b", "c"), length(school), replace = TRUE)
u_school <- rnorm(n_school, sd = 1.0)[school]
u_class <- rnorm(n_school * n_class, sd = 0.7)[(school - 1) * n_class + class]
slope <- rnorm(n_school, sd = 0.3)[school]
y_nested <- round(1 + 0.5 * x + (f == "b") * 0.3 - (f == "c") * 0.2 + u_school + u_class +
                  rnorm(length(school)), 4)
y_slope <- round(2 - 0.4 * x + (f == "b") * 0.2 + u_school + slope * x + rnorm(length(school)), 4)
sim <- data.frame(school = paste0("s", school), classroom = paste0("c", class), x = x, f = f,
                  y_nested = y_nested, y_slope = y_slope)
write.csv(sim, file.path(data_dir, "kr_large.csv"), row.names = FALSE)
sim <- read.csv(file.path(data_dir, "kr_large.csv"), stringsAsFactors = TRUE)
hsb <- read.csv(file.path(data_dir, "Hsb82.csv"), stringsAsFactors = FALSE)
hsb$school <- factor(hsb$school)
hsb$sector <- factor(hsb$sector, levels = c("Public", "Catholic"))
models <- list(
  list(id = "hsb82", data = hsb, dataset = "Hsb82",
       formula = "mAch ~ meanses * cses + sector * cses + (cses | school)"),
  list(id = "sim_slope", data = sim, dataset = "kr_large",
       formula = "y_slope ~ x + f + (x | school)"),
  list(id = "sim_nested", data = sim, dataset = "kr_large",
       formula = "y_nested ~ x + f + (1 | school) + (1 | school:classroom)")
)
for (e in models) {
  m <- lmerTest::lmer(as.formula(e$formula), data = e$data, REML = TRUE)
  t0 <- proc.time()[["elapsed"]]
  kr <- coef(summary(m, ddf = "Kenward-Roger"))
  secs <- proc.time()[["elapsed"]] - t0
  ref <- list(id = e$id, dataset = e$dataset, formula = e$formula, REML = TRUE, nobs = nobs(m),
              source = sprintf("tools/make_kr_large_references.R: lme4 %s, lmerTest %s, pbkrtest %s, %s",
                               packageVersion("lme4"), packageVersion("lmerTest"),
                               packageVersion("pbkrtest"), R.version.string),
              fixef = as.list(fixef(m)), theta = unname(getME(m, "theta")), sigma = sigma(m),
              kenward_roger = as_table(kr), kr_seconds = secs,
              anova_kenward_roger = as_table(anova(m, type = 3, ddf = "Kenward-Roger")))
  writeLines(toJSON(ref, auto_unbox = TRUE, digits = NA, null = "null", na = "null", pretty = TRUE),
             file.path(out_dir, paste0(e$id, ".json")))
  cat(e$id, secs, "\n")
}
