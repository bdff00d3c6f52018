"""What a record needs to be reproduced: package versions, git SHA, hardware."""

from __future__ import annotations

import functools
import os
import platform
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

PACKAGES = {
    "torch": "torch",
    "lightning": "pytorch-lightning",
    "sb3": "stable-baselines3",
    "sb3_contrib": "sb3-contrib",
    "gymnasium": "gymnasium",
    "numpy": "numpy",
    "wandb": "wandb",
}


def _version(dist: str) -> str | None:
    try:
        return version(dist)
    except PackageNotFoundError:
        return None


@functools.cache
def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


@functools.cache
def _git_sha() -> str | None:
    root = Path(__file__).resolve().parent.parent
    try:
        out = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5)
        sha = out.stdout.strip()
        if out.returncode != 0 or not sha:
            return None
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True, timeout=5
        )
        return sha + ("-dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return None


# Instruction-set extensions that decide which kernels torch, oneDNN and the BLAS pick, and so the
# last bits of a float sum: two CPUs that differ here need not rerun a seed bit for bit.
ISA_FLAGS = (
    "sse4_2", "avx", "avx2", "fma", "f16c", "avx_vnni", "avx512f", "avx512bw", "avx512vl",
    "avx512_vnni", "avx512_bf16", "avx512_fp16", "amx_tile", "amx_bf16", "amx_int8", "asimd", "sve",
)  # fmt: skip


@functools.cache
def cpu_flags() -> list[str]:
    """The ISA_FLAGS this CPU has (x86 `flags`, ARM `Features` of /proc/cpuinfo); empty where unreadable."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith(("flags", "Features")):
                have = set(line.split(":", 1)[1].split())
                return [f for f in ISA_FLAGS if f in have]
    except OSError:
        pass
    return []


def numeric_libraries() -> dict:
    """What computes the floats: torch's kernel level, BLAS and oneDNN builds, and numpy's BLAS with the
    kernel architecture it chose. Read only from libraries already imported (a record never imports torch)."""
    return _numeric_libraries("torch" in sys.modules)


@functools.cache
def _numeric_libraries(torch_loaded: bool) -> dict:
    out: dict = {}
    if torch_loaded:
        import re

        import torch

        config = torch.__config__.show()
        pick = lambda pattern: m.group(1) if (m := re.search(pattern, config)) else None  # noqa: E731
        out["torch_cpu_capability"] = torch.backends.cpu.get_cpu_capability()
        out["torch_blas"] = pick(r"BLAS_INFO=(\w+)")
        out["torch_mkl"] = pick(r"Math Kernel Library Version ([\w.-]+)")
        out["torch_onednn"] = pick(r"MKL-DNN v([\d.]+)")
    try:
        from threadpoolctl import threadpool_info

        out["blas"] = sorted(
            f"{i.get('internal_api')} {i.get('version')} {i.get('architecture') or ''}".strip()
            for i in threadpool_info()
            if i.get("user_api") == "blas"
        )
    except ImportError:
        pass
    return out


def same_kind(a: dict, b: dict) -> tuple[bool, str]:
    """Whether two records' machines rerun a seed bit for bit, and why: by machine_kind where both have
    one, else (records older than it) by CPU model and the torch and numpy versions alone."""
    if a.get("machine_kind") and b.get("machine_kind"):
        return a["machine_kind"] == b["machine_kind"], f"machine kind {a['machine_kind']} vs {b['machine_kind']}"
    keys = ("cpu", "torch", "numpy")
    differ = [f"{k} {a.get(k)!r} vs {b.get(k)!r}" for k in keys if a.get(k) != b.get(k)]
    return not differ, "; ".join(differ) or f"same {', '.join(keys)} (no machine kind recorded)"


def machine_kind(env: dict) -> str:
    """What must match for a seed to rerun bit for bit, as a short id: CPU model and ISA flags, torch and
    numpy versions, and the numeric libraries' builds. A record from another kind is compared statistically."""
    import hashlib
    import json

    keys = ("cpu", "cpu_flags", "torch", "numpy", "torch_cpu_capability", "torch_blas", "torch_mkl", "torch_onednn")
    fingerprint = json.dumps({k: env.get(k) for k in keys}, sort_keys=True)
    return hashlib.sha1(fingerprint.encode()).hexdigest()[:10]


def gpu_name() -> str | None:
    if "torch" not in sys.modules:
        return None
    import torch

    return torch.cuda.get_device_name(0) if torch.cuda.is_available() else None


def collect() -> dict:
    from suite import __version__

    info = {name: _version(dist) for name, dist in PACKAGES.items()}
    info.update(
        python=platform.python_version(),
        platform=platform.platform(),
        cpu=_cpu(),
        cpu_flags=cpu_flags(),
        cpu_count=os.cpu_count(),
        gpu=gpu_name(),
        git_sha=_git_sha(),
        suite_version=__version__,
        hostname=platform.node(),
        **numeric_libraries(),
    )
    info["machine_kind"] = machine_kind(info)
    return info
