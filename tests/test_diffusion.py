"""DDPM (sampled with DDIM) and flow matching (Euler, Heun): their records on smoke carry the sampling cost,
`steps` (and the solver) is a config key that changes it, and `nfe` is the number of network calls `sample` makes."""

from __future__ import annotations

import pytest
import torch

from suite import weights
from tests.conftest import run_smoke


@pytest.fixture(autouse=True)
def _cache(feature_cache):
    """One extractor cache for the whole session (tests/conftest.py)."""


@pytest.mark.parametrize(
    ("task_id", "overrides", "nfe"),
    [
        ("digits_ddpm", None, 10),  # the smoke preset's 10 DDIM steps
        ("digits_ddpm", {"steps": 4}, 4),
        ("digits_flow_matching", None, 10),  # 10 Euler steps
        ("digits_flow_matching", {"steps": 3, "solver": "heun"}, 6),  # Heun: two evaluations per step
    ],
)
def test_smoke_record_has_sampling_cost(task_id, overrides, nfe, results):
    rec = run_smoke(task_id, results, overrides=overrides)
    assert rec["status"] == "ok", rec["error"] or rec["traceback"]
    m = rec["metrics"]
    assert m["gen/nfe"] == nfe
    assert m["gen/sample_s_per_1000"] > 0
    assert 0 <= m["gen/fd_normalized"] < 5 and 0 <= m["gen/precision"] <= 1 and 0 <= m["gen/recall"] <= 1
    assert [c["label"] for c in rec["rankings"]["generation"]["columns"]] == ["KID", "precision", "recall", "NFE", "s/1k samples"]
    run_dir = results / task_id / rec["run_id"]
    assert weights.find(run_dir) is not None  # kept for scripts/fd_vs_steps.py
    assert rec["info"]["kept_epoch"] == 2  # smoke: one val/fd, at the last epoch


class Counting(torch.nn.Module):
    """The network, counting the images it is evaluated on."""

    def __init__(self, net: torch.nn.Module) -> None:
        super().__init__()
        self.net, self.images = net, 0

    def forward(self, x, t):
        self.images += len(x)
        return self.net(x, t)


@pytest.mark.parametrize(
    ("name", "kwargs", "nfe"),
    [
        ("ddpm", {"steps": 7}, 7),
        ("ddpm", {"steps": 3, "eta": 1.0}, 3),
        ("flow", {"steps": 5}, 5),
        ("flow", {"steps": 4, "solver": "heun"}, 8),
    ],
)
def test_nfe_is_what_sample_spends(name, kwargs, nfe):
    from tasks.generative.ddpm import Ddpm
    from tasks.generative.flow_matching import FlowMatching

    model = (Ddpm if name == "ddpm" else FlowMatching)((1, 8, 8), width=8, **kwargs)
    model.net = Counting(model.net)
    x = model.sample(6, torch.Generator().manual_seed(0))
    assert x.shape == (6, 1, 8, 8) and 0 <= float(x.min()) and float(x.max()) <= 1
    assert model.nfe == nfe and model.net.images == 6 * nfe
    again = model.sample(6, torch.Generator().manual_seed(0))
    assert torch.equal(x, again), "every random number comes from the family's generator"


def test_bad_solver_and_schedule_are_refused():
    from tasks.generative.ddpm import Ddpm
    from tasks.generative.flow_matching import FlowMatching

    with pytest.raises(ValueError, match="solver"):
        FlowMatching((1, 8, 8), solver="rk4")
    with pytest.raises(ValueError, match="schedule"):
        Ddpm((1, 8, 8), schedule="sqrt")


def test_unet_keeps_odd_image_sizes():
    from tasks.generative.unet import UNet

    net = UNet(1, width=8, attention=True)
    for size in (8, 7, 28):
        x = torch.randn(2, 1, size, size)
        assert net(x, torch.rand(2)).shape == x.shape
