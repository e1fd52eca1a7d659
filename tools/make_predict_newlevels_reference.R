# lme4's predict() on new data with unseen levels and missing values, for
# tests/fitting/test_predict_new_levels.py.
#   Rscript tools/make_predict_newlevels_reference.R   # writes tests/data/predict_newlevels_lme4.json
suppressMessages({library(lme4); library(jsonlite)})
cake <- read.csv("tests/data/cake.csv", colClasses = c(replicate = "character",
                 recipe = "character", temperature = "character"))
cake$replicate <- factor(cake$replicate, levels = as.character(1:15))
cake$recipe <- factor(cake$recipe)
m <- lmer(angle ~ recipe + temp + (1 | replicate), cake, REML = TRUE)
nd <- data.frame(recipe = c("A", "B", "C", "A"), temp = c(175, NA, 205, 215),
                 replicate = c("1", "2", "99", NA))
err <- function(e) conditionMessage(e)
lmm <- list(
  formula = "angle ~ recipe + temp + (1 | replicate)", REML = TRUE,
  newdata = nd,
  allow_new = unname(predict(m, nd, allow.new.levels = TRUE)),
  population = unname(predict(m, nd, re.form = NA)),
  default_error = tryCatch({predict(m, nd); "none"}, error = err),
  unseen_fixed_error = tryCatch({predict(m, data.frame(recipe = "D", temp = 175,
                                replicate = "1")); "none"}, error = err))
cbpp <- read.csv("tests/data/cbpp.csv", colClasses = c(herd = "character", period = "character"))
cbpp$herd <- factor(cbpp$herd, levels = as.character(1:15))
cbpp$period <- factor(cbpp$period, levels = as.character(1:4))
g <- glmer(cbind(incidence, size - incidence) ~ period + (1 | herd), cbpp, family = binomial)
gd <- data.frame(period = c("1", "2", "3", "4"), herd = c("1", "15", "99", NA))
glmm <- list(
  formula = "cbind(incidence, size - incidence) ~ period + (1 | herd)",
  newdata = gd,
  allow_new_link = unname(predict(g, gd, allow.new.levels = TRUE)),
  allow_new_response = unname(predict(g, gd, allow.new.levels = TRUE, type = "response")),
  default_error = tryCatch({predict(g, gd); "none"}, error = err),
  unseen_fixed_error = tryCatch({predict(g, data.frame(period = "5", herd = "1")); "none"},
                                error = err))
out <- list(source = paste("lme4", packageVersion("lme4"), "predict.merMod"), lmm = lmm, glmm = glmm)
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null"),
           "tests/data/predict_newlevels_lme4.json")
