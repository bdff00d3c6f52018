"""Compression: the catalog. A task is `<problem>_<base>_<method>` (problem `digits`, model
`mlp_prune80`): the method applied to the parent run `<problem>_<base>` of the same preset and seed,
whose kept weights are reused, or which is trained first through the ordinary runner.

The family joins problems that other catalogs registered (it adds itself to their families and
ranks them by their own family's primary metric), so this package is imported after them.
Compression tasks are in the `compression` suite, not in `default`: each one rides on another
task's record. See tasks/compression/README.md for the protocol and the measured table.
"""

from suite.registry import REGISTRY, Family, ModelSpec
from tasks.compression.spec import Method

FAMILY = "compression"
_HERE = "tasks.compression"
PROBLEMS = ("digits", "mnist1d", "fashion_mnist", "sunspots")  # fashion_mnist: optional, in suites where its files are
INPUTS = {"classification": ("image", "signal"), "forecasting": ("series",)}  # the problems' `input` trait per parent family


def _col(metric: str, label: str, help: str, agg: str = "mean", fmt: str = "number") -> dict:
    return {"metric": f"compress/{metric}", "label": label, "agg": agg, "format": fmt, "help": help}


REGISTRY.add_family(
    Family(
        name=FAMILY,
        runner=f"{_HERE}.runner:run",
        config=f"{_HERE}.config:CompressConfig",
        # forecasting problems override both with their own family's (test/mase, lower is better): see _attach
        primary_metric="test/acc",
        higher_is_better=True,
        presets={"smoke": {"latency_repeats": 3}},
        description="pruning, quantization and distillation of a parent run; metric against size and CPU latency",
        board_metrics=(
            _col(
                "drop", "Δ vs parent", "the parent's primary metric minus this one, same seed (> 0: worse; MASE: this minus the parent's)"
            ),
            _col("size_bytes", "bytes", "the compressed state_dict serialised (torch.save); pruned: the smaller of dense and CSR"),
            _col("nonzero", "non-zero", "non-zero weights and biases"),
            _col("latency_b1_us", "µs b1", "CPU latency per sample at batch 1, median of repeated timings, fixed threads", "median"),
            _col("latency_b256_us", "µs/sample b256", "CPU latency per sample at batch 256, median of repeated timings", "median"),
            _col("speedup_b1", "speed-up b1", "parent's latency / this one's at batch 1, timed in the same run, interleaved", "median"),
            _col("speedup_b256", "speed-up b256", "parent's latency / this one's at batch 256", "median"),
            _col("ratio", "× smaller", "parent's serialised bytes / this model's"),
        ),
    )
)


def _attach(name: str) -> None:
    """Let the family serve `name`, ranked by the metric its own family ranks it by."""
    p = REGISTRY.problems.get(name)
    if p is None or FAMILY in p.families:
        return
    parent = next(f for f in ("classification", "forecasting") if f in p.families)
    fam = REGISTRY.family(parent)
    # An unscoped problem preset (mnist1d's lr, batch, steps) is its families' training recipe, not
    # compression keys: scope it to each family it served, merged as preset_layers would apply it.
    presets = {k: v for k, v in p.presets.items() if "/" in k}
    for key, values in p.presets.items():
        if "/" not in key:
            for served in p.families:
                presets[f"{served}/{key}"] = {**values, **p.presets.get(f"{served}/{key}", {})}
    p.presets = presets
    p.families = (*p.families, FAMILY)
    ref = {k: v for k, v in p.refs.get(parent, {}).items() if k != "curve_metric"}  # compression keeps no curve of its own
    p.refs = {**p.refs, FAMILY: {"primary_metric": fam.primary_metric, "higher_is_better": fam.higher_is_better, **ref}}


for _name in PROBLEMS:
    _attach(_name)


def _inputs(method: Method) -> tuple[str, ...]:
    """The `input` traits on which the base model exists, in a parent family the method handles."""
    out = []
    for spec in REGISTRY.models.get(method.base, []):
        for fam in set(spec.families) & set(method.families):
            want = spec.requires.get("input", INPUTS[fam])
            out += [i for i in (want if isinstance(want, tuple) else (want,)) if i in INPUTS[fam]]
    return tuple(dict.fromkeys(out))


_CONFIG = {"prune": "FinetuneConfig", "chprune": "FinetuneConfig", "dynq": "NoConfig", "staticq": "StaticQConfig", "kd": "KDConfig"}
_SMOKE = {"prune": {"finetune_epochs": 1}, "chprune": {"finetune_epochs": 1}, "staticq": {"calib_batches": 1}}
# The fine-tune stays short beside the parent's training: 10 epochs are a tenth of digits' ~100 and under a
# twentieth of MNIST-1D's 223, but Fashion-MNIST's cnn trains 10 epochs in all, so there it gets 1 (a tenth
# again: ~8 CPU-minutes a run saved, not chosen on any result).
_FASHION = {"prune": {"finetune_epochs": 1}, "chprune": {"finetune_epochs": 1}}
METHODS = [
    *(Method("prune", base, amount) for base in ("mlp", "cnn") for amount in (0.5, 0.8, 0.9, 0.95)),
    Method("chprune", "cnn", 0.5),
    *(Method("dynq", base) for base in ("mlp", "cnn", "gru", "lstm")),
    Method("staticq", "cnn"),
    Method("kd", "mlp"),
]
for _m in METHODS:
    REGISTRY.add_model(
        ModelSpec(
            name=_m.name,
            families=(FAMILY,),
            target=_m,
            description=_m.description,
            config=f"{_HERE}.config:{_CONFIG[_m.kind]}",
            presets={
                **({"smoke": _SMOKE[_m.kind]} if _m.kind in _SMOKE else {}),
                **({"fashion_mnist/standard": _FASHION[_m.kind]} if _m.kind in _FASHION else {}),
            },
            requires={"input": _inputs(_m)},
        )
    )

_NO_STATIC_RNN = "static int8 quantization (FX graph mode) has no quantized kernel for a recurrence: use {base}_dynq (dynamic int8)"
_NO_CHANNELS = "channel pruning removes convolution channels and {base} has none: use {base}_prune50 … {base}_prune95"
for _base in ("gru", "lstm"):
    REGISTRY.refuse(f"{_base}_staticq", _NO_STATIC_RNN.format(base=_base))
REGISTRY.refuse("mlp_chprune50", _NO_CHANNELS.format(base="mlp"))


def suite() -> list[str]:
    """Every compression task whose problem is in the suites (not optional, or its files found)."""
    return [t.id for t in REGISTRY.tasks(family=FAMILY) if t.problem.in_suites()]


REGISTRY.add_suite(FAMILY, f"{_HERE}:suite")
