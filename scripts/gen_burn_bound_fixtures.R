#!/usr/bin/env Rscript
# Reference values for canary_judge::burn::safeguards::burn_lower_bound, written to
# tests/fixtures/burn_bound.json.
#
# Independent implementation: R's stats::qbeta. The one-sided Clopper-Pearson lower
# bound for x events in n trials at confidence level L is qbeta(1 - L, x, n - x + 1)
# (the lower end of binom.test(x, n, alternative = "greater", conf.level = L)).
# Cases: counts from 1 to 2^32, levels 0.5 to 0.999999.
#
# Run: apt-get install r-base-core; Rscript scripts/gen_burn_bound_fixtures.R
num <- function(x) sprintf("%.17g", x)
out <- c()
for (n in c(10, 1000, 1e5, 1e7, 2^32)) {
  for (x in unique(c(1, 2, 7, round(n * 0.001), round(n * 0.3), n - 1, n))) {
    if (x < 1 || x > n) next
    for (level in c(0.5, 0.9, 0.99, 0.999999)) {
      p <- qbeta(1 - level, x, n - x + 1)
      out <- c(out, paste0('  {"events": ', num(x), ', "total": ', num(n), ', "level": ', num(level),
                           ', "lower": ', num(p), '}'))
    }
  }
}
json <- paste0('{"source": "R ', R.version$major, ".", R.version$minor,
               ' stats::qbeta(1 - level, x, n - x + 1)", "cases": [\n', paste(out, collapse = ",\n"), "\n]}\n")
here <- dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE)))
writeLines(json, file.path(here, "..", "tests", "fixtures", "burn_bound.json"), sep = "")
