"""How the worker is isolated from the machine: probe the tiers, build the sandbox command line.

Two tiers, probed once per process (``select``/``current``):

* ``namespaces`` (bubblewrap): each worker gets its own mount, pid, network,
  ipc and uts namespaces and a user namespace in which it cannot create
  another; a fresh read-only root holding only the interpreter, its standard
  library, numpy and the worker's own modules (``grader/__init__.py``,
  ``grader/wire.py``, ``grader/worker/``) under ``/sandbox/lib``; a size-capped
  scratch tmpfs as cwd; no capabilities and no_new_privs. Run as root, the
  worker also gets a uid of its own, leased from ``UID_BASE`` upwards (one per
  live worker, like IOI's isolate boxes), which is what makes RLIMIT_NPROC
  bite: the mounts are made by a privileged outer bwrap (root can read an
  interpreter under a 0700 $HOME), then ``setpriv`` drops to the leased uid
  and an unprivileged inner bwrap adds the user namespace.
* ``process``: today's worker process (own process group, clean environment,
  rlimits), used where bwrap is missing or namespaces fail, with a warning.

``--isolation require`` refuses to fall back (``IsolationUnavailable``).
"""

from __future__ import annotations

import dataclasses
import fcntl
import functools
import importlib.util
import os
import random
import shutil
import site
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

import grader

MODES = ("auto", "require", "off")
LIB = "/sandbox/lib"  # the worker's sys.path: numpy and the grader's worker side
WORK = "/sandbox/work"  # the worker's cwd: a tmpfs holding copies of the topic files
SCRATCH_BYTES = 64 << 20
NPROC = 64  # processes and threads a worker may have
UID_BASE, UID_COUNT = 1_500_000_000, 10_000
INSTALL_HINT = "install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap)"

NAMESPACE_FEATURES = (
    "mount_ns",
    "pid_ns",
    "net_ns",
    "ipc_ns",
    "uts_ns",
    "user_ns",
    "no_nested_userns",
    "fresh_root",
    "read_only_root",
    "scratch_tmpfs",
    "no_caps",
    "no_new_privs",
    "nproc_cap",
)
COMMON_FEATURES = ("process_group", "clean_env", "memory_cap", "file_size_cap", "audit_hook")


class IsolationUnavailable(RuntimeError):
    """``--isolation require`` on a machine that cannot give the namespaces tier."""


@dataclasses.dataclass(frozen=True)
class Tier:
    name: str  # "namespaces" or "process"
    features: tuple[str, ...]
    warning: str = ""  # for the process tier: why namespaces are not used

    @property
    def sandboxed(self) -> bool:
        return self.name == "namespaces"

    def to_dict(self) -> dict:
        return {
            "tier": self.name,
            "features": list(self.features),
            **({"warning": self.warning} if self.warning else {}),
        }


def _is_root() -> bool:
    return os.geteuid() == 0


@dataclasses.dataclass(frozen=True)
class Layout:
    """What the worker's root holds: (host source, sandbox destination) read-only binds, hidden paths."""

    python: str
    binds: tuple[tuple[str, str], ...]
    hidden: tuple[str, ...]  # directories inside a bound tree covered by an empty tmpfs


def _python_files() -> list[str]:
    python = os.path.realpath(sys._base_executable if hasattr(sys, "_base_executable") else sys.executable)
    files = [python, os.path.dirname(os.__file__)]  # interpreter, stdlib (with lib-dynload inside)
    files += [p for p in sys.path if p.endswith("lib-dynload") and not p.startswith(files[1])]
    if sysconfig.get_config_var("Py_ENABLE_SHARED"):
        libpython = os.path.join(sysconfig.get_config_var("LIBDIR") or "", sysconfig.get_config_var("INSTSONAME") or "")
        if os.path.isfile(libpython):
            files.append(os.path.realpath(libpython))
    return files


def _site_dirs() -> set[str]:
    dirs = set(site.getsitepackages()) | {site.getusersitepackages()}
    for scheme_var in ("purelib", "platlib"):
        dirs.add(sysconfig.get_path(scheme_var, vars={"base": sys.base_prefix, "platbase": sys.base_prefix}))
    version = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    dirs |= {
        "/usr/lib/python3/dist-packages",
        f"/usr/local/lib/{version}/dist-packages",
        f"/usr/lib/{version}/site-packages",
        f"/usr/local/lib/{version}/site-packages",
    }
    return {os.path.realpath(d) for d in dirs if d and os.path.isdir(d)}


def _origin(module: str) -> str:
    """Where a package's ``__init__`` is, without importing it (the grader launches its worker first)."""
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise RuntimeError(f"{module} is not installed")
    return spec.origin


@functools.cache
def layout() -> Layout:
    python, *stdlib = _python_files()
    binds = [(python, python)] + [(p, p) for p in stdlib]
    numpy_dir = os.path.dirname(os.path.realpath(_origin("numpy")))
    binds.append((numpy_dir, f"{LIB}/numpy"))
    if os.path.isdir(numpy_dir + ".libs"):
        binds.append((numpy_dir + ".libs", f"{LIB}/numpy.libs"))
    package = os.path.dirname(os.path.realpath(grader.__file__))
    binds += [(os.path.join(package, name), f"{LIB}/grader/{name}") for name in ("__init__.py", "wire.py", "worker")]
    trees = ["/usr"] + [src for src, _ in binds if os.path.isdir(src)]
    hidden = sorted(d for d in _site_dirs() if any(d == t or d.startswith(t + "/") for t in trees))
    return Layout(python, tuple(binds), tuple(hidden))


def _system_dirs() -> list[str]:
    args = ["--ro-bind", "/usr", "/usr"]
    for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    if os.path.exists("/etc/ld.so.cache"):
        args += ["--ro-bind", "/etc/ld.so.cache", "/etc/ld.so.cache"]
    return args


