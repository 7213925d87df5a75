"""Command line: ``python -m peo <command>``.

Every command turns a :class:`peo.errors.PeoError` into a plain message on standard error
and a non-zero exit code: a user's mistake never shows a Python traceback. Commands are
registered in ``COMMANDS``; each module that adds one keeps its logic in the module and
only its argument parsing here.
"""

from __future__ import annotations

import argparse
import sys

from peo.errors import PeoError

__all__ = ["build_parser", "main"]


def _cmd_warm_up(args: argparse.Namespace) -> int:
    """Build the lookup tables of the de-identification library once (cached afterwards)."""
    import deduce

    deduce.Deduce()
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from peo.ingest import validate_report
    from peo.survey import schema

    # The configuration first (every problem at once), then the export.
    print(schema.valid_message(schema.check_for_validate(getattr(args, "path", None), getattr(args, "wave", None))))
    return validate_report.main(args)


def _cmd_clean(args: argparse.Namespace) -> int:
    """``python -m peo clean [--wave W ...]``: clean the given waves (default: all).

    The first wave that cannot be cleaned stops the run (its PeoError is printed); waves
    cleaned before it keep their new output.
    """
    from peo import paths
    from peo.pipeline import cleaning
    from peo.survey import config

    for wave_id, res in cleaning.clean_waves(args.wave):
        n = res.flow.set_index("step")["n"]
        print(
            f"{wave_id}: {n['received']} received, {n['analysed']} analysed, {len(res.exclusions)} excluded, "
            f"{len(res.recodes)} answer(s) set to missing -> {paths.processed_dir(wave_id)}\n"
            f"  codebooks: {', '.join(str(p) for p in config.load_wave(wave_id).codebook_paths)}"
        )
    return 0


def _cmd_build(args: argparse.Namespace) -> int:
    """``python -m peo build [--wave W ...] [--force] [--jobs N] [--no-book]``.

    0 when every step ran or was up to date; 1 when a step failed (named on standard error).
    Imports only the light part of the pipeline: a build with nothing to do decides so
    without pandas or Jupyter.
    """
    from peo.pipeline import engine, forked

    try:
        report = engine.build(waves=args.wave, force=args.force, jobs=args.jobs, book=not args.no_book)
    finally:
        forked.stop()  # the steps' processor time and memory count as the build's (see there)
    return 0 if report.ok else 1


def _cmd_verify(args: argparse.Namespace) -> int:
    from peo.ingest import manifest

    return manifest.verify_main(args)


def _cmd_manifest(args: argparse.Namespace) -> int:
    from peo.ingest import manifest

    return manifest.write_main(args)


def _cmd_synth(args: argparse.Namespace) -> int:
    from peo.ingest import synth

    return synth.main(args)


def _cmd_schema_docs(args: argparse.Namespace) -> int:
    from peo.survey.schema import docs

    return docs.main(args)


def _cmd_check_publication(args: argparse.Namespace) -> int:
    from peo.checks import publication

    return publication.main(args)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m peo",
        description="PEO pipeline: validate, clean, analyse and publish survey waves.",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    s = sub.add_parser("validate", help="check a raw export against its codebook; writes nothing")
    s.add_argument("path", nargs="?", help="raw export file (default: the wave's raw file)")
    s.add_argument("--wave", help="wave id whose codebook and settings to use")
    s.set_defaults(func=_cmd_validate)

    s = sub.add_parser("clean", help="clean one wave (or all) into data/processed/<wave>/")
    s.add_argument("--wave", action="append", help="wave id (repeatable); default: every wave")
    s.set_defaults(func=_cmd_clean)

    s = sub.add_parser("build", help="run the notebooks for every wave and build the book")
    s.add_argument("--wave", action="append", help="wave id (repeatable); default: every wave")
    s.add_argument("--force", action="store_true", help="rerun every step even if nothing changed")
    s.add_argument("--jobs", type=int, default=None, help="waves run side by side (default: twice the cores)")
    s.add_argument("--no-book", action="store_true", help="run the wave notebooks only")
    s.set_defaults(func=_cmd_build)

    s = sub.add_parser("verify", help="check raw files against data/raw/MANIFEST.sha256")
    s.set_defaults(func=_cmd_verify)

    s = sub.add_parser("manifest", help="record checksums of the raw files in data/raw/MANIFEST.sha256")
    s.set_defaults(func=_cmd_manifest)

    s = sub.add_parser("synth", help="regenerate the synthetic demo exports")
    s.add_argument("--out", help="folder to write to (default: data/raw)")
    s.add_argument("--seed", type=int, default=None, help="random seed (default: the fixed demo seed)")
    s.set_defaults(func=_cmd_synth)

    s = sub.add_parser("check-publication", help="scan everything published for privacy problems")
    s.add_argument("path", nargs="?", help="folder to scan (default: book/_build/html and data/processed)")
    s.set_defaults(func=_cmd_check_publication)

    s = sub.add_parser(
        "schema-docs", help="write docs/configuration.md and docs/schema/ from the configuration schemas"
    )
    s.add_argument("--check", action="store_true", help="only compare: exit 1 when the committed files are out of date")
    s.set_defaults(func=_cmd_schema_docs)

    s = sub.add_parser("warm-up", help="build the de-identification lookup tables once")
    s.set_defaults(func=_cmd_warm_up)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except PeoError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
