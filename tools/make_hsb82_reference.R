# Reference for X's column names (R's terms() ordering inside interactions) and the fit:
# High School and Beyond (mlmRev's Hsb82). Run: Rscript tools/make_hsb82_reference.R
suppressMessages({library(lme4); library(mlmRev); library(jsonlite)})
d <- Hsb82
m <- lmer(mAch ~ meanses * cses + sector * cses + (cses | school), data = d, REML = TRUE)
write.csv(d[, c("school", "mAch", "meanses", "cses", "sector")], "tests/data/Hsb82.csv",
          row.names = FALSE)
out <- list(source = paste0("R ", getRversion(), ", lme4 ", packageVersion("lme4"), ", mlmRev ",
                            packageVersion("mlmRev"), ": lmer(mAch ~ meanses * cses + sector * cses",
                            " + (cses | school), Hsb82, REML = TRUE)"),
            x_columns = colnames(getME(m, "X")), fixef = as.list(fixef(m)),
            sigma = sigma(m), theta = getME(m, "theta"), sector_levels = levels(d$sector))
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE), "tests/data/hsb82_lme4.json")
