"""The compression track (tasks/compression): every task on smoke, what each method claims to do to
the weights, the parent found and reused rather than retrained, and the refused pairs."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch

from suite import weights
from suite.config import resolve_config
from suite.registry import get_registry
from tests.conftest import run_smoke

COLUMNS = ("drop", "size_bytes", "nonzero", "latency_b1_us", "latency_b256_us", "speedup_b1", "speedup_b256", "ratio")


def _run(task_id: str, results: Path, force: bool = False) -> dict:
    return run_smoke(task_id, results, force=force)


# The fast tier's representatives: every method, both parent families, five parents (tests/conftest.py, tiers)
FAST = (
    "digits_mlp_prune80",
    "digits_cnn_prune90",
    "digits_cnn_chprune50",
    "digits_mlp_dynq",
    "digits_cnn_staticq",
    "digits_mlp_kd",
    "mnist1d_cnn_dynq",
    "mnist1d_gru_dynq",
    "sunspots_lstm_dynq",
)


@pytest.fixture(scope="module")
def smoke(tmp_path_factory) -> tuple[Path, dict[str, dict]]:
    """The representatives on smoke, in one results directory (so parents are shared as in a sweep)."""
    results = tmp_path_factory.mktemp("compression") / "results"
    return results, {i: _run(i, results) for i in FAST}


def test_representatives_run_on_smoke_and_report_every_column(smoke):
    _check(smoke[1])
    records = smoke[1]
    # ranked by the parent family's own metric: accuracy up, MASE down
    assert (records["sunspots_lstm_dynq"]["primary_metric"], records["sunspots_lstm_dynq"]["higher_is_better"]) == ("test/mase", False)
    assert (records["mnist1d_cnn_dynq"]["primary_metric"], records["mnist1d_cnn_dynq"]["higher_is_better"]) == ("test/acc", True)


@pytest.mark.slow
def test_every_compression_task_runs_on_smoke(smoke):
    """Every task of the problems that need no download (fashion_mnist's run where its files are: name them)."""
    results, _ = smoke
    ids = [t.id for t in get_registry().tasks(family="compression") if not t.problem.traits.get("optional")]
    assert len(ids) == 30
    _check({i: _run(i, results) for i in ids})


def _check(records: dict[str, dict]) -> None:
    bad = {i: r["error"] for i, r in records.items() if r["status"] != "ok"}
    assert not bad
    for rec in records.values():
        assert all(f"compress/{c}" in rec["metrics"] for c in COLUMNS), rec["task"]
        assert rec["info"]["latency"]["threads"] == 1 and len(rec["info"]["latency"]["load_1m"]) == 2
        assert [c["metric"] for c in rec["rankings"]["compression"]["columns"]] == [f"compress/{c}" for c in COLUMNS]


def test_pruned_models_have_the_stated_sparsity(smoke):
    _, records = smoke
    pruned = {i: r for i, r in records.items() if "_prune" in i}
    assert len(pruned) == 2
    for task_id, rec in pruned.items():
        amount = int(task_id.rsplit("prune", 1)[1]) / 100
        state = weights.load(Path(rec["_dir"]))  # the kept weights, read back from disk
        ws = [v for k, v in state.items() if k.endswith("weight") and v.dim() >= 2]
        zeros = sum(int((w == 0).sum()) for w in ws) / sum(w.numel() for w in ws)
        assert zeros == pytest.approx(amount, abs=1e-3), task_id
        assert rec["metrics"]["compress/sparsity"] == pytest.approx(zeros)
        assert rec["metrics"]["compress/nonzero"] < rec["metrics"]["compress/parent_nonzero"]
    # stored as CSR, 90 % zeros take several times fewer bytes than the dense parent
    assert records["digits_cnn_prune90"]["metrics"]["compress/ratio"] > 3


def test_quantized_models_hold_int8_weights():
    from tasks.classification.models import AddChannel, cnn, gru, mlp
    from tasks.compression import measure, quantize

    for net in (mlp((1, 8, 8), 10), cnn((40,), 10), gru((40,), 10)):
        q = quantize.dynamic(net)
        held = quantize.int8_weights(q)
        float_linear = [m for m in q.modules() if type(m) is torch.nn.Linear]
        assert held and set(held.values()) == {torch.qint8} and not float_linear
        assert measure.size_bytes(q) < measure.size_bytes(net) / 1.5
    x = torch.randn(64, 40)
    q = quantize.static(cnn((40,), 10), x[:1], [x], leaves=(AddChannel,))
    held = quantize.int8_weights(q)
    assert len(held) == 4 and set(held.values()) == {torch.qint8}  # two convolutions, two linear layers
    assert not [m for m in q.modules() if isinstance(m, (torch.nn.Conv1d, torch.nn.Linear)) and type(m).__module__.startswith("torch.nn.")]


def test_channel_pruning_builds_a_smaller_dense_net():
    from tasks.classification.models import cnn
    from tasks.compression import prune

    net = cnn((1, 8, 8), 10)
    kept = prune.channels(net, 0.5)
    convs = [m for m in net.modules() if isinstance(m, torch.nn.Conv2d)]
    assert [c.out_channels for c in convs] == [16, 32] and convs[1].in_channels == 16
    assert [len(k) for k in kept.values()] == [16, 32]
    assert net(torch.zeros(3, 1, 8, 8)).shape == (3, 10)


def test_the_parent_is_trained_once_and_reused(smoke):
    results, records = smoke
    by_parent: dict[str, list[bool]] = {}
    for rec in records.values():
        by_parent.setdefault(rec["info"]["parent"]["task"], []).append(rec["info"]["parent"]["trained_here"])
    assert set(by_parent) == {"digits_mlp", "digits_cnn", "mnist1d_cnn", "mnist1d_gru", "sunspots_lstm"}
    assert all(flags.count(True) == 1 for flags in by_parent.values()), by_parent
    parent_dir = Path(records["digits_mlp_dynq"]["info"]["parent"]["run_id"])
    before = json.loads((results / "digits_mlp" / parent_dir / "result.json").read_text())["started_at"]
    again = _run("digits_mlp_dynq", results, force=True)
    assert again["info"]["parent"]["trained_here"] is False
    assert json.loads((results / "digits_mlp" / parent_dir / "result.json").read_text())["started_at"] == before
    assert len(list((results / "digits_mlp").glob("*__s0"))) == 1


def test_a_parent_record_without_weights_is_trained_again(tmp_path):
    results = tmp_path / "res"
    first = _run("digits_mlp_dynq", results)
    parent = results / "digits_mlp" / first["info"]["parent"]["run_id"]
    weights.find(parent).unlink()
    again = _run("digits_mlp_dynq", results, force=True)
    assert again["status"] == "ok" and again["info"]["parent"]["trained_here"] is True
    assert any("no kept weights" in w for w in again["warnings"]) and weights.find(parent) is not None


def test_reloaded_parent_weights_reproduce_its_recorded_accuracy(smoke):
    from tasks.classification.runner import load_data
    from tasks.compression.classify import build

    results, records = smoke
    reg = get_registry()
    rec = records["mnist1d_cnn_dynq"]
    task = reg.task("mnist1d_cnn")
    cfg = resolve_config(task, "smoke")
    parent = json.loads((results / task.id / rec["info"]["parent"]["run_id"] / "result.json").read_text())
    data = load_data(SimpleNamespace(config=cfg, task=SimpleNamespace(problem=reg.problem("mnist1d"))))  # what it reads
    net = build(task, cfg, data)
    net.load_state_dict(weights.load(results / task.id / parent["run_id"]))
    with torch.no_grad():
        acc = float((net.eval()(torch.as_tensor(data.x_test)).argmax(-1) == torch.as_tensor(data.y_test)).float().mean())
    assert acc == pytest.approx(parent["metrics"]["test/acc"], abs=1e-6)


@pytest.mark.parametrize(
    "task_id, reason",
    [
        ("mnist1d_gru_staticq", "no quantized kernel for a recurrence: use gru_dynq"),
        ("sunspots_lstm_staticq", "use lstm_dynq"),
        ("digits_mlp_chprune50", "mlp has none"),
        ("digits_gru_dynq", "requires input=signal|series and digits has input=image"),
        ("sunspots_cnn_prune80", "requires input=image|signal and sunspots has input=series"),
    ],
)
def test_methods_a_model_cannot_take_are_refused_with_the_reason(bench, task_id, reason):
    code, _, err = bench("run", task_id, "--preset", "smoke")
    assert code == 2 and err.count("\n") == 1 and reason in err


def test_compression_has_its_own_suite_and_stays_out_of_default():
    reg = get_registry()
    assert "digits_mlp_prune80" in reg.suite("compression")
    assert not [t for t in reg.suite("default") if "compression" in reg.task(t).families]


def test_the_figure_marks_each_parent_by_its_task_and_kd_beside_its_teacher(smoke):
    """One ★ per parent task, named by it, at the values its children measured (KD's parent is its teacher)."""
    from reports.compression import points
    from reports.records import load

    runs = load(smoke[0])
    rows = runs[(runs["family"] == "compression") & (runs["problem"] == "digits") & (runs["status"] == "ok")]
    entries, parents = points(rows)
    assert sorted(parents["label"]) == ["cnn", "mlp"]
    teacher = smoke[1]["digits_mlp_kd"]["metrics"]["compress/parent_metric"]
    assert parents.set_index("label").loc["cnn", "score"] == pytest.approx(teacher)
    assert set(entries["model"]) == {"mlp_prune80", "cnn_prune90", "cnn_chprune50", "mlp_dynq", "cnn_staticq", "mlp_kd"}
