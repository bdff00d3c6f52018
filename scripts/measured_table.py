"""The "Measured here" tables of the family pages (docs/families/*.md), computed from the shipped baseline records.

    python scripts/measured_table.py            print the tables
    python scripts/measured_table.py --write    put each family's table into its page between its markers

`tests/test_readme_numbers.py` (and the docs build, `scripts/docs_hooks.py`) fail when a page and the
records disagree, so every number these tables quote comes from a record in reports/baseline/, never
from a hand copy.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from readme_blocks import marked, replace  # noqa: E402

from reports.leaderboard import records_interval  # noqa: E402
from reports.records import BASELINE_DIR  # noqa: E402
from suite import store  # noqa: E402

DOCS = ROOT / "docs" / "families"
END = "<!-- measured:end -->"


def begin(family: str) -> str:
    return f"<!-- measured:begin {family} (scripts/measured_table.py --write) -->"


def page(family: str) -> Path:
    """The family's docs page, which holds its table."""
    return DOCS / f"{family}.md"


# (task, preset, what the metric is called, published figure and its source), grouped by docs page
FAMILIES = {
    "classification": [
        ("mnist1d_logreg", "standard", "test acc", "32 % (MNIST-1D paper)"),
        ("mnist1d_mlp", "standard", "test acc", "68 % (MNIST-1D paper)"),
        ("mnist1d_cnn", "standard", "test acc", "94 % (MNIST-1D paper)"),
        ("mnist1d_gru", "standard", "test acc", "91 % (MNIST-1D paper)"),
        ("digits_mlp", "standard", "test acc", "–"),
        ("digits_cnn", "standard", "test acc", "–"),
        # Fashion-MNIST: the submitted figures in Zalando's README benchmark table (github.com/zalandoresearch/fashion-mnist)
        ("fashion_mnist_logreg", "standard", "test acc", "–"),
        ("fashion_mnist_mlp", "standard", "test acc", "90.0 % (MLP 256-128-64, Zalando's table)"),
        ("fashion_mnist_lenet5", "standard", "test acc", "–"),
        ("fashion_mnist_cnn", "standard", "test acc", "87.6-91.6 % (2 conv + pooling, Keras / TF >300 epochs, Zalando's table)"),
        ("fashion_mnist_cnn_dropout", "standard", "test acc", "–"),
        ("fashion_mnist_resnet", "standard", "test acc", "94.9 % (ResNet18 + augmentation, Zalando's table)"),
    ],
    "rl": [
        ("cartpole_ppo", "standard", "final return", "500 (zoo, 1 seed)"),
        ("cartpole_dqn", "standard", "final return", "500 (zoo, 1 seed)"),
        ("cartpole_dqn", "stable", "final return", "–"),
        ("acrobot_dqn", "standard", "final return", "−76.6 (zoo, 1 seed)"),
        ("pendulum_sac", "standard", "final return", "−157.0 (zoo, 1 seed)"),
        ("lunarlander_ppo", "standard", "final return", "242.1 (zoo, 1 seed)"),
    ],
    "generative": [
        ("digits_flow_matching", "standard", "FD, normalised", "–"),
        ("digits_dcgan", "standard", "FD, normalised", "–"),
        ("digits_ddpm", "standard", "FD, normalised", "–"),
        ("digits_wgan_gp", "standard", "FD, normalised", "–"),
        ("digits_gan", "standard", "FD, normalised", "–"),
        ("digits_vae", "standard", "FD, normalised", "–"),
        ("digits_conv_ae", "standard", "test MSE", "–"),
        ("digits_ae", "standard", "test MSE", "–"),
        ("fashion_mnist_dcgan", "standard", "FD, normalised", "–"),
        ("fashion_mnist_vae", "standard", "FD, normalised", "–"),
        ("fashion_mnist_flow_matching", "standard", "FD, normalised", "–"),
        ("fashion_mnist_wgan_gp", "standard", "FD, normalised", "–"),
        ("fashion_mnist_gan", "standard", "FD, normalised", "–"),
        ("fashion_mnist_ddpm", "standard", "FD, normalised", "–"),
        ("fashion_mnist_conv_ae", "standard", "test MSE", "–"),
    ],
    "forecasting": [
        ("sunspots_mlp", "standard", "test MASE", "–"),
        ("sunspots_lstm", "standard", "test MASE", "–"),
        ("sunspots_seasonal_naive", "standard", "test MASE", "–"),
        ("co2_mlp", "standard", "test MASE", "–"),
        ("co2_ets", "standard", "test MASE", "–"),
        ("elnino_arima", "standard", "test MASE", "–"),
        ("elnino_gru", "standard", "test MASE", "–"),
    ],
}
ROWS = [r for rows in FAMILIES.values() for r in rows]
GENERATION_METRIC = "gen/fd_normalized"  # the VAE is ranked as an autoencoder first; the table quotes its FD


