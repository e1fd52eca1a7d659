# lme4's conversion between the profile's (sd, cor …, σ) scale and θ (lme4:::Sv_to_Cv, the
# function profile.merMod's deviance calls) for mixeq's tests of varcomp.to_theta.
#
#   Rscript tools/make_varcomp_references.R   # writes tests/data/inference_varcomp/sv_to_cv.json
#
# Run from the repository root. Needs R with lme4 and jsonlite.
suppressMessages({library(lme4); library(jsonlite)})
set.seed(20261202)
cases <- list()
add <- function(id, sizes, v, s) {
  theta <- as.numeric(lme4:::Sv_to_Cv(c(v, s), n = sizes, s = s))
  cases[[length(cases) + 1]] <<- list(id = id, sizes = sizes, sdcor = c(v, s), theta = theta)
}
# interior points: random covariances of 1 × 1, 2 × 2 and 3 × 3 terms, alone and together
for (r in 1:6) {
  for (k in c(1, 2, 3)) {
    L <- matrix(0, k, k); L[lower.tri(L, diag = TRUE)] <- rnorm(k * (k + 1) / 2)
    diag(L) <- abs(diag(L)) + 0.1
    v <- lme4:::Cv_to_Sv(L[lower.tri(L, diag = TRUE)], n = k)   # no s: no σ appended
    add(sprintf("random_%dx%d_%d", k, k, r), k, as.numeric(v), round(runif(1, 0.2, 5), 3))
  }
}
add("two_terms", c(2, 1), c(2, 0.3, 1, 0.7), 0.5)
# the boundary: a correlation of ±1 (singular), zero SDs (their correlations play no part)
add("cor_one", 2, c(2, 1, 1), 0.5)
add("cor_minus_one", 2, c(1.5, -1, 3), 2)
add("first_sd_zero", 2, c(0, 0.3, 1), 0.5)
add("last_sd_zero", 2, c(2, -0.4, 0), 1.5)
add("middle_sd_zero_3x3", 3, c(1, 0.5, 0.2, 0, 0.9, 2), 1)
add("all_zero", 2, c(0, 0, 0), 1)
add("singular_3x3", 3, c(1, 1, 0.5, 2, 0.5, 3), 1)
# the other way (lme4:::Cv_to_Sv, no σ: a GLMM's scale) at glmer's estimate of the
# Poisson slope model in tests/data/inference_glmm (a bootstrap replicate's θ → sd/cor)
glmm <- fromJSON("tests/data/inference_glmm/sleep_poisson_slope.json")
cv_to_sv <- list(list(id = "sleep_poisson_slope", sizes = 2, theta = glmm$theta,
                      sdcor = as.numeric(lme4:::Cv_to_Sv(glmm$theta, n = 2))))
out <- list(source = paste0("lme4 ", packageVersion("lme4"), " lme4:::Sv_to_Cv(c(sdcor), n = sizes, s = sigma)",
                            " (tools/make_varcomp_references.R)"),
            cases = cases, cv_to_sv = cv_to_sv)
dir.create("tests/data/inference_varcomp", showWarnings = FALSE)
write(toJSON(out, digits = NA, auto_unbox = FALSE, pretty = TRUE), "tests/data/inference_varcomp/sv_to_cv.json")
cat(length(cases), "cases\n")
