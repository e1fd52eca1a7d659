# Extra lme4 reference fits for mixeq's tests.
#
#   Rscript tools/make_references.R            # write tests/data/reference_extra/*.json
#   Rscript tools/make_references.R --only=id1,id2   # just those models
#   Rscript tools/make_references.R --check    # refit tests/data/reference/*.json and compare
#
# Run from the repository root. Needs R with lme4 and jsonlite.
args <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("^--file=", "", args[grep("^--file=", args)])))
source(file.path(here, "reference_fit.R"))
source(file.path(here, "reference_models.R"))
source(file.path(here, "reference_check.R"))

data_dir <- "tests/data"
out_dir <- "tests/data/reference_extra"
factors <- fromJSON(file.path(data_dir, "factors.json"), simplifyVector = FALSE)

make_one <- function(entry) {
  levels <- if (is.null(entry$factors)) factors[[entry$dataset]] else entry$factors
  if (is.null(levels)) levels <- list()
  data <- load_dataset(data_dir, entry$file, levels)
  fit <- fit_recorded(entry$formula, data, entry$REML)
  ref <- describe_fit(entry, fit$model, fit$seconds, fit$notes, data, levels)
  write_reference(ref, file.path(out_dir, paste0(entry$id, ".json")))
  cat(sprintf("%-34s nobs=%-6d crit=%.6f  %s\n", entry$id, ref$nobs,
              if (entry$REML) ref$REMLcrit else ref$deviance,
              paste(fit$notes, collapse = " | ")))
}

if ("--check" %in% commandArgs(trailingOnly = TRUE)) {
  ok <- check_given_references(file.path(data_dir, "reference"), data_dir, factors)
  quit(status = if (ok) 0 else 1)
}
# --only id1,id2: refit just those models
only <- sub("^--only=", "", grep("^--only=", commandArgs(trailingOnly = TRUE), value = TRUE))
make_missing_data(data_dir)
dir.create(out_dir, showWarnings = FALSE)
for (entry in reference_models()) {
  if (length(only) == 0 || entry$id %in% strsplit(only, ",")[[1]]) make_one(entry)
}
