"""peo: the reproducible research pipeline of the Professionalervaringsonderzoek (PEO).

The package is flat; each module is named after what it handles:

``errors``      typed, actionable exceptions
``paths``       where the repository keeps raw data, processed data and the book
``codebook``    the codebook (items, answer scales, constructs) as data
``config``      the wave configuration (``data/raw/<wave>/wave.yml``)
``load``        readers for raw exports (CSV, Excel, SPSS)
``validate``    validation of a raw export against its codebook (pandera)
``clean``       cleaning with an account for every respondent
``manifest``    checksums of the raw files
``synth``       the synthetic demo waves
``cli``         ``python -m peo ...``
"""

__version__ = "0.1.0"
