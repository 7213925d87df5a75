"""A large synthetic wave for benchmarks: a demo wave scaled to ``n`` responses."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import numpy as np
import yaml

from peo import paths
from peo.errors import ConfigError
from peo.ingest.synth.rows import build_rows
from peo.ingest.synth.waves import ADMIN, DEMO_SEED, SPECS, check_config, fieldwork, wave_config
from peo.ingest.synth.writers import write_export

__all__ = ["MIN_SCALED", "generate_scaled"]

#: The smallest wave :func:`generate_scaled` writes: below it the messy rows and the
#: planted details of the template no longer fit among the valid respondents.
MIN_SCALED = 500


def generate_scaled(
    out_dir: str | Path,
    wave_template: str = "2022",
    n: int = 10_000,
    seed: int = DEMO_SEED,
    wave_id: str | None = None,
) -> Path:
    """Write a large synthetic wave, for benchmarks: a demo wave scaled to ``n`` responses.

    The export has the shape, items, open questions and planted details of the demo wave
    ``wave_template``, with ``n`` rows. The rows cleaning must exclude (no consent,
    incomplete, duplicates, speeders, no employer type) keep their share of the demo
    export, and the optional answers set to missing keep their rate; the fixed handful of
    other messy values and planted identifying details stay a handful. The demo exports
    themselves (:func:`generate`) are not affected.

    Writes ``<out_dir>/<wave id>/``: the export, ``wave.yml`` (the template's, with the
    wave id, a title that says it is a scale test, and the population scaled with the
    number of valid respondents) and the wave's own codebooks from the template folder
    (``theme.yml``). Shared codebooks named by ``wave.yml`` (``core.yml``) are not copied:
    they are found in ``codebooks/`` of the root the wave is used in.

    Parameters
    ----------
    out_dir : path-like
        Folder to write the wave folder into, e.g. ``<root>/data/raw``.
    wave_template : {"2021", "2022", "2023"}, default "2022"
        The demo wave to scale; its ``wave.yml`` and codebooks are read from
        :func:`peo.paths.raw_dir`.
    n : int, default 10000
        Rows of the export (responses received, before cleaning); at least
        :data:`MIN_SCALED`. About 90% survive cleaning.
    seed : int, optional
        Random seed (default :data:`DEMO_SEED`); the same seed, template and ``n`` give
        the same export.
    wave_id : str, optional
        The id of the new wave (default: the template's id).

    Returns
    -------
    pathlib.Path
        The wave folder written.

    Raises
    ------
    ConfigError
        If ``wave_template`` is not a demo wave, ``n`` is below :data:`MIN_SCALED`, the
        template's ``wave.yml`` is missing or malformed or does not match its synthetic
        export, or the wave folder would be the template's own folder.
    CodebookError
        If the template's codebooks cannot be read.
    """
    if wave_template not in SPECS:
        raise ConfigError(f"There is no demo wave {wave_template!r} to scale; choose one of {', '.join(SPECS)}.")
    if int(n) < MIN_SCALED:
        raise ConfigError(f"A scaled wave needs at least {MIN_SCALED} responses, not {n}.")
    spec = SPECS[wave_template]
    cfg, codebook = wave_config(wave_template)
    template_dir = paths.raw_dir() / wave_template
    cfg_path = template_dir / "wave.yml"
    check_config(spec, cfg, ADMIN[wave_template], cfg_path)
    fw = fieldwork(cfg, cfg_path)
    new_id = str(wave_id) if wave_id is not None else str(cfg.get("id", wave_template))
    folder = Path(out_dir) / new_id
    if folder.resolve() == template_dir.resolve():
        raise ConfigError(
            f"generate_scaled would overwrite the demo wave in {template_dir}; write the scaled wave into another "
            "root's data/raw (out_dir)."
        )
    messy = ("n_no_consent", "n_incomplete", "n_exact_duplicates", "n_pattern_duplicates", "n_speeders", "n_no_group")
    total = spec.n_valid + sum(getattr(spec, f) for f in messy)
    counts = {f: max(1, round(getattr(spec, f) * int(n) / total)) for f in messy}
    scaled = dataclasses.replace(spec, n_valid=int(n) - sum(counts.values()), **counts)
    # the generator of the template wave (its id picks the planted details), from this seed and size
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), int(wave_template), int(n)]))
    rows = build_rows(rng, scaled, codebook, fw)
    write_export(wave_template, folder / spec.file, rows, codebook, cfg, fw)
    new_cfg = dict(cfg)
    new_cfg["id"] = new_id
    new_cfg["title"] = f"{cfg.get('title', wave_template)} (synthetische schaaltest, n = {int(n)})"
    if "title_en" in cfg:
        new_cfg["title_en"] = f"{cfg['title_en']} (synthetic scale test, n = {int(n)})"
    new_cfg["synthetic"] = True
    if cfg.get("population"):
        factor = scaled.n_valid / spec.n_valid
        new_cfg["population"] = {k: int(round(int(v) * factor)) for k, v in cfg["population"].items()}
    head = (
        f"# Synthetic scale test written by peo.ingest.synth.generate_scaled from demo wave {wave_template} "
        f"(n = {int(n)}, seed = {int(seed)}).\n"
    )
    (folder / "wave.yml").write_text(
        head + yaml.safe_dump(new_cfg, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    for name in cfg.get("codebooks") or ():
        src = template_dir / str(name)
        if not Path(str(name)).is_absolute() and src.is_file():
            shutil.copyfile(src, folder / str(name))
    return folder
