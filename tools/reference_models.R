# The models of tests/data/reference_extra/: one entry per JSON file.
# Sourced by tools/make_references.R.

ref_entry <- function(id, dataset, formula, REML = TRUE, note = NULL,
                      file = paste0(dataset, ".csv"), factors = NULL) {
  list(id = id, dataset = dataset, file = file, formula = formula, REML = REML,
       note = note, factors = factors)
}

sleepstudy_levels <- function() {
  list(Subject = c("308", "309", "310", "330", "331", "332", "333", "334", "335",
                   "337", "349", "350", "351", "352", "369", "370", "371", "372"))
}

reference_models <- function() {
  list(
    ref_entry("sleepstudy_slope_only", "sleepstudy", "Reaction ~ Days + (0 + Days | Subject)"),
    ref_entry("sleepstudy_two_terms", "sleepstudy",
              "Reaction ~ Days + (1 | Subject) + (0 + Days | Subject)",
              note = "the same model as (Days || Subject), written as two terms"),
    ref_entry("sleepstudy_transforms", "sleepstudy",
              "Reaction ~ log(Days + 1) + I(Days^2) + (1 | Subject)",
              note = "R's ^ inside I() is a power: I(Days^2) is Days squared"),
    ref_entry("sleepstudy_days_grouping", "sleepstudy",
              "Reaction ~ 1 + (1 | Days) + (1 | Subject)",
              note = "Days is numeric in the data; as a grouping factor it is categorical (10 levels)"),
    ref_entry("sleepstudy_uncorrelated_ml", "sleepstudy", "Reaction ~ Days + (Days || Subject)",
              REML = FALSE),
    ref_entry("sleepstudy_missing", "sleepstudy_na",
              "Reaction ~ Days + (Days | Subject)", factors = sleepstudy_levels(),
              note = paste("sleepstudy with NA injected: Reaction rows 3, 25, 60, 101, 150;",
                           "Days rows 10, 77; Subject row 130 (1-based); lme4 drops those 8 rows")),
    ref_entry("cake_crossed_nested", "cake",
              "angle ~ recipe + temperature + (1 | replicate) + (1 | recipe:replicate)"),
    ref_entry("cake_factor_slope", "cake", "angle ~ recipe + (0 + recipe | replicate)",
              note = "a factor on the left of the bar: 3 correlated random effects per replicate"),
    ref_entry("cake_rank_deficient", "cake",
              "angle ~ recipe + temperature + temp + (1 | replicate)",
              note = "temp is numeric and equals temperature: lme4 drops the aliased column (X_dropped)"),
    ref_entry("pastes_explicit_nesting", "Pastes", "strength ~ 1 + (1 | batch) + (1 | batch:cask)"),
    ref_entry("pastes_nested_ml", "Pastes", "strength ~ 1 + (1 | batch/cask)", REML = FALSE),
    ref_entry("penicillin_crossed_ml", "Penicillin", "diameter ~ 1 + (1 | plate) + (1 | sample)",
              REML = FALSE),
    ref_entry("dyestuff_ml", "Dyestuff", "Yield ~ 1 + (1 | Batch)", REML = FALSE),
    ref_entry("seedlike_uncorrelated", "seedlike", "y ~ x + m + (x || school)"),
    ref_entry("seedlike_crosslevel_ml", "seedlike", "y ~ x * m + (1 + x | school)", REML = FALSE),
    ref_entry("insteval_full", "InstEval",
              "y ~ service + lectage + studage + (1 | s) + (1 | d) + (1 | dept:service)",
              note = "the model of Bates et al. (2015, JSS), section 2 of the lme4 paper"),
    ref_entry("insteval_service_slope", "InstEval",
              "y ~ service + (1 | s) + (1 + service | d)",
              note = "a large crossed model whose second term has two columns (a factor slope)")
  )
}

# tests/data/sleepstudy_na.csv: sleepstudy with missing values at fixed rows.
make_missing_data <- function(data_dir) {
  df <- read.csv(file.path(data_dir, "sleepstudy.csv"), stringsAsFactors = FALSE)
  df$Subject <- as.character(df$Subject)
  df$Reaction[c(3, 25, 60, 101, 150)] <- NA
  df$Days[c(10, 77)] <- NA
  df$Subject[130] <- NA
  write.csv(df, file.path(data_dir, "sleepstudy_na.csv"), row.names = FALSE, na = "NA")
}
