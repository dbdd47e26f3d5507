#!/usr/bin/env Rscript
# Reference values for canary_judge::compare::signed_rank, written to
# tests/fixtures/signed_rank.json.
#
# Independent implementation: R's stats::wilcox.test(canary, baseline, paired = TRUE)
# and stats::psignrank. Cases: R's documented example (?wilcox.test: the depression
# scores of Hollander & Wolfe, p. 29), seeded pairs without ties (exact below n = 50,
# and exact = TRUE up to n = 1000), rounded pairs with ties and zero differences
# (normal approximation with and without continuity correction), and count pairs
# (Poisson-like errors per tick, many ties and zeros). Each case: both samples, the
# alternative, the exact and correct flags, R's V and p-value.
#
# Run: apt-get install r-base-core r-cran-coin; Rscript scripts/gen_signed_rank_fixtures.R
set.seed(20261201)
num <- function(x) sprintf("%.17g", x)
vec <- function(x) paste0("[", paste(num(x), collapse = ", "), "]")
flag <- function(x) if (is.na(x)) "null" else if (x) "true" else "false"
out <- c()
add <- function(baseline, canary, alternative, exact = NA, correct = TRUE) {
  r <- suppressWarnings(wilcox.test(canary, baseline, paired = TRUE,
                                    alternative = alternative,
                                    exact = if (is.na(exact)) NULL else exact,
                                    correct = correct))
  out <<- c(out, paste0('  {"baseline": ', vec(baseline), ', "canary": ', vec(canary),
                        ', "alternative": "', alternative, '", "exact": ', flag(exact),
                        ', "correct": ', flag(correct), ', "statistic": ', num(unname(r$statistic)),
                        ', "p_value": ', num(r$p.value), '}'))
}
# ?wilcox.test: x = before (first), y = after (second); R tests x - y.
x <- c(1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30)
y <- c(0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29)
for (alt in c("two.sided", "greater", "less")) add(y, x, alt)
# No ties: Auto (exact below 50) and forced exact up to 1000.
for (n in c(5, 12, 30, 49, 50, 80)) {
  for (alt in c("two.sided", "greater", "less")) {
    b <- rlnorm(n); c <- rlnorm(n) * exp(rnorm(1, 0, 0.3))
    add(b, c, alt)
  }
}
for (n in c(200, 600, 1000)) {
  b <- rnorm(n); c <- rnorm(n) + 0.05
  add(b, c, "greater", exact = TRUE)
  add(b, c, "two.sided", exact = TRUE)
}
# Ties and zeros: rounded values; with and without continuity correction.
for (n in c(10, 25, 60, 300)) {
  for (alt in c("two.sided", "greater", "less")) {
    b <- round(rnorm(n, 10, 2)); c <- round(rnorm(n, 10.5, 2))
    add(b, c, alt)
    add(b, c, alt, correct = FALSE)
  }
}
# Counts per tick: errors out of similar traffic, bursty.
for (n in c(20, 100, 500)) {
  lam <- rgamma(n, 2, 0.2)
  b <- rpois(n, lam); c <- rpois(n, lam * 1.2)
  add(b, c, "greater")
  add(b, c, "two.sided")
}
json <- paste0('{"source": "R ', R.version$major, ".", R.version$minor,
               ' stats::wilcox.test(paired = TRUE)", "cases": [\n', paste(out, collapse = ",\n"), "\n]}\n")
here <- dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE)))
writeLines(json, file.path(here, "..", "tests", "fixtures", "signed_rank.json"), sep = "")

# The exact distribution given ties and zeros (the permutation distribution of V over
# the signs of the non-zero differences, zeros dropped), from the coin package
# (apt-get install r-cran-coin): coin::wilcoxsign_test(distribution = "exact",
# zero.method = "Wilcoxon"). Written to tests/fixtures/signed_rank_exact_ties.json.
suppressPackageStartupMessages(library(coin))
set.seed(20261202)
out <- c()
add_exact <- function(baseline, canary, alternative) {
  r <- suppressWarnings(wilcox.test(canary, baseline, paired = TRUE, exact = FALSE))
  d <- data.frame(c = canary, b = baseline)
  p <- pvalue(wilcoxsign_test(c ~ b, data = d, distribution = "exact",
                              zero.method = "Wilcoxon", alternative = alternative))
  out <<- c(out, paste0('  {"baseline": ', vec(baseline), ', "canary": ', vec(canary),
                        ', "alternative": "', alternative, '", "statistic": ',
                        num(unname(r$statistic)), ', "p_value": ', num(as.numeric(p)), '}'))
}
for (n in c(6, 15, 40, 120)) {
  for (alt in c("two.sided", "greater", "less")) {
    # Rounded values: ties and zeros.
    b <- round(rnorm(n, 10, 2)); c <- round(rnorm(n, 10.6, 2))
    add_exact(b, c, alt)
    # Counts per tick: many ties, many zeros.
    lam <- rgamma(n, 1, 0.5)
    b <- rpois(n, lam); c <- rpois(n, lam * 1.5)
    add_exact(b, c, alt)
  }
}
# Every difference tied in magnitude (a sign test in disguise) and a far tail.
add_exact(rep(0, 20), c(rep(1, 15), rep(-1, 5)), "greater")
add_exact(rep(0, 60), c(rep(2, 58), rep(-2, 2)), "greater")
add_exact(rep(0, 60), c(rep(2, 58), rep(-2, 2)), "two.sided")
json <- paste0('{"source": "R ', R.version$major, ".", R.version$minor, ' coin ',
               as.character(packageVersion("coin")),
               ' wilcoxsign_test(distribution = \\"exact\\", zero.method = \\"Wilcoxon\\")", "cases": [\n',
               paste(out, collapse = ",\n"), "\n]}\n")
writeLines(json, file.path(here, "..", "tests", "fixtures", "signed_rank_exact_ties.json"), sep = "")
