#!/usr/bin/env Rscript
# Reference values for canary_judge::policy::multiplicity, written to
# tests/fixtures/multiplicity.json.
#
# Independent implementation: R's stats::p.adjust (methods bonferroni, holm,
# hochberg, BH, BY) on seeded p-value vectors: sizes 1 to 60, with ties, exact
# zeros and ones, and values near the thresholds. No packages beyond base R.
#
# Run: apt-get install r-base-core; Rscript scripts/gen_multiplicity_fixtures.R
set.seed(20261201)
num <- function(x) sprintf("%.17g", x)
vec <- function(x) paste0("[", paste(num(x), collapse = ", "), "]")
cases <- list()
sizes <- c(1, 2, 3, 5, 5, 8, 13, 20, 33, 60)
for (i in seq_along(sizes)) {
  m <- sizes[i]
  p <- switch(1 + (i %% 4),
    runif(m),
    runif(m)^4,                              # many small p-values
    round(runif(m), 2),                      # ties
    c(0, 1, rbeta(max(m - 2, 0), 0.3, 1))[seq_len(m)] # zeros and ones
  )
  cases[[length(cases) + 1]] <- p
}
cases[[length(cases) + 1]] <- c(0.001, 0.012, 0.014, 0.030, 0.200)
methods <- c(bonferroni = "bonferroni", holm = "holm", hochberg = "hochberg",
             benjamini_hochberg = "BH", benjamini_yekutieli = "BY")
out <- c()
for (p in cases) {
  fields <- c(paste0('"p": ', vec(p)))
  for (name in names(methods)) {
    fields <- c(fields, paste0('"', name, '": ', vec(p.adjust(p, methods[[name]]))))
  }
  out <- c(out, paste0("  {", paste(fields, collapse = ", "), "}"))
}
json <- paste0('{"source": "R ', R.version$major, ".", R.version$minor,
               ' stats::p.adjust", "cases": [\n', paste(out, collapse = ",\n"), "\n]}\n")
here <- dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE)))
writeLines(json, file.path(here, "..", "tests", "fixtures", "multiplicity.json"), sep = "")
