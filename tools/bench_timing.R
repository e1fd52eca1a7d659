# The timing routine of the lme4 benchmark scripts (tools/lme4_bench.R, lme4_glmm_bench.R,
# lme4_inference_bench.R): wall-clock seconds (proc.time's elapsed) of a function's call, and
# the same repeated. The Python side times with benchmarks/timing.py. Each script loads this
# file from its own folder:
#   source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))), "bench_timing.R"))

# list(seconds, value) of one call of fun()
elapsed <- function(fun) {
  t0 <- proc.time()[["elapsed"]]
  value <- fun()
  list(seconds = proc.time()[["elapsed"]] - t0, value = value)
}

# Call fun() max_repeats times (at least once), stopping early once budget seconds have
# passed: list(times = each call's seconds, value = the last call's value)
repeat_timed <- function(fun, max_repeats, budget = Inf) {
  times <- numeric(0)
  value <- NULL
  start <- proc.time()[["elapsed"]]
  for (i in seq_len(max(1, max_repeats))) {
    r <- elapsed(fun)
    times <- c(times, r$seconds)
    value <- r$value
    if (proc.time()[["elapsed"]] - start > budget) break
  }
  list(times = times, value = value)
}
