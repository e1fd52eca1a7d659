# Fit one model with lme4 and describe it as a list in the format of
# tests/data/reference/*.json. Sourced by tools/make_references.R.
suppressPackageStartupMessages({
  library(lme4)
  library(jsonlite)
})

# Read a data set of tests/data with R's factors restored from factors.json.
load_dataset <- function(data_dir, file, factor_levels) {
  df <- read.csv(file.path(data_dir, file), stringsAsFactors = FALSE)
  for (col in names(factor_levels)) {
    if (col %in% names(df)) {
      df[[col]] <- factor(as.character(df[[col]]), levels = unlist(factor_levels[[col]]))
    }
  }
  df
}

# lmer with its messages and warnings recorded instead of printed.
fit_recorded <- function(formula, data, reml) {
  notes <- character(0)
  t0 <- proc.time()[["elapsed"]]
  m <- withCallingHandlers(
    lmer(as.formula(formula), data = data, REML = reml),
    message = function(c) {
      notes <<- c(notes, trimws(conditionMessage(c)))
      invokeRestart("muffleMessage")
    },
    warning = function(c) {
      notes <<- c(notes, trimws(conditionMessage(c)))
      invokeRestart("muffleWarning")
    }
  )
  list(model = m, seconds = proc.time()[["elapsed"]] - t0, notes = notes)
}

# A table (anova, coefficients) as JSON-ready columns: name → {row name → value}, NA kept.
as_table <- function(x) {
  x <- as.data.frame(x, check.names = FALSE)
  out <- list()
  for (col in names(x)) {
    v <- as.list(x[[col]]); names(v) <- rownames(x)
    out[[col]] <- lapply(v, function(e) if (is.na(e)) NA else e)
  }
  out
}

varcorr_frame <- function(m) {
  vc <- as.data.frame(VarCorr(m))
  list(grp = I(vc$grp), var1 = I(vc$var1), var2 = I(vc$var2),
       vcov = I(vc$vcov), sdcor = I(vc$sdcor))
}

ranef_list <- function(m) {
  re <- ranef(m, condVar = FALSE)
  out <- list()
  for (g in names(re)) {
    frame <- re[[g]]
    out[[g]] <- list(levels = I(rownames(frame)), columns = I(colnames(frame)),
                     values = unname(as.matrix(frame)))
  }
  out
}

# Describe the fitted model `m` as the reference JSON does.
describe_fit <- function(entry, m, seconds, notes, data, factor_levels) {
  X <- getME(m, "X")
  Z <- getME(m, "Z")
  reml <- isREML(m)
  ll <- logLik(m)
  used <- intersect(all.vars(as.formula(entry$formula)), names(factor_levels))
  dropped <- attr(X, "col.dropped")
  list(
    id = entry$id,
    dataset = entry$dataset,
    dataset_file = entry$file,
    formula = entry$formula,
    REML = reml,
    family = "gaussian",
    nobs = nobs(m),
    rows_in_data = nrow(data),
    factors = factor_levels[used],
    ngrps = as.list(ngrps(m)),
    fixef = as.list(fixef(m)),
    fixef_se = as.list(setNames(sqrt(diag(as.matrix(vcov(m)))), names(fixef(m)))),
    theta = I(unname(getME(m, "theta"))),
    theta_names = I(names(getME(m, "theta"))),
    sigma = sigma(m),
    logLik = as.numeric(ll),
    deviance = if (reml) NULL else deviance(m),
    REMLcrit = if (reml) REMLcrit(m) else NULL,
    AIC = AIC(m),
    BIC = BIC(m),
    singular = isSingular(m),
    varcorr = varcorr_frame(m),
    ranef = ranef_list(m),
    Z_dim = I(dim(Z)),
    Z_nnz = Matrix::nnzero(Z),
    X_colnames = I(colnames(X)),
    X_dropped = I(if (is.null(dropped)) character(0) else names(dropped)),
    Z_colnames_head = I(head(colnames(Z), 20)),
    lme4_messages = I(notes),
    note = entry$note,
    lme4_version = as.character(packageVersion("lme4")),
    R_version = paste(R.version$major, R.version$minor, sep = "."),
    lme4_seconds = seconds
  )
}

write_reference <- function(ref, path) {
  write_json(ref, path, auto_unbox = TRUE, pretty = TRUE, digits = NA,
             null = "null", na = "null")
}
