"""Hinton et al. (2015) knowledge distillation: the student matches the teacher's softened logits.

loss = alpha · T² · KL(softmax(teacher / T) ‖ softmax(student / T)) + (1 − alpha) · CE(student, labels);
T² keeps the soft term's gradients on the scale of the hard one's as T grows.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from tasks.classification.augment import augment
from tasks.classification.fabric import Classifier, correct


def kd_loss(student: torch.Tensor, teacher: torch.Tensor, y: torch.Tensor, temperature: float, alpha: float) -> torch.Tensor:
    soft = F.kl_div(F.log_softmax(student / temperature, -1), F.softmax(teacher / temperature, -1), reduction="batchmean")
    return alpha * temperature**2 * soft + (1 - alpha) * F.cross_entropy(student, y)


class Distiller(Classifier):
    """The classifier's module with the KD loss; the teacher is held outside the module (never trained or saved)."""

    def __init__(self, base: Classifier, teacher: nn.Module, temperature: float, alpha: float) -> None:
        super().__init__(base.net, base.cfg, base.total_steps, base.augment_pad, base.hflip)
        object.__setattr__(self, "teacher", teacher.eval())  # not a submodule: not in parameters() nor state_dict()
        self.temperature, self.alpha = temperature, alpha

    def on_fit_start(self) -> None:
        self.teacher.to(self.device)

    def training_step(self, batch, _):
        x, y = batch
        if self.augment_pad:
            x = augment(x, self.augment_pad, self.hflip)
        logits = self(x)
        with torch.no_grad():
            target = self.teacher(x)  # the same augmented batch the student sees
        self.samples_seen += len(y)
        # the curves keep the plain student's meaning (cross-entropy, accuracy); the KD loss is what is minimised
        return {
            "loss": kd_loss(logits, target, y, self.temperature, self.alpha),
            "ce": F.cross_entropy(logits, y).detach(),
            "acc": correct(logits, y),
        }