def _fmt(x: float, metric: str) -> str:
    if metric == "test/acc":
        return f"{100 * x:.1f}"
    return f"{x:.4g}" if abs(x) < 10 else f"{x:.1f}"


def row(task: str, preset: str, label: str, published: str) -> str:
    recs = [r for r in store.iter_records(BASELINE_DIR, task) if r["preset"] == preset and r["status"] == "ok"]
    if not recs:
        return f"| `{task}` {preset} | {label} | no shipped record | – | – | {published} |"
    metric = GENERATION_METRIC if label.startswith("FD") else recs[0]["primary_metric"]
    recs.sort(key=lambda r: r["seed"])
    values = [r["metrics"][metric] for r in recs]
    train = statistics.median(r["timing"]["train_s"] for r in recs)
    unit = " %" if metric == "test/acc" else ""
    name = f"`{task}`" + ("" if preset == "standard" else f" `--preset {preset}`")
    seeds = f"seeds {recs[0]['seed']}–{recs[-1]['seed']}" if len(recs) > 1 else f"seed {recs[0]['seed']}"
    if recs[0].get("deterministic"):
        value = f"{_fmt(values[0], metric)}{unit} (exact, deterministic)"
    elif len(values) == 1:
        value = f"{_fmt(values[0], metric)}{unit} (1 seed, no interval)"
    else:
        lo, hi = records_interval(recs, metric)  # inside the metric's range, as on the boards
        per_seed = ", ".join(_fmt(v, metric) for v in values)
        value = f"{_fmt(statistics.fmean(values), metric)}{unit} [{_fmt(lo, metric)}, {_fmt(hi, metric)}] ({per_seed})"
    return f"| {name} | {label} | {value} | {seeds} | {train:.1f} | {published} |"


def table(family: str) -> str:
    head = [
        "| task | metric | mean [95 % t interval] (per seed) | seeds | train s per run (median) | published |",
        "|---|---|---|---|---|---|",
    ]
    return "\n".join(head + [row(*r) for r in FAMILIES[family]])


def block(family: str) -> str:
    return f"{begin(family)}\n{table(family)}\n{END}"


def page_block(family: str) -> str | None:
    """The family's table as its page has it now (markers included), or None."""
    return marked(page(family).read_text(), begin(family), END) if page(family).is_file() else None


def stale() -> list[str]:
    """The family pages whose table differs from the records (or lost its markers)."""
    return [str(page(f).relative_to(ROOT)) for f in FAMILIES if page_block(f) != block(f)]


def main() -> None:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--write", action="store_true", help="replace each family's table in docs/families/FAMILY.md")
    if not ap.parse_args().write:
        for family in FAMILIES:
            print(f"{family}:\n{table(family)}\n")
        return
    for family in FAMILIES:
        changed = replace(page(family), begin(family), END, block(family))
        print(f"{page(family).relative_to(ROOT)}: measured table {'rewritten' if changed else 'unchanged'} from reports/baseline/")


if __name__ == "__main__":
    main()
