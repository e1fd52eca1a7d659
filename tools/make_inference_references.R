# Extra inference references for mixeq's tests (issue 11): lmerTest's Satterthwaite and
# Kenward-Roger (pbkrtest) coefficient tables and type III anova tables, lme4's Wald and
# profile intervals, in the layout of shared/reference/inference/*.json.
#
#   Rscript tools/make_inference_references.R      # writes tests/data/inference_extra/*.json
#
# Run from the repository root. Needs R with lme4, lmerTest, pbkrtest and jsonlite.
suppressPackageStartupMessages({
  library(lmerTest); library(pbkrtest); library(jsonlite)
})
data_dir <- "tests/data"
out_dir <- file.path(data_dir, "inference_extra")
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

as_table <- function(x) {
  x <- as.data.frame(x, check.names = FALSE)
  out <- list()
  for (col in names(x)) {
    v <- as.list(x[[col]])
    names(v) <- rownames(x)
    out[[col]] <- lapply(v, function(e) if (is.na(e)) NA else e)
  }
  out
}

models <- list(
  list(id = "ham_satt_kr", dataset = "ham", REML = TRUE, profile = FALSE, kr = TRUE,
       formula = "Informed.liking ~ Product * Information + (1 | Consumer) + (1 | Consumer:Product)"),
  list(id = "sleepstudy_ml", dataset = "sleepstudy", REML = FALSE, profile = TRUE, kr = FALSE,
       formula = "Reaction ~ Days + (Days | Subject)"),
  list(id = "sleepstudy_uncorrelated", dataset = "sleepstudy", REML = TRUE, profile = TRUE, kr = TRUE,
       formula = "Reaction ~ Days + (1 | Subject) + (0 + Days | Subject)"),
  list(id = "penicillin_crossed", dataset = "Penicillin", REML = TRUE, profile = TRUE, kr = TRUE,
       formula = "diameter ~ 1 + (1 | plate) + (1 | sample)"),
  list(id = "pastes_nested", dataset = "Pastes", REML = TRUE, profile = TRUE, kr = TRUE,
       formula = "strength ~ 1 + (1 | batch) + (1 | batch:cask)"),
  list(id = "seedlike_numeric", dataset = "seedlike", REML = TRUE, profile = FALSE, kr = TRUE,
       formula = "y ~ x * m + (1 + x | school)"),
  list(id = "cake_numeric_temp", dataset = "cake", REML = TRUE, profile = FALSE, kr = TRUE,
       formula = "angle ~ recipe * temp + (1 | recipe:replicate)"),
  list(id = "ham_crossed", dataset = "ham", REML = TRUE, profile = FALSE, kr = TRUE,
       formula = "Informed.liking ~ Information + Gender + (1 | Consumer) + (1 | Product)"),
  list(id = "dyestuff2_singular", dataset = "Dyestuff2", REML = TRUE, profile = TRUE, kr = FALSE,
       formula = "Yield ~ 1 + (1 | Batch)")
)

for (e in models) {
  df <- load_data(e$dataset)
  m <- lmerTest::lmer(as.formula(e$formula), data = df, REML = e$REML)
  ref <- list(id = e$id, dataset = e$dataset, formula = e$formula, REML = e$REML,
              source = sprintf("tools/make_inference_references.R: lme4 %s, lmerTest %s, pbkrtest %s, %s",
                               packageVersion("lme4"), packageVersion("lmerTest"),
                               packageVersion("pbkrtest"), R.version.string))
  ref$satterthwaite <- as_table(coef(summary(m, ddf = "Satterthwaite")))
  ref$anova_satterthwaite <- as_table(anova(m, type = 3, ddf = "Satterthwaite"))
  ref$anova_type1_satterthwaite <- as_table(anova(m, type = 1, ddf = "Satterthwaite"))
  if (e$kr) {
    ref$kenward_roger <- as_table(coef(summary(m, ddf = "Kenward-Roger")))
    ref$anova_kenward_roger <- as_table(anova(m, type = 3, ddf = "Kenward-Roger"))
  }
  ref$confint_wald <- as_table(confint(m, method = "Wald", oldNames = FALSE))
  if (e$profile) {
    t0 <- proc.time()[["elapsed"]]
    ci <- suppressWarnings(confint(m, method = "profile", oldNames = FALSE))
    ref$profile_seconds <- proc.time()[["elapsed"]] - t0
    ref$confint_profile <- as_table(ci)
  }
  writeLines(toJSON(ref, auto_unbox = TRUE, digits = NA, null = "null", na = "null", pretty = TRUE),
             file.path(out_dir, paste0(e$id, ".json")))
  cat(e$id, "\n")
}
