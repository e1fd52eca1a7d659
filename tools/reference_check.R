# Refit the given references (tests/data/reference/*.json) with tools/reference_fit.R
# and report every field that differs. Sourced by tools/make_references.R --check.

numeric_fields <- c("fixef", "fixef_se", "theta", "sigma", "logLik", "deviance",
                    "REMLcrit", "AIC", "BIC", "nobs", "Z_nnz", "Z_dim")
exact_fields <- c("X_colnames", "Z_colnames_head", "theta_names", "ngrps")

max_rel_diff <- function(a, b) {
  a <- as.numeric(unlist(a))
  b <- as.numeric(unlist(b))
  if (length(a) != length(b)) return(Inf)
  if (length(a) == 0) return(0)
  max(abs(a - b) / pmax(abs(b), 1e-8))
}

compare_reference <- function(given, mine, tol) {
  problems <- character(0)
  for (f in numeric_fields) {
    d <- max_rel_diff(mine[[f]], given[[f]])
    if (d > tol) problems <- c(problems, sprintf("%s: max rel diff %.3g", f, d))
  }
  for (f in exact_fields) {
    if (!identical(unlist(mine[[f]]), unlist(given[[f]]))) {
      problems <- c(problems, sprintf("%s differs", f))
    }
  }
  d <- max_rel_diff(mine$varcorr$sdcor, given$varcorr$sdcor)
  if (d > tol) problems <- c(problems, sprintf("varcorr sdcor: max rel diff %.3g", d))
  for (g in names(given$ranef)) {
    d <- max_rel_diff(mine$ranef[[g]]$values, given$ranef[[g]]$values)
    if (d > 1e-4) problems <- c(problems, sprintf("ranef %s: max rel diff %.3g", g, d))
  }
  problems
}

check_given_references <- function(ref_dir, data_dir, factors, tol = 1e-6) {
  all_ok <- TRUE
  for (path in sort(Sys.glob(file.path(ref_dir, "*.json")))) {
    given <- fromJSON(path, simplifyVector = FALSE)
    levels <- factors[[given$dataset]]
    if (is.null(levels)) levels <- list()
    entry <- ref_entry(given$id, given$dataset, given$formula, isTRUE(given$REML))
    data <- load_dataset(data_dir, entry$file, levels)
    fit <- fit_recorded(entry$formula, data, entry$REML)
    mine <- describe_fit(entry, fit$model, fit$seconds, fit$notes, data, levels)
    mine <- fromJSON(toJSON(mine, auto_unbox = TRUE, digits = NA, null = "null", na = "null"),
                     simplifyVector = FALSE)
    problems <- compare_reference(given, mine, tol)
    all_ok <- all_ok && length(problems) == 0
    cat(sprintf("%-26s %s (lme4 %.3f s here, %.3f s in the reference)\n", given$id,
                if (length(problems) == 0) "same" else paste(problems, collapse = "; "),
                fit$seconds, given$lme4_seconds))
  }
  all_ok
}
