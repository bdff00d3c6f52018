"""What a compression model is: a method applied to a base model of the same problem (no torch here).

Each compression model's registry target is a `Method`, so `ctx.task.model.load()` hands the runner
the method and the base it compresses; the parent run is `<problem>_<base>`.
"""

from __future__ import annotations

from dataclasses import dataclass

# kind → (what it does, for `bench list`; the parent families it handles)
KINDS = {
    "prune": (
        "global magnitude pruning of every Linear/Conv weight (torch.nn.utils.prune) to {amount:.0%} zeros, then a short fine-tune",
        ("classification",),
    ),
    "chprune": (
        "structured pruning: {amount:.0%} of each convolution's channels by L1 norm removed for real (a smaller dense net), then a short fine-tune",
        ("classification",),
    ),
    "dynq": (
        "post-training dynamic int8 quantization of Linear/LSTM/GRU layers (weights int8, activations quantized on the fly)",
        ("classification", "forecasting"),
    ),
    "staticq": ("post-training static int8 quantization (FX graph mode, x86 backend), calibrated on training batches", ("classification",)),
    "kd": (
        "Hinton knowledge distillation: this student trained on the teacher's softened logits, with the plain student's budget",
        ("classification",),
    ),
}


@dataclass(frozen=True)
class Method:
    kind: str  # a key of KINDS
    base: str  # the model compressed: the parent run is <problem>_<base> (for kd: the student architecture)
    amount: float = 0.0  # share of weights (prune) or channels (chprune) removed

    @property
    def name(self) -> str:
        suffix = f"{self.kind}{round(self.amount * 100)}" if self.kind in ("prune", "chprune") else self.kind
        return f"{self.base}_{suffix}"

    @property
    def description(self) -> str:
        text = KINDS[self.kind][0].format(amount=self.amount)
        return f"{self.base}: {text}"

    @property
    def families(self) -> tuple[str, ...]:
        return KINDS[self.kind][1]
