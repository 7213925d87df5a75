"""Executing a notebook step: papermill in a kernel shared by a wave, then a deterministic page.

:func:`execute` runs one notebook with its parameters and raises
:class:`~peo.pipeline.steps.StepFailed` naming the wave, the notebook and the failing cell;
:func:`finalize_notebook` makes the executed notebook a page of the book that is the same
bytes on every run; :class:`SharedKernels` keeps one kernel per wave, so that a wave's
notebooks pay for starting Python and importing the scientific stack once.

papermill, nbformat and jupyter_client are imported inside the functions, only when a
notebook runs.
"""

from __future__ import annotations

import contextlib
import shutil
import sys
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from peo.pipeline.steps import StepFailed

__all__ = ["KERNEL_NAME", "KERNEL_ARGS", "kernel_spec", "finalize_notebook", "execute", "SharedKernels"]

#: The Jupyter kernel the Makefile installs into ``.venv``.
KERNEL_NAME = "peo"
#: Extra arguments for every notebook kernel: ipykernel 7 logs a warning about unencrypted
#: local TCP at every start and an error about the interrupt it gets at shutdown, which would
#: drown the progress lines. A failing cell is reported from the executed notebook, not this log.
KERNEL_ARGS = ["--IPKernelApp.log_level=CRITICAL"]


def kernel_spec() -> tuple[str, str | None]:
    """The kernel to use and its ``kernel.json``: the ``peo`` kernel if installed, else ``python3``.

    Returns
    -------
    (str, str or None)
        The kernel name, and the path of the ``peo`` kernel's ``kernel.json`` (None when
        falling back to ``python3``, with a note on standard error).
    """
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
        return KERNEL_NAME, str(Path(spec.resource_dir) / "kernel.json")
    except NoSuchKernel:
        print(
            f"note: the Jupyter kernel {KERNEL_NAME!r} is not installed (make venv installs it); using 'python3'.",
            file=sys.stderr,
        )
        return "python3", None


def finalize_notebook(nb: Any, parameters: Mapping[str, Any] | None = None, name: str | None = None) -> Any:
    """Make an executed notebook a deterministic page of the book (in place).

    * Removes what differs between two runs of the same notebook: papermill's timings and
      paths (``metadata.papermill`` keeps only the ``parameters``), each cell's
      ``metadata.papermill`` and ``metadata.execution`` timestamps, and the random id
      papermill gives its injected cell (it becomes ``injected-parameters``).
    * Removes the parameter cells from the page (myst-nb tag ``remove-cell``): the default
      values of the ``parameters`` cell would be wrong for every other wave, and the
      injected values repeat the chapter title. They stay in the ``.ipynb`` itself.
    * Puts every other code cell behind a toggle (tag ``hide-input``) and the wave in the
      title (:func:`peo.report.book.finish_notebook`).
    * Numbers the executed code cells 1, 2, ... (the kernel may have run another notebook
      before this one).

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The notebook papermill wrote.
    parameters : mapping, optional
        The parameters of the run (kept in ``metadata.papermill.parameters``).
    name : str, optional
        The notebook's name (``02_professional_space``): a wave's chapter then ends with the
        note on how to rerun it.

    Returns
    -------
    nbformat.NotebookNode
        ``nb``.
    """
    from peo.report import book

    old = nb.metadata.pop("papermill", None) or {}
    params = dict(parameters) if parameters is not None else old.get("parameters")
    if params:
        nb.metadata["papermill"] = {"parameters": params}
    count = 0
    for cell in nb.cells:
        md = cell.setdefault("metadata", {})
        md.pop("papermill", None)
        md.pop("execution", None)
        if cell.get("cell_type") == "code" and cell.get("execution_count") is not None:
            # A wave's notebooks share one kernel (SharedKernels), whose counter runs on from
            # notebook to notebook: number each notebook's cells from 1 again.
            count += 1
            cell["execution_count"] = count
            for out in cell.get("outputs", []):
                if "execution_count" in out:
                    out["execution_count"] = count
        tags = list(md.get("tags", []))
        if "injected-parameters" in tags and "id" in cell:
            cell["id"] = "injected-parameters"
        if ("parameters" in tags or "injected-parameters" in tags) and "remove-cell" not in tags:
            tags.append("remove-cell")
        if tags:
            md["tags"] = tags
        else:
            md.pop("tags", None)
    return book.finish_notebook(nb, params, name)


def _keep(staged: Path, failed: Path) -> Path:
    failed.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(staged), str(failed))
    return failed