def _mount_args(lay: Layout) -> list[str]:
    """The fresh root: every parent directory made world-traversable, then binds, hidden dirs, scratch."""
    targets = [dst for _, dst in lay.binds] + list(lay.hidden) + [WORK, "/etc/ld.so.cache", "/tmp/x"]
    parents = set()
    for target in targets:
        parent = os.path.dirname(target)
        while parent not in ("/", ""):
            parents.add(parent)
            parent = os.path.dirname(parent)
    args = _system_dirs() + ["--proc", "/proc", "--dev", "/dev"]
    for parent in sorted(parents):
        args += ["--perms", "0755", "--dir", parent]
    for src, dst in lay.binds:
        args += ["--ro-bind", src, dst]
    for path in lay.hidden:
        args += ["--perms", "0755", "--size", "4096", "--tmpfs", path]
    args += ["--perms", "1777", "--size", str(SCRATCH_BYTES), "--tmpfs", WORK, "--remount-ro", "/"]
    return args


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise IsolationUnavailable(f"{name} is not on PATH: {INSTALL_HINT}")
    return found


def sandbox_command(command: list[str], uid: int | None) -> list[str]:
    """``command`` run in the namespaces tier; as root, under ``uid`` (from a ``UidLease``)."""
    bwrap = _tool("bwrap")
    common = ["--die-with-parent", "--new-session", "--chdir", WORK]
    if uid is None:  # not root: one unprivileged bwrap does everything
        return [
            bwrap,
            "--unshare-all",
            "--unshare-user",
            "--disable-userns",
            *common,
            *_mount_args(layout()),
            "--",
            *command,
        ]
    outer = [
        bwrap,
        "--unshare-ipc",
        "--unshare-pid",
        "--unshare-net",
        "--unshare-uts",
        "--unshare-cgroup-try",
        *common,
        *_mount_args(layout()),
    ]
    drop = [
        _tool("setpriv"),
        "--reuid",
        str(uid),
        "--regid",
        str(uid),
        "--clear-groups",
        "--inh-caps=-all",
        "--bounding-set=-all",
        "--no-new-privs",
    ]
    inner = [bwrap, "--unshare-user", "--disable-userns", "--die-with-parent", "--bind", "/", "/", "--chdir", WORK]
    return [*outer, "--", *drop, *inner, "--", *command]


def worker_argv(ctl: int) -> list[str]:
    """The worker's fork server inside the sandbox: isolated, no site, sys.path = the stdlib and LIB."""
    boot = f"import sys; sys.path.insert(0, {LIB!r}); from grader.worker.zygote import main; main(sys.argv[1:])"
    return [layout().python, "-I", "-S", "-B", "-c", boot, "--ctl", str(ctl)]


class UidLease:
    """One uid of [UID_BASE, UID_BASE + UID_COUNT) held by one live worker (a lock file), root only."""

    def __init__(self):
        folder = Path(tempfile.gettempdir()) / "la2-grader-uids"
        folder.mkdir(mode=0o700, exist_ok=True)
        if folder.stat().st_uid != os.geteuid() or folder.is_symlink():
            raise RuntimeError(f"{folder} belongs to another user; remove it")
        for _ in range(64):
            uid = UID_BASE + random.randrange(UID_COUNT)
            fd = os.open(folder / str(uid), os.O_CREAT | os.O_RDWR | os.O_CLOEXEC, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            self.uid, self._fd = uid, fd
            return
        raise RuntimeError("no free sandbox uid")

    def release(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


def _missing() -> str:
    """Why the namespaces tier cannot run here, or "" when it can."""
    if sys.platform != "linux":
        return "namespaces need Linux"
    if not shutil.which("bwrap"):
        return f"bubblewrap (bwrap) is not installed: {INSTALL_HINT}"
    if _is_root() and not shutil.which("setpriv"):
        return "setpriv (util-linux) is missing: apt-get install util-linux"
    lease = UidLease() if _is_root() else None
    try:
        probe = subprocess.run(
            sandbox_command(
                ["/bin/true" if os.path.exists("/bin/true") else "/usr/bin/true"], lease.uid if lease else None
            ),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bwrap could not start: {exc}"
    finally:
        if lease:
            lease.release()
    if probe.returncode != 0:
        return (
            f"bwrap failed ({probe.stderr.strip() or f'exit {probe.returncode}'}); "
            "are unprivileged user namespaces enabled (sysctl user.max_user_namespaces)?"
        )
    return ""


@functools.cache
def _probe() -> Tier:
    reason = _missing()
    if reason:
        return Tier("process", COMMON_FEATURES, f"no namespace isolation: {reason}")
    return Tier("namespaces", NAMESPACE_FEATURES + (("own_uid",) if _is_root() else ()) + COMMON_FEATURES)


_chosen: Tier | None = None


def select(mode: str) -> Tier:
    """Fix the tier for this process (``--isolation``); IsolationUnavailable when ``require`` cannot be met."""
    global _chosen
    if mode not in MODES:
        raise ValueError(f"isolation mode {mode!r}; expected one of {', '.join(MODES)}")
    if mode == "off":
        _chosen = Tier("process", COMMON_FEATURES, "namespace isolation turned off (--isolation off)")
        return _chosen
    tier = _probe()
    if mode == "require" and not tier.sandboxed:
        raise IsolationUnavailable(
            f"--isolation require: {tier.warning.removeprefix('no namespace isolation: ')}. "
            "Refusing to grade without namespace isolation."
        )
    _chosen = tier
    return tier


def current() -> Tier:
    """The tier selected for this process, probing (``auto``) on first use."""
    return _chosen if _chosen is not None else select("auto")
