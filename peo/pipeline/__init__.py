"""The pipeline: the steps a wave passes through, and the build that runs them.

``steps``      what runs: the step model, the steps of the report, one run spec per wave
``cleaning``   the cleaning step (``python -m peo clean``) and reading its outputs back
``state``      fingerprints, the state file and the cues that decide a rerun (standard library)
``engine``     the build itself (``python -m peo build``): check, decide, run, report
``builder``    running one build's jobs: waves side by side, staging, publishing, failures
``notebooks``  executing and finalising notebooks, the kernel a wave's notebooks share
``bookbuild``  writing the book sources and running Jupyter Book
``progress``   progress lines and the summary of a build

Nothing is imported here: ``python -m peo build`` imports ``engine``, which decides whether
anything must run before it imports the heavy modules.
"""

__all__: list[str] = []
