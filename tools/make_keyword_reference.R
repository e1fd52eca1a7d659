# lme4's fit of Hsb82 with its columns renamed to names Python cannot spell (a keyword,
# a space, an R reserved word), for tests/spec/test_keyword_columns.py.
#
#   Rscript tools/make_keyword_reference.R    # writes tests/data/keywords/hsb82_keywords_lme4.json
#
# Run from the repository root. Needs R with lme4 and jsonlite.
suppressMessages({library(lme4); library(jsonlite)})
d <- read.csv("tests/data/Hsb82.csv", stringsAsFactors = FALSE)
d$school <- factor(d$school)
d$sector <- factor(d$sector)
names(d)[names(d) == "sector"] <- "class"    # a Python keyword: a plain name in R
names(d)[names(d) == "cses"] <- "lambda"     # a Python keyword
names(d)[names(d) == "meanses"] <- "my var"  # a space: backticks
names(d)[names(d) == "school"] <- "if"       # an R reserved word: backticks
formula <- "mAch ~ class * lambda + `my var` + I(lambda^2) + (1 + lambda | `if`)"
m <- lmer(as.formula(formula), d, REML = TRUE)
vc <- as.data.frame(VarCorr(m))
out <- list(
  source = "lme4 lmer on tests/data/Hsb82.csv (mlmRev::Hsb82), columns renamed",
  formula = formula, lme4 = as.character(packageVersion("lme4")),
  renamed = list(class = "sector", lambda = "cses", "my var" = "meanses", "if" = "school"),
  nobs = nobs(m), REMLcrit = unname(REMLcrit(m)),
  fixef = as.list(fixef(m)), fixef_names = names(fixef(m)),
  se = as.list(setNames(sqrt(diag(as.matrix(vcov(m)))), names(fixef(m)))),
  theta = unname(getME(m, "theta")), sigma = sigma(m),
  ranef_names = names(ranef(m)[["if"]]), group = names(ranef(m)),
  Z_first_columns = head(colnames(getME(m, "Z")), 4),
  vcov_names = vc$var1[!is.na(vc$var1)]
)
write(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE),
      "tests/data/keywords/hsb82_keywords_lme4.json")
print(fixef(m)); print(getME(m, "theta"))
