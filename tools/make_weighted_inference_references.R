# Inference references for LMMs with prior weights, an offset, and sum/Helmert contrasts
# (issue 11): lmerTest's Satterthwaite (and Kenward-Roger through pbkrtest) coefficient
# tables and type III / type I anova tables, lme4's Wald and profile intervals.
#
#   Rscript tools/make_weighted_inference_references.R   # writes tests/data/inference_weighted/*.json
#
# Run from the repository root. Needs R with lme4, lmerTest, pbkrtest and jsonlite.
# The offset case's column: off = 10 * ((row - 1) %% 3) - 10 (row = 1, 2, … in file order).
source("tools/reference_fit.R")   # as_table
suppressPackageStartupMessages({library(lmerTest); library(pbkrtest); library(jsonlite)})
data_dir <- "tests/data"
out_dir <- file.path(data_dir, "inference_weighted")
dir.create(out_dir, showWarnings = FALSE)
factors <- fromJSON(file.path(data_dir, "factors.json"), simplifyVector = FALSE)
load_data <- function(name) {
  df <- read.csv(file.path(data_dir, paste0(name, ".csv")), stringsAsFactors = FALSE)
  for (col in names(factors[[name]])) {
    if (col %in% names(df)) df[[col]] <- factor(as.character(df[[col]]),
                                                levels = unlist(factors[[name]][[col]]))
  }
  df$off <- 10 * ((seq_len(nrow(df)) - 1) %% 3) - 10
  df
}
models <- list(
  list(id = "sleep_weights", dataset = "sleepweights", weights = TRUE, profile = TRUE, kr = FALSE,
       formula = "Reaction ~ Days + (Days | Subject)"),
  list(id = "sleep_offset", dataset = "sleepstudy", weights = FALSE, profile = TRUE, kr = TRUE,
       formula = "Reaction ~ Days + offset(off) + (Days | Subject)"),
  list(id = "sleep_weights_offset_ml", dataset = "sleepweights", weights = TRUE, profile = FALSE,
       kr = FALSE, REML = FALSE, formula = "Reaction ~ Days + offset(off) + (1 | Subject)"),
  list(id = "cake_sum_helmert", dataset = "cake", weights = FALSE, profile = FALSE, kr = TRUE,
       formula = "angle ~ C(recipe, contr.sum) * C(temperature, contr.helmert) + (1 | recipe:replicate)"),
  list(id = "ham_sum", dataset = "ham", weights = FALSE, profile = FALSE, kr = TRUE,
       formula = "Informed.liking ~ C(Product, contr.sum) * C(Information, contr.sum) + (1 | Consumer)")
)
for (e in models) {
  df <- load_data(e$dataset)
  reml <- if (is.null(e$REML)) TRUE else e$REML
  m <- if (e$weights) lmerTest::lmer(as.formula(e$formula), data = df, REML = reml, weights = w)
       else lmerTest::lmer(as.formula(e$formula), data = df, REML = reml)
  ref <- list(id = e$id, dataset = e$dataset, formula = e$formula, REML = reml,
              weights = if (e$weights) "w" else NULL,
              source = sprintf("tools/make_weighted_inference_references.R: lme4 %s, lmerTest %s, pbkrtest %s, %s",
                               packageVersion("lme4"), packageVersion("lmerTest"),
                               packageVersion("pbkrtest"), R.version.string),
              fixef = as.list(fixef(m)), theta = unname(getME(m, "theta")), sigma = sigma(m))
  ref$satterthwaite <- as_table(coef(summary(m, ddf = "Satterthwaite")))
  ref$anova_satterthwaite <- as_table(anova(m, type = 3, ddf = "Satterthwaite"))
  ref$anova_type1_satterthwaite <- as_table(anova(m, type = 1, ddf = "Satterthwaite"))
  if (e$kr) {
    ref$kenward_roger <- as_table(coef(summary(m, ddf = "Kenward-Roger")))
    ref$anova_kenward_roger <- as_table(anova(m, type = 3, ddf = "Kenward-Roger"))
  }
  ref$confint_wald <- as_table(confint(m, method = "Wald", oldNames = FALSE))
  if (e$profile) ref$confint_profile <- as_table(suppressWarnings(
    confint(m, method = "profile", oldNames = FALSE)))
  if (e$profile && e$weights) {
    # lme4 1.1-31's profile of a fixed effect drops the weights (it rebuilds the predictor
    # from the unweighted X), so its fixed-effect rows are wrong for weighted fits. The
    # profile interval of each fixed effect made directly instead: the ML deviance with
    # beta_j = b held (column j as an offset b * x_j), and uniroot for
    # sqrt(dev(b) - dev(beta_hat)) = qnorm(0.975) on each side.
    ml <- refitML(m); X <- getME(ml, "X"); dev0 <- deviance(ml)
    est <- fixef(ml); se <- sqrt(diag(as.matrix(vcov(ml))))
    rhs <- paste(sapply(names(getME(ml, "cnms")), function(g)
      paste0("(", paste(getME(ml, "cnms")[[g]], collapse = " + "), " | ", g, ")")), collapse = " + ")
    fe <- list()
    for (j in seq_along(est)) {
      zeta <- function(b) {
        df$.off <- b * X[, j]
        df$.Xr <- X[, -j, drop = FALSE]
        f <- as.formula(paste0(deparse(formula(m)[[2]]), " ~ 0 + .Xr + offset(.off) + ",
                               gsub("\\(Intercept\\)", "1", rhs)))
        fit <- lmer(f, data = df, REML = FALSE, weights = w,
                    control = lmerControl(optimizer = "bobyqa", optCtrl = list(rhobeg = 1e-3)))
        sign(b - est[j]) * sqrt(max(deviance(fit) - dev0, 0))
      }
      q <- qnorm(0.975)
      lo <- uniroot(function(b) zeta(b) + q, c(est[j] - 3 * se[j], est[j] - 1.5 * se[j]), tol = 1e-9)$root
      hi <- uniroot(function(b) zeta(b) - q, c(est[j] + 1.5 * se[j], est[j] + 3 * se[j]), tol = 1e-9)$root
      fe[[names(est)[j]]] <- c(lo, hi)
    }
    ref$profile_fixed_uniroot <- list(`2.5 %` = lapply(fe, `[`, 1), `97.5 %` = lapply(fe, `[`, 2))
  }
  writeLines(toJSON(ref, auto_unbox = TRUE, digits = NA, null = "null", na = "null", pretty = TRUE),
             file.path(out_dir, paste0(e$id, ".json")))
  cat(e$id, "\n")
}
