"""Compression keys (`bench config digits_mlp_prune80` prints them with values).

The parent's own training keys are not here: a parent is the ordinary run `<problem>_<base>` under
`parent_preset`, found by its record or trained first, never a variant configured here.
"""

from __future__ import annotations

from dataclasses import dataclass

from suite.config import doc


@dataclass
class CompressConfig:
    parent_preset: str = doc("", "preset of the parent run (and of the kd student and teacher); empty = this run's preset")
    latency_repeats: int = doc(30, "timed forward passes per batch size (after warm-up); the median is reported", minimum=1)
    latency_threads: int = doc(1, "torch threads while timing, fixed so runs on a loaded machine compare", minimum=1)
    keep_weights: bool = doc(True, "save the compressed model's state_dict in the run directory")


@dataclass
class FinetuneConfig:
    finetune_epochs: int = doc(10, "epochs of fine-tuning after pruning (masks held fixed), best val epoch kept", minimum=0)
    finetune_lr_scale: float = doc(0.1, "fine-tune learning rate as a share of the parent's lr", above=0)


@dataclass
class StaticQConfig:
    calib_batches: int = doc(8, "training batches of 128 that calibrate the activation ranges", minimum=1)


@dataclass
class KDConfig:
    teacher: str = doc(
        "cnn", "teacher model of the same problem (its run is reused or trained first); cnn is the best shipped one on digits and mnist1d"
    )
    temperature: float = doc(4.0, "softmax temperature of the soft targets (Hinton et al. 2015); not tuned here", above=0)
    alpha: float = doc(0.9, "weight of the soft-target loss (× T²); 1 − alpha weights the hard-label cross-entropy", minimum=0, maximum=1)


@dataclass
class NoConfig:
    """dynq has nothing to set."""
