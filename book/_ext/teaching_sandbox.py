r"""``make autograde``: nbgrader's autograde with every submission's kernel confined.

``nbgrader autograde`` runs each student's notebook with the grader's own
account, so a submission could read the hidden tests in ``source/`` and the
whole class's grades in ``gradebook.db``, write anywhere the grader can, or
use the network. This command runs nbgrader's own autograde, but nbgrader
starts every kernel through a kernel spec whose command is this file's
``launch`` mode, which starts the kernel inside Debian's ``bubblewrap``
(``bwrap``):

* no network (``--unshare-all`` gives the kernel an empty network namespace;
  nbgrader talks to it over Unix sockets, ``--KernelManager.transport=ipc``);
* the course folder is replaced by an empty ``tmpfs`` (no ``source/``,
  ``release/``, ``gradebook.db``, ``submitted/``, other students'
  ``autograded/`` folders) except the submission's own working folder
  (``autograded/<student>/<slug>/``), which is the only writable path besides
  a private ``/tmp``; the rest of the file system is read-only;
* a memory limit (``RLIMIT_AS``) and a CPU-time limit (``RLIMIT_CPU``) set with
  ``prlimit``; each cell also has nbgrader's per-cell timeout (the course's
  ``c.Execute.timeout``);
* an empty environment except ``PATH``, ``HOME`` (the working folder), the
  locale and single-threaded BLAS.

Usage (from the repository root; ``make autograde ASSIGNMENT=<slug>`` does this)::

    python book/_ext/teaching_sandbox.py <slug> [--course assignments] [--unconfined]
           [-- <more nbgrader autograde options>]

Where bubblewrap cannot confine (not installed, or namespaces not permitted)
the command prints one line saying so and exits with status 2, unless
``--unconfined`` is given.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
import assignments  # noqa: E402  (the converter's helpers: nbgrader command, environment)

#: Address-space limit of a grading kernel. NumPy, SymPy and Matplotlib with one
#: BLAS thread need well under 1 GiB; the rest is headroom for honest work.
MEMORY_LIMIT_BYTES = 4 * 2**30
#: CPU seconds for one whole notebook (each cell also has nbgrader's timeout).
CPU_LIMIT_S = 1800
KERNEL_NAME = "python3"
REFUSAL = ("make autograde: bubblewrap cannot confine the grading kernels here ({reason}); "
           "refusing to run students' code unconfined (pass UNCONFINED=1 / --unconfined to do it anyway)")


def bwrap_binary() -> str | None:
    """The bwrap program (``COURSEWORK_BWRAP`` overrides, for tests)."""
    return os.environ.get("COURSEWORK_BWRAP") or shutil.which("bwrap")


def confinement_problem() -> str | None:
    """Why bubblewrap cannot confine a kernel on this machine, or None if it can."""
    bwrap = bwrap_binary()
    if not bwrap or not Path(bwrap).exists():
        return "bwrap not found; install the Debian package bubblewrap"
    if not shutil.which("prlimit"):
        return "prlimit not found (util-linux)"
    try:
        probe = subprocess.run([bwrap, "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/",
                                "--dev", "/dev", "--proc", "/proc", "true"],
                               capture_output=True, text=True, timeout=30)
    except OSError as error:
        return f"bwrap does not start: {error}"
    if probe.returncode != 0:
        return f"bwrap fails: {probe.stderr.strip()[:200]}"
    return None


def _visible_again(*paths: Path) -> list[str]:
    """``--ro-bind`` arguments for each path that the private ``/tmp`` would hide."""
    args = []
    for path in paths:
        resolved = path.resolve()
        if resolved.is_relative_to("/tmp"):
            args += ["--ro-bind", str(resolved), str(resolved)]
    return args


def bwrap_command(course: Path, workdir: Path, connection_file: Path, kernel_args=(), *,
                  memory: int = MEMORY_LIMIT_BYTES, cpu: int = CPU_LIMIT_S) -> list[str]:
    """The command that starts one ipykernel confined to ``workdir``."""
    runtime = connection_file.parent
    python = Path(sys.executable)
    command = [
        bwrap_binary(), "--unshare-all", "--die-with-parent", "--new-session",
        "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
        # The private /tmp must not hide the interpreter or the book's package
        # (a clone or virtualenv under /tmp): show them again, read-only.
        *_visible_again(Path(sys.prefix), ROOT),
        # Hide the whole course, then open the submission's own folder again.
        "--tmpfs", str(course),
        "--bind", str(workdir), str(workdir),
        # ...and make what is left of the course (empty folders) read-only.
        "--remount-ro", str(course),
        # The connection file and the kernel's Unix sockets live here.
        "--bind", str(runtime), str(runtime),
        "--chdir", str(workdir),
        "--clearenv",
        "--setenv", "PATH", f"{python.parent}:/usr/local/bin:/usr/bin:/bin",
        "--setenv", "HOME", str(workdir),
        "--setenv", "LANG", "C.UTF-8",
        "--setenv", "OPENBLAS_NUM_THREADS", "1",
        "--setenv", "MPLBACKEND", "Agg",
        "--setenv", "MPLCONFIGDIR", "/tmp",
        "--",
        "prlimit", f"--as={memory}", f"--cpu={cpu}", "--",
        str(python), "-m", "ipykernel_launcher", "-f", str(connection_file), *kernel_args,
    ]
    return command


def write_kernelspec(jupyter_dir: Path, course: Path) -> None:
    """A kernel spec ``python3`` whose command starts the kernel through :func:`launch`."""
    spec_dir = jupyter_dir / "kernels" / KERNEL_NAME
    spec_dir.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, str(Path(__file__).resolve()), "launch", "--course", str(course),
                 "{connection_file}"],
        "display_name": "Python 3 (confined for grading)",
        "language": "python",
        # A signal to bwrap would not reach the kernel inside its PID namespace;
        # nbgrader's timeout interrupts through the control channel instead.
        "interrupt_mode": "message",
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec, indent=1), encoding="utf-8")


def launch(argv: list[str]) -> None:
    """Kernel-spec entry: replace this process by the confined kernel (cwd = the submission)."""
    parser = argparse.ArgumentParser(prog="teaching_sandbox.py launch")
    parser.add_argument("--course", type=Path, required=True)
    parser.add_argument("connection_file", type=Path)
    # nbclient appends kernel options (e.g. --HistoryManager.hist_file=:memory:).
    args, kernel_args = parser.parse_known_args(argv)
    command = bwrap_command(args.course.resolve(), Path.cwd().resolve(),
                            args.connection_file.resolve(), kernel_args)
    os.execv(command[0], command)


def autograde(assignment: str, course: Path, *, unconfined: bool = False,
              extra: list[str] = ()) -> int:
    """Run ``nbgrader autograde assignment`` in ``course``, kernels confined."""
    course = course.resolve()
    if not (course / "nbgrader_config.py").exists():
        print(f"make autograde: no nbgrader course in {course} (run make assignments)",
              file=sys.stderr)
        return 2
    problem = confinement_problem()
    env = assignments.nbgrader_env()
    command = assignments.nbgrader_command() + ["autograde", assignment] + list(extra)
    if problem is not None:
        print(REFUSAL.format(reason=problem), file=sys.stderr)
        if not unconfined:
            return 2
        print("make autograde: grading UNCONFINED, as requested", file=sys.stderr)
        return subprocess.run(command, cwd=course, env=env).returncode
    with tempfile.TemporaryDirectory(prefix="autograde-") as work:
        jupyter_dir, runtime = Path(work, "jupyter"), Path(work, "runtime")
        runtime.mkdir()
        write_kernelspec(jupyter_dir, course)
        env["JUPYTER_PATH"] = os.pathsep.join([str(jupyter_dir), env.get("JUPYTER_PATH", "")])
        env["JUPYTER_RUNTIME_DIR"] = str(runtime)
        # jupyter_client writes each connection file with tempfile.mkstemp and,
        # for Unix sockets, names them after KernelManager.ip: both must lie in
        # the one folder the confined kernel shares with nbgrader.
        env["TMPDIR"] = str(runtime)
        command += ["--KernelManager.transport=ipc", f"--KernelManager.ip={runtime / 'kernel'}"]
        return subprocess.run(command, cwd=course, env=env).returncode


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["launch"]:
        launch(argv[1:])
        return 0  # not reached: launch() replaces the process
    extra = []
    if "--" in argv:
        extra = argv[argv.index("--") + 1:]
        argv = argv[:argv.index("--")]
    parser = argparse.ArgumentParser(
        prog="python book/_ext/teaching_sandbox.py",
        description="nbgrader autograde with every submission's kernel confined by bubblewrap.")
    parser.add_argument("assignment", help="assignment slug, e.g. sigmoid")
    parser.add_argument("--course", type=Path, default=assignments.DEFAULT_COURSE)
    parser.add_argument("--unconfined", action="store_true",
                        help="grade without confinement where bubblewrap is unavailable")
    args = parser.parse_args(argv)
    return autograde(args.assignment, args.course, unconfined=args.unconfined, extra=extra)


if __name__ == "__main__":
    sys.exit(main())
