"""The three bundled demo exports: ``python -m peo synth``.

:func:`generate` writes the synthetic exports of the demo waves 2021, 2022 and 2023 (with the
fixed :data:`~peo.ingest.synth.waves.DEMO_SEED` they are byte-identical on every run);
:func:`main` is the command.
"""

from __future__ import annotations

from pathlib import Path

from peo import paths
from peo.errors import ConfigError, PeoError
from peo.ingest.synth.rows import build_rows
from peo.ingest.synth.waves import ADMIN, DEMO_SEED, SPECS, check_config, fieldwork, wave_config, wave_rng
from peo.ingest.synth.writers import write_export

__all__ = ["generate", "main"]


def generate(out_dir: Path | None = None, seed: int = DEMO_SEED) -> list[Path]:
    """Write the three synthetic demo exports.

    Parameters
    ----------
    out_dir : Path, optional
        Folder to write into; each export goes to ``<out_dir>/<wave>/``. Default:
        ``data/raw`` (:func:`peo.paths.raw_dir`). Only the three export files are
        written; nothing else in the folder is touched.
    seed : int, optional
        Random seed (default :data:`DEMO_SEED`). Each wave draws from its own
        ``numpy.random.Generator`` derived from the seed and the wave id, so the same
        seed gives byte-identical files.

    Returns
    -------
    list of Path
        The written files, in wave order (2021, 2022, 2023).

    Raises
    ------
    ConfigError
        If a demo wave's ``wave.yml`` is missing, malformed, or does not match the
        synthetic export (file name, administrative columns); or if writing into
        ``data/raw`` would overwrite the export of a wave not marked ``synthetic: true``.
    CodebookError
        If a wave's codebooks cannot be read.
    PeoError
        If the SPSS header layout is not the expected one.
    """
    out = Path(out_dir) if out_dir is not None else paths.raw_dir()
    plans = []  # check every wave before writing anything
    for wave, spec in SPECS.items():
        cfg, codebook = wave_config(wave)
        cfg_path = paths.raw_dir() / wave / "wave.yml"
        check_config(spec, cfg, ADMIN[wave], cfg_path)
        fw = fieldwork(cfg, cfg_path)
        target = out / wave / spec.file
        if cfg.get("synthetic") is not True and target.resolve() == (paths.raw_dir() / wave / spec.file).resolve():
            raise ConfigError(
                f"{cfg_path} does not say 'synthetic: true', so {target} may be a real export (personal data); "
                "python -m peo synth will not overwrite it. Write the demo exports elsewhere with --out DIR."
            )
        plans.append((wave, spec, cfg, codebook, fw, target))
    written = []
    for wave, spec, cfg, codebook, fw, target in plans:
        rows = build_rows(wave_rng(seed, wave), spec, codebook, fw)
        write_export(wave, target, rows, codebook, cfg, fw)
        written.append(target)
    return written


def main(args) -> int:
    """``python -m peo synth [--out DIR] [--seed N]``: write the demo exports and list them.

    Raises
    ------
    PeoError
        If the exports cannot be written (see :func:`generate`), or the output folder
        cannot be created or written to.
    """
    out = Path(args.out) if getattr(args, "out", None) else None
    seed = args.seed if getattr(args, "seed", None) is not None else DEMO_SEED
    try:
        files = generate(out, seed)
    except OSError as exc:
        raise PeoError(
            f"Could not write the synthetic exports to {out or paths.raw_dir()}: {exc}. "
            "Check that the folder exists and is writable, or pass another folder with --out."
        ) from None
    for f in files:
        print(f)
    if seed == DEMO_SEED and out is None:
        print("Checksums changed? Run `python -m peo manifest` to record them in data/raw/MANIFEST.sha256.")
    return 0
