"""Synthetic demo exports of the three PEO waves (2021, 2022, 2023).

The real raw exports are personal data and never leave the research team. The repository
therefore ships three SYNTHETIC exports, one per wave, that look and misbehave like real
ones, so that the whole pipeline (validate, clean, analyse, publish) runs from a clean
clone. ``python -m peo synth`` writes them; with the fixed :data:`DEMO_SEED` the files are
byte-identical on every run and on every machine with the locked packages.

How the answers are made
------------------------
Every respondent gets a latent *experienced professional space* ``S ~ N(mu_g, 1)`` whose
mean depends on the employer type ``g`` (GI, JZ, LT), and a latent workload that falls as
``S`` rises. Each ordinal item is a noisy copy of its driver::

    y*_ij = loading_j * driver_i + shift_jg + sqrt(1 - loading_j**2) * e_ij

cut into answer codes at thresholds. The thresholds are the sample quantiles of ``y*``
among the respondents who will survive cleaning, at the cumulative target shares of the
codes (:data:`ITEM_MODEL`, and :data:`WAVE_TARGETS` for the headline items). So the
headline shares of the analysed respondents hit the published 2022 figures to within
rounding, whatever the seed, while group differences (``shift_jg``) and the links between
items and outcomes come from the latent model. Multiple-choice options are logistic in
the latent variables; numeric items are drawn from plausible distributions.

On top of the respondents who survive cleaning each export holds the rows cleaning must
exclude (no consent, incomplete, exact duplicates, a new id with a copied answer pattern,
speeders, no employer type) and, among the valid respondents, values cleaning must set to
missing ("weet niet", out-of-range codes, text in a number field, an impossible number).
Open answers are built from Dutch sentence fragments; the invented identifying details of
``peo/data/demo_pii.yml`` are planted in them, as are HTML and spreadsheet formulas, so
that de-identification and the publication scan have something to find.

The three export shapes (described in ``data/raw/README.md``):

* 2021: an SPSS ``.sav`` file with value labels and variable labels;
* 2022: a survey-tool (Qualtrics) CSV: UTF-8 with BOM, three header rows;
* 2023: a plain semicolon-separated cp1252 CSV with Dutch column names.

The package, one job per module: :mod:`.waves` (what each demo wave is and its
configuration), :mod:`.model` (the latent model of the answers), :mod:`.open_answers` (open
answers and planted details), :mod:`.rows` (the rows of an export), :mod:`.writers` (the
three export shapes), :mod:`.demo` (:func:`generate`, ``python -m peo synth``) and
:mod:`.scaled` (:func:`generate_scaled`, for benchmarks).
"""

from peo.ingest.synth.demo import generate, main
from peo.ingest.synth.open_answers import PII
from peo.ingest.synth.scaled import MIN_SCALED, generate_scaled
from peo.ingest.synth.waves import DEMO_SEED, SPECS, WAVES

__all__ = ["DEMO_SEED", "PII", "SPECS", "WAVES", "MIN_SCALED", "generate", "generate_scaled", "main"]