def execute(
    source: Path,
    staged: Path,
    failed: Path,
    *,
    parameters: Mapping[str, Any],
    kernel: str,
    where: str,
    km: Any = None,
) -> Path:
    """Run a notebook under papermill into ``staged`` and finalise it.

    Parameters
    ----------
    source : pathlib.Path
        The source notebook.
    staged : pathlib.Path
        Where the executed notebook goes.
    failed : pathlib.Path
        Where a failing notebook is kept.
    parameters : mapping
        Injected by papermill.
    kernel : str
        The kernel name.
    where : str
        ``"Wave 2022"`` or ``"All waves"``: the start of a failure message.
    km : jupyter_client.KernelManager, optional
        A running kernel to use (see :class:`SharedKernels`).

    Returns
    -------
    pathlib.Path
        ``staged``.

    Raises
    ------
    StepFailed
        Naming the notebook, the cell (its position) and the error; the executed notebook
        is kept in ``failed``.
    """
    import nbformat
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    staged.parent.mkdir(parents=True, exist_ok=True)
    try:
        pm.execute_notebook(
            str(source),
            str(staged),
            parameters=dict(parameters),
            kernel_name=kernel,
            progress_bar=False,
            log_output=False,
            extra_arguments=KERNEL_ARGS,
            **({"km": km} if km is not None else {}),
            # The kernel's working folder: the notebook's folder, as in JupyterLab. Not
            # papermill's cwd=, which changes the working folder of this whole process
            # (os.chdir) and so is unsafe with waves running in threads.
            resources={"metadata": {"path": str(source.parent)}},
        )
    except PapermillExecutionError as exc:
        kept = _keep(staged, failed)
        first = next((ln.strip() for ln in str(exc.source or "").splitlines() if ln.strip()), "")
        # The cell's position in the notebook (1 = first cell): execution counts run on in a
        # kernel shared by a wave's notebooks, positions do not.
        cell = exc.cell_index + 1 if exc.cell_index is not None else exc.exec_count
        raise StepFailed(
            f"{where}, notebook {source.name}, cell {cell}: {exc.ename}: {exc.evalue}\n"
            + (f"    the cell starts with: {first[:100]}\n" if first else "")
            + f"    the executed notebook is kept in {kept}"
        ) from None
    except Exception as exc:  # kernel died, timeout, unreadable notebook: still say where
        kept = _keep(staged, failed) if staged.exists() else None
        raise StepFailed(
            f"{where}, notebook {source.name}: {type(exc).__name__}: {exc}"
            + (f"\n    the executed notebook is kept in {kept}" if kept else "")
        ) from None
    nb = nbformat.read(staged, as_version=4)
    finalize_notebook(nb, parameters, source.stem)
    nbformat.write(nb, staged)
    return staged


class SharedKernels:
    """One kernel per wave, shared by the wave's notebooks.

    Starting a kernel and importing the scientific stack costs about two seconds per
    notebook, most of the pipeline's overhead over a plain Python process. The notebooks
    of a wave run one after another in the same kernel instead; before each one the
    namespace is cleared (``%reset -f``), so a notebook sees none of the previous one's
    variables, only its already imported modules. Global steps (trends) get their own
    kernel from papermill.

    Parameters
    ----------
    kernel : str
        The kernel name.
    """

    def __init__(self, kernel: str):
        self.kernel = kernel
        self.lock = threading.Lock()
        self.kernels: dict[str, Any] = {}

    def get(self, wave: str | None, cwd: Path) -> Any:
        """The wave's kernel, started on first use and reset before reuse; None for global steps."""
        if wave is None:
            return None
        from jupyter_client.manager import KernelManager

        with self.lock:
            km = self.kernels.get(wave)
        if km is not None and not km.is_alive():
            self.stop(wave)
            km = None
        if km is None:
            km = KernelManager(kernel_name=self.kernel)
            km.start_kernel(cwd=str(cwd), extra_arguments=KERNEL_ARGS)
            with self.lock:
                self.kernels[wave] = km
            return km
        kc = km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=60)
            reply = kc.execute_interactive(
                "%reset -f\nimport gc as _gc\n_ = _gc.collect()",
                timeout=120,
                store_history=False,
                output_hook=lambda msg: None,
            )
            if reply["content"].get("status") != "ok":
                raise RuntimeError("reset failed")
        except Exception:  # a kernel that cannot be reset is replaced by a fresh one
            kc.stop_channels()
            self.stop(wave)
            return self.get(wave, cwd)
        kc.stop_channels()
        return km

    def stop(self, wave: str) -> None:
        """Shut down the shared kernel of a wave, if it has one."""
        with self.lock:
            km = self.kernels.pop(wave, None)
        if km is not None:
            with contextlib.suppress(Exception):
                km.shutdown_kernel(now=True)
