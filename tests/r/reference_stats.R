# Reference values for tests/test_weighting.py and tests/test_groups.py (issue 10).
# Run: Rscript tests/r/reference_stats.R   (R with the packages survey and ordinal).
# The data sets are written out as counts, the same counts the Python tests use, so that
# both sides analyse identical respondents. The printed values are hard-coded in the tests.
suppressMessages({library(survey); library(ordinal)})
options(digits = 10)

from_counts <- function(counts) {
  # counts: list of employer type -> c(code1, ..., code5, missing)
  g <- c(); y <- c()
  for (grp in names(counts)) {
    k <- counts[[grp]]
    g <- c(g, rep(grp, sum(k)))
    y <- c(y, rep(c(1:5, NA), k))
  }
  data.frame(employer_type = g, y = y)
}

# ---- Data set W: post-stratification (ps_needed, headline box "disagree" = codes 1, 2)
W <- list(GI = c(9, 15, 10, 11, 5, 2), JZ = c(4, 10, 12, 16, 8, 1), LT = c(3, 7, 9, 15, 11, 0))
pop <- data.frame(employer_type = c("GI", "JZ", "LT"), Freq = c(430, 1400, 800))
d <- from_counts(W)
d <- d[!is.na(d$y), ]                      # respondents with a valid answer to the item
d$box <- as.numeric(d$y %in% c(1, 2))
d$agree <- as.numeric(d$y %in% c(4, 5))
d$w <- 1
des <- postStratify(svydesign(ids = ~1, weights = ~w, data = d), ~employer_type, pop)
cat("== W: svyciprop(~box, postStratify(svydesign(ids = ~1, weights = ~w, data = d), ~employer_type, pop))\n")
for (m in c("logit", "likelihood", "beta", "mean")) {
  r <- svyciprop(~box, des, method = m)
  cat(sprintf("method=%-10s p=%.10f se=%.10f lo=%.10f hi=%.10f\n", m, coef(r), SE(r), confint(r)[1], confint(r)[2]))
}
cat(sprintf("degf=%d  unweighted p=%.10f\n", degf(des), mean(d$box)))
# The other box of the same respondents: "agree" = codes 4, 5.
r <- svyciprop(~agree, des, method = "logit")
cat(sprintf("agree logit p=%.10f se=%.10f lo=%.10f hi=%.10f\n", coef(r), SE(r), confint(r)[1], confint(r)[2]))

# ---- Proportional odds: LR test against the model that frees the employer-type effects
# at every cut-point (ordinal::nominal_test; with employer type the only predictor that
# model is saturated per group).
po <- function(name, counts) {
  dd <- from_counts(counts); dd <- dd[!is.na(dd$y), ]
  dd$y <- factor(dd$y, ordered = TRUE); dd$employer_type <- factor(dd$employer_type)
  fit <- clm(y ~ employer_type, data = dd)
  nom <- clm(y ~ 1, nominal = ~employer_type, data = dd)   # what nominal_test(fit) fits
  a <- anova(fit, nom)
  cat(sprintf("== %s: anova(clm(y ~ employer_type), clm(y ~ 1, nominal = ~employer_type)): LR=%.10f df=%d p=%.10g\n",
              name, a$LR.stat[2], a$df[2], a$`Pr(>Chisq)`[2]))
}
po("W", W)
P <- list(GI = c(15, 5, 5, 5, 15, 0), JZ = c(5, 10, 15, 10, 5, 0), LT = c(4, 8, 12, 12, 9, 0))
po("P (violates)", P)

# ---- Chi-square along the codebook's boxes: (1,2) | 3 | (4,5) by employer type.
chi <- function(name, counts) {
  d <- from_counts(counts); d <- d[!is.na(d$y), ]
  b <- cut(d$y, c(0, 2, 3, 5), labels = c("disagree", "neutral", "agree"))
  t <- suppressWarnings(chisq.test(table(d$employer_type, b), correct = FALSE))
  cat(sprintf("== %s: chisq.test(table(employer_type, box3)): X2=%.10f df=%d p=%.10g min.expected=%.4f\n",
              name, t$statistic, t$parameter, t$p.value, min(t$expected)))
}
S <- list(GI = c(2, 6, 6, 14, 7, 0), JZ = c(3, 5, 7, 12, 8, 0), LT = c(8, 9, 6, 5, 2, 0))
chi("S (five answers too sparse, three boxes suffice)", S)
