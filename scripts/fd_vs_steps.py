"""FD against sampling steps: DDIM (ddpm) and the flow's Euler and Heun solvers, with the one-pass GANs as points.

    python scripts/fd_vs_steps.py --results /work/res-diff --out tasks/generative/fd_vs_steps.png

For every `ok` run of ddpm and flow_matching in --results (problem and preset as given) that kept its
weights (suite/weights.py), the model is rebuilt from the record's config, its weights loaded, and
judge.n samples are drawn with the evaluation's generator (seed contract.EVAL_SEED, as the runner
draws them) at each step count; the family's judge scores them (gen/fd_normalized, the same scale as
the board). The x axis is network evaluations per sample (NFE): DDIM and Euler spend one per step, Heun
two. Other generation models of the same problem and preset (the GANs, the VAE; from --results and the
shipped baselines in reports/baseline) are one pass each: a point at NFE 1 with its mean over seeds.
The numbers go to a JSON file beside the PNG.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ITERATIVE = {"ddpm": [("ddim", {})], "flow_matching": [("euler", {"solver": "euler"}), ("heun", {"solver": "heun"})]}
PER_STEP = {"ddim": 1, "euler": 1, "heun": 2}


def records(dirs: list[Path], problem: str, preset: str) -> list[tuple[Path, dict]]:
    out = []
    for d in dirs:
        for path in sorted(d.glob(f"{problem}_*/*/result.json")):
            rec = json.loads(path.read_text())
            if rec["status"] == "ok" and rec["problem"] == problem and rec["preset"] == preset and "generation" in rec["families"]:
                out.append((path.parent, rec))
    return out


def curves(runs: list[tuple[Path, dict]], steps: list[int]) -> dict[str, dict[int, list[float]]]:
    """{sampler: {nfe: [fd_normalized per seed]}} from the iterative models' kept weights."""
    import torch

    from suite import weights
    from suite.config import model_field_names, resolve_config
    from suite.registry import get_registry
    from tasks.generative.contract import EVAL_SEED
    from tasks.generative.judge import GenerationJudge
    from tasks.generative.runner import load_data

    torch.set_num_threads(1)
    out: dict[str, dict[int, list[float]]] = {}
    judge = None
    for run_dir, rec in runs:
        if rec["model"] not in ITERATIVE or weights.find(run_dir) is None:
            continue
        task = get_registry().task(rec["task"])
        cfg = resolve_config(task, rec["preset"], {k: v for k, v in rec["config"].items()})
        data = load_data(task, cfg)
        judge = judge or GenerationJudge(rec["problem"], data)
        kwargs = {k: getattr(cfg, k) for k in model_field_names(task)}
        for sampler, extra in ITERATIVE[rec["model"]]:
            model = task.model.load()(data.input_shape, **{**kwargs, **extra})
            model.load(weights.load(run_dir))
            for s in steps:
                model.steps = s
                x = model.sample(judge.n, torch.Generator().manual_seed(EVAL_SEED))
                fd = judge.normalized(judge.fd(x))
                out.setdefault(sampler, {}).setdefault(s * PER_STEP[sampler], []).append(fd)
                print(f"{rec['task']} seed {rec['seed']} {sampler} steps {s}: nfe {model.nfe} fd_normalized {fd:.4f}", flush=True)
    return out


def one_pass(runs: list[tuple[Path, dict]]) -> dict[str, list[float]]:
    """{model: [fd_normalized per seed]} of the models that are not iterative."""
    out: dict[str, dict[int, float]] = {}
    for _, rec in runs:
        if rec["model"] not in ITERATIVE:
            out.setdefault(rec["model"], {})[rec["seed"]] = rec["metrics"]["gen/fd_normalized"]  # a seed once, whichever dir
    return {m: list(v.values()) for m, v in out.items()}


def draw(lines: dict[str, dict[int, list[float]]], points: dict[str, list[float]], out: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    labels = {"ddim": "DDPM, DDIM sampler (eta 0)", "euler": "flow matching, Euler", "heun": "flow matching, Heun"}
    for sampler, by_nfe in lines.items():
        nfe = sorted(by_nfe)
        ax.plot(
            nfe, [statistics.mean(by_nfe[n]) for n in nfe], marker="o", label=f"{labels[sampler]} (mean of {len(by_nfe[nfe[0]])} seeds)"
        )
        for n in nfe:
            ax.scatter([n] * len(by_nfe[n]), by_nfe[n], s=8, color=ax.lines[-1].get_color(), alpha=0.4)
    for i, (model, fds) in enumerate(sorted(points.items())):
        ax.scatter(
            [1], [statistics.mean(fds)], marker="s*^Dv"[i % 5], s=60, label=f"{model}, one pass (mean of {len(fds)} seeds)", zorder=3
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("network evaluations per sample (NFE)")
    ax.set_ylabel("gen/fd_normalized (0 = real test images, 1 = pixel noise)")
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out, dpi=120)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--results", type=Path, default=Path("results"), help="where the ddpm and flow_matching runs are")
    ap.add_argument("--problem", default="digits")
    ap.add_argument("--preset", default="standard")
    ap.add_argument("--steps", default="1,2,5,10,20,50,100", help="sampling steps to try (comma-separated)")
    ap.add_argument("--seeds", default="", help="only these seeds of the iterative models (comma-separated); empty = all")
    ap.add_argument("--out", type=Path, default=Path("fd_vs_steps.png"))
    args = ap.parse_args()
    steps = [int(s) for s in args.steps.split(",")]
    seeds = {int(s) for s in args.seeds.split(",") if s}
    runs = records([args.results, ROOT / "reports" / "baseline"], args.problem, args.preset)
    lines = curves([(d, r) for d, r in runs if not seeds or r["seed"] in seeds or r["model"] not in ITERATIVE], steps)
    points = one_pass(runs)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    draw(lines, points, args.out, f"{args.problem} ({args.preset}): sample quality against sampling cost")
    args.out.with_suffix(".json").write_text(json.dumps({"iterative": lines, "one_pass": points}, indent=1) + "\n")
    print(f"wrote {args.out} and {args.out.with_suffix('.json')}")


if __name__ == "__main__":
    main()
