"""Bad input and bad files (issue 15): each is one line, exit code 2 before any run, or one warning
while everything else is still reported; nothing computed is lost.

Every test here names the behaviour it guards; the faults that need processes to die (SIGKILL in a
sweep, in the middle of a publish, an unreachable wandb, a full disk) are in `test_robust_faults.py`.
"""

from __future__ import annotations

import base64
import dataclasses
import errno
import json
import os
import re
import time
from pathlib import Path

import pandas as pd
import pytest

from benchmarks import synthetic
from reports.records import load_with_baseline
from suite import store
from suite.config import budget_of, help_of, resolve_config
from suite.errors import UserError
from suite.registry import REGISTRY, ModelSpec, ProblemSpec, Registry, Task, get_registry

ROOT = Path(__file__).resolve().parent.parent
TOY = ROOT / "tests" / "plugins" / "toy_family.py"
DIGITS = {"random": 0.1, "reference": 1.0}

EVIL_PLUGIN = """
from suite import register_model

@register_model({name!r}, family="classification")
def evil(input_shape, num_classes, width: int = 8):
    from torch import nn
    return nn.Linear(1, 1)
"""


@pytest.fixture
def no_run(monkeypatch):
    """Bad input must be refused before any run: a run that starts fails the test at once (and never trains for ever)."""
    import suite.runner

    monkeypatch.setattr(suite.runner, "execute", lambda *a, **k: pytest.fail("a run started"))


def warnings_of(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("bench: warning:")]


def tree(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if "__pycache__" not in p.parts)


# -- bad records: report, show and compare ---------------------------------------------------------


def write_good(results: Path) -> None:
    """Two models × two seeds on digits, with curves: what must survive every bad file beside them."""
    for model, scores in {"mlp": [0.9, 0.92], "logreg": [0.8, 0.82]}.items():
        for seed, v in enumerate(scores):
            rec = synthetic.record("digits", model, seed, v, refs=DIGITS)
            synthetic.write(results, rec, synthetic.curve("val/acc", v, 0.1, 5, 2.0))


def _truncated(results: Path) -> tuple[Path, str]:
    good = json.dumps(synthetic.record("digits", "cnn", 0, 0.95, refs=DIGITS), indent=2)
    d = results / "digits_cnn" / "truncated"
    d.mkdir(parents=True)
    (d / store.RESULT_FILE).write_text(good[: len(good) // 2])
    return d / store.RESULT_FILE, "truncated JSON"


def _foreign(results: Path) -> tuple[Path, str]:
    d = results / "digits_cnn" / "foreign"
    d.mkdir(parents=True)
    (d / store.RESULT_FILE).write_text('{"hello": 1}')
    return d / store.RESULT_FILE, "not a run record"


def _newer(results: Path) -> tuple[Path, str]:
    rec = synthetic.record("digits", "cnn", 1, 0.95, refs=DIGITS) | {"schema_version": store.SCHEMA_VERSION + 1}
    rec["metrics"] = {"test/acc": {"mean": 0.95}}  # a future layout this version cannot read
    d = synthetic.write(results, rec)
    return d / store.RESULT_FILE, f"schema_version {store.SCHEMA_VERSION + 1} is newer"


def _curves_missing(results: Path) -> tuple[Path, str]:
    d = synthetic.write(results, synthetic.record("digits", "mlp", 2, 0.91, refs=DIGITS))
    (d / store.CURVES_FILE).unlink()
    return d / store.CURVES_FILE, "missing; the run is reported without its curves"


def _curves_corrupt(results: Path) -> tuple[Path, str]:
    d = synthetic.write(results, synthetic.record("digits", "mlp", 3, 0.93, refs=DIGITS), synthetic.curve("val/acc", 0.9, 0.1, 5, 2.0))
    data = (d / store.CURVES_FILE).read_bytes()
    (d / store.CURVES_FILE).write_bytes(data[: len(data) // 2])  # cut short, as a full disk leaves it
    return d / store.CURVES_FILE, "damaged"


BAD = {
    "truncated": _truncated,
    "foreign": _foreign,
    "newer schema": _newer,
    "curves missing": _curves_missing,
    "curves corrupt": _curves_corrupt,
}


def write_bad(results: Path) -> dict[str, tuple[Path, str]]:
    """One of each bad file of the issue, with the reason its warning must give: {case: (path, reason)}."""
    return {case: writer(results) for case, writer in BAD.items()}


def write_unknown_task(results: Path) -> Path:
    """A record of a plug-in task that is not installed now: an ordinary record, ranked like any other."""
    rec = synthetic.record("gone", "away", 0, 0.25, family="toy", metric="test/mae", higher_is_better=False)
    return synthetic.write(results, rec, synthetic.curve("val/mae", 0.25, 0.5, 3, 1.0))


def test_bench_report_warns_once_per_bad_file_and_reports_the_rest(bench, tmp_path):
    results = tmp_path / "results"
    write_good(results)
    bad = write_bad(results)
    write_unknown_task(results)
    out = tmp_path / "report"
    code, stdout, err = bench("report", "--results", str(results), "--no-baseline", "--out", str(out), "--format", "md,csv,html")
    assert code == 0, err
    lines = warnings_of(err)
    assert len(lines) == len(bad), "\n".join(lines)
    for case, (path, reason) in bad.items():
        assert any(str(path) in line and reason in line for line in lines), f"{case}: no warning naming {path} ({reason})"
    assert "Traceback" not in err
    runs = pd.read_csv(out / "runs.csv")
    # Nothing else is lost: 4 good runs, the 2 whose curves are bad, and the plug-in task's record.
    assert sorted(zip(runs["task"], runs["seed"])) == sorted(
        [
            ("digits_logreg", 0),
            ("digits_logreg", 1),
            ("digits_mlp", 0),
            ("digits_mlp", 1),
            ("digits_mlp", 2),
            ("digits_mlp", 3),
            ("gone_away", 0),
        ]
    )
    board = pd.read_csv(out / "leaderboard.csv")
    assert set(board["model"]) == {"mlp", "logreg", "away"}
    assert int(board.loc[board["model"] == "mlp", "seeds"].iloc[0]) == 4, "runs without curves are still ranked"
    assert (out / "report.html").stat().st_size > 1000


def test_bench_show_warns_once_per_bad_record_and_shows_the_rest(bench, tmp_path):
    results = tmp_path / "results"
    write_good(results)
    bad = write_bad(results)
    code, stdout, err = bench("show", "digits_cnn", "--results", str(results))
    assert code == 0, err
    lines = warnings_of(err)
    record_cases = ("truncated", "foreign", "newer schema")  # show reads no curves
    assert len(lines) == len(record_cases), "\n".join(lines)
    for case in record_cases:
        path, reason = bad[case]
        assert any(str(path) in line and reason in line for line in lines), case
    assert "no records for digits_cnn" in stdout
    code, stdout, err = bench("show", "digits_mlp", "--results", str(results), "--json")
    assert code == 0 and not warnings_of(err)
    assert sorted(r["seed"] for r in json.loads(stdout)) == [0, 1, 2, 3]


def test_bench_show_of_a_task_no_longer_registered_shows_its_records(bench, tmp_path):
    results = tmp_path / "results"
    write_unknown_task(results)
    code, stdout, err = bench("show", "gone_away", "--results", str(results), "--json")
    assert code == 0, err
    assert [r["task"] for r in json.loads(stdout)] == ["gone_away"]
    assert "not registered now" in err and err.count("\n") == 1


def test_bench_compare_warns_once_per_bad_file_and_compares_the_rest(bench, tmp_path):
    results = tmp_path / "results"
    write_good(results)
    bad = write_bad(results)
    write_unknown_task(results)
    code, stdout, err = bench(
        "compare", "mlp", "--problems", "digits", "--no-run", "--no-baseline", "--preset", "standard", "--results", str(results)
    )
    assert code == 0, err
    lines = warnings_of(err)
    assert len(lines) == len(bad), "\n".join(lines)
    for case, (path, reason) in bad.items():
        assert any(str(path) in line and reason in line for line in lines), case
    assert "logreg" in stdout and "Traceback" not in err


def test_a_bad_file_costs_one_warning_and_nothing_else_in_the_reader(tmp_path):
    """The reader itself, one bad kind at a time: each is exactly one warning line, the good records all stay."""
    for kind, writer in BAD.items():
        results = tmp_path / kind.replace(" ", "_")
        write_good(results)
        path, reason = writer(results)
        seen: list[list[str]] = []
        runs = load_with_baseline(results, use_baseline=False, on_problems=seen.append)
        assert seen == [[f"{path}: {seen[0][0].split(': ', 1)[1]}"]] and reason in seen[0][0], (kind, seen)
        kept = set(zip(runs["task"], runs["seed"]))
        assert {("digits_mlp", 0), ("digits_mlp", 1), ("digits_logreg", 0), ("digits_logreg", 1)} <= kept, kind


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[1, 2]", "a JSON list"),
        ('{"schema_version": 2, "run_id": "r", "task": "t", "problem": "p", "model": "m", "family": "f", '
         '"seed": "zero", "preset": "standard", "status": "ok", "metrics": {}}', "seed is a str"),
        ('{"schema_version": 2, "run_id": "r", "task": "t", "problem": "p", "model": "m", "family": "f", '
         '"seed": 0, "preset": "standard", "status": "done", "metrics": {}, "primary_metric": "x", "higher_is_better": true}',
         "status 'done'"),
    ],
)  # fmt: skip
def test_malformed_records_are_named_with_their_reason(tmp_path, text, reason):
    (tmp_path / store.RESULT_FILE).write_text(text)
    problems: list[str] = []
    assert store.read_record(tmp_path, problems, check=True) is None
    assert len(problems) == 1 and reason in problems[0]


def test_every_shipped_baseline_record_is_a_valid_record():
    """The checks must never turn a real record into a "bad file": the shipped ones all pass them."""
    from reports.records import baseline_dir, read_records

    problems: list[list[str]] = []
    recs = read_records(baseline_dir(), on_problems=problems.append, check=True)
    assert recs and not problems, problems[:1]


# -- names: identifiers at registration, paths that never leave the results directory --------------


@pytest.mark.parametrize("name", ["x/../../../../escaped", "<script>alert(1)</script>", "My-CNN", "a__b", "../x", ".hidden"])
def test_bad_model_names_are_refused_at_registration(bench, tmp_path, name):
    plugin = tmp_path / "evil_models.py"
    plugin.write_text(EVIL_PLUGIN.format(name=name))
    deep = tmp_path / "a" / "b" / "c" / "d"
    deep.mkdir(parents=True)
    before = tree(tmp_path)
    code, out, err = bench("run", f"digits_{name}", "--plugin", str(plugin), "--preset", "smoke", "--results", str(deep / "res"))
    assert code == 2
    assert err.count("\n") == 1 and f"bad model name {name!r}" in err and "[a-z]" in err, err
    assert tree(tmp_path) == before, "nothing is created, inside the results directory or above it"
    assert not any(name in m for m in REGISTRY.models)


def test_registration_of_every_kind_checks_the_name():
    reg = Registry()
    from suite.registry import Family

    with pytest.raises(UserError, match=r"bad family name 'Toy Family': .*did you mean 'toy_family'"):
        reg.add_family(Family("Toy Family", runner="x:y", config="x:z", primary_metric="m", higher_is_better=True))
    with pytest.raises(UserError, match=r"bad problem name 'a/b'.*did you mean 'a_b'"):
        reg.add_problem(ProblemSpec("a/b", ("classification",), "x:y"))
    with pytest.raises(UserError, match="bad model name '<b>'"):
        reg.add_model(ModelSpec("<b>", ("classification",), "x:y"))
    with pytest.raises(UserError, match="bad suite name 'x/y'"):
        reg.add_suite("x/y", [])
    reg.add_suite("classic-control", [])  # suite names may use hyphens: they never become a path


def test_every_registered_name_is_an_identifier():
    from suite.registry import NAME

    reg = get_registry()
    names = [*reg.families, *reg.problems, *reg.models]
    assert names and all(NAME.fullmatch(n) for n in names), [n for n in names if not NAME.fullmatch(n)]


@pytest.mark.parametrize("task_id", ["../escaped", "a/b", "a\\b", ".hidden", "", "x\0y"])
def test_record_paths_cannot_leave_the_results_directory(tmp_path, task_id):
    """Checked where paths are built, so a task that skipped the registry (built by hand) is refused too."""
    results = tmp_path / "inner" / "results"
    with pytest.raises(UserError, match="bad task id"):
        store.run_path(results, task_id, "r")
    with pytest.raises(UserError, match="bad task id"):
        store.stage(results, task_id, "r")
    with pytest.raises(UserError, match="bad run id"):
        store.run_path(results, "ok_task", task_id or "..")
    assert tree(tmp_path) == []


def test_a_hand_built_task_with_a_path_in_its_name_writes_nothing(tmp_path):
    from suite.runner import execute

    reg = get_registry()
    good = reg.task("digits_logreg")
    bad = Task(good.problem, dataclasses.replace(good.model, name="x/../../../escaped"))
    cfg = resolve_config(good, "smoke")
    results = tmp_path / "a" / "b" / "results"
    with pytest.raises(UserError, match="bad task id"):
        execute(bad, cfg, preset="smoke", seed=0, results=results, wandb_mode="disabled", progress=False)
    assert tree(tmp_path) == []


# -- the HTML report escapes every string from a record -------------------------------------------

HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>"
PNG_1PX = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==")


def test_html_report_escapes_names_errors_and_config(bench, tmp_path):
    results = tmp_path / "results"
    ok = synthetic.record("digits", "mlp", 0, 0.9, refs=DIGITS) | {"config": {"note": HOSTILE}}
    ok["artifacts"] = [{"path": "artifacts/cm.png", "kind": "image", "caption": HOSTILE}]
    synthetic.write(results, ok, files={"artifacts/cm.png": PNG_1PX})
    for seed in (1, 2):
        synthetic.write(results, synthetic.record("digits", "mlp", seed, 0.91, refs=DIGITS))
    failed = synthetic.record("digits", "mlp", 3, None, refs=DIGITS, status="failed") | {"error": f"RuntimeError: {HOSTILE}"}
    failed["config"] = {"activation": HOSTILE}
    synthetic.write(results, failed)
    # A record is data from anywhere (an older suite, another machine): even its names are escaped.
    for seed in (0, 1):
        odd = synthetic.record("digits", "odd", seed, 0.5, refs=DIGITS) | {"model": "<svg onload=alert(3)>"}
        synthetic.write(results, odd)
    out = tmp_path / "report"
    code, _, err = bench("report", "--results", str(results), "--no-baseline", "--out", str(out), "--format", "html")
    assert code == 0, err
    page = (out / "report.html").read_text()
    for raw in ("<script>alert", "<img src=x", "<svg onload"):
        assert raw not in page, f"unescaped {raw!r} in the HTML report"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, "the error text is shown, escaped"
    assert "&lt;svg onload=alert(3)&gt;" in page, "the odd model name is shown, escaped"


def test_artifact_paths_that_leave_the_run_directory_are_left_out_of_the_report(bench, tmp_path):
    results = tmp_path / "results"
    (tmp_path / "secret.png").write_bytes(PNG_1PX + b"SECRET")
    for seed in (0, 1):
        rec = synthetic.record("digits", "mlp", seed, 0.9 + seed / 100, refs=DIGITS)
        rec["artifacts"] = [
            {"path": "../../../secret.png", "kind": "image", "caption": "outside"},
            {"path": str(tmp_path / "secret.png"), "kind": "image", "caption": "absolute"},
            {"path": "artifacts/cm.png", "kind": "image", "caption": "inside"},
        ]
        synthetic.write(results, rec, files={"artifacts/cm.png": PNG_1PX})
    out = tmp_path / "report"
    code, _, err = bench("report", "--results", str(results), "--no-baseline", "--out", str(out), "--format", "html")
    assert code == 0, err
    lines = warnings_of(err)
    assert len(lines) == 2 and all("leads out of the run directory" in line for line in lines), err
    page = (out / "report.html").read_text()
    assert base64.b64encode(PNG_1PX + b"SECRET").decode() not in page, "a file outside the run was embedded"
    assert "inside" in page, "the run's own artifact is still shown"


# -- config values: bounds and choices, before any run --------------------------------------------


@pytest.mark.parametrize(
    ("task_id", "override", "valid"),
    [
        ("digits_mlp", "lr=-1", "valid: > 0"),
        ("digits_mlp", "lr=0", "valid: > 0"),
        ("digits_mlp", "batch_size=0", "valid: 1 or more"),
        ("digits_mlp", "dropout=1", "valid: ≥ 0 and < 1"),
        ("digits_mlp", "momentum=1.5", "valid: ≥ 0 and ≤ 1"),
        ("digits_mlp", "precision=16mixed", "did you mean '16-mixed'"),
        ("digits_vae", "recon_loss=mae", "valid: bce|mse"),
        ("digits_dcgan", "beta1=1", "valid: ≥ 0 and < 1"),
        ("cartpole_ppo", "n_envs=0", "valid: 1 or more"),
    ],
)
def test_values_outside_a_keys_bounds_are_refused_before_any_run(bench, results, no_run, task_id, override, valid):
    code, out, err = bench("run", task_id, "--preset", "smoke", override)
    assert code == 2
    key = override.split("=")[0]
    assert err.startswith(f"bench: error: bad value for {key} in override") and valid in err and err.count("\n") == 1, err
    assert not results.exists(), "refused before anything is written: no record, no results directory"


def test_bench_config_shows_each_keys_valid_values(bench):
    code, out, err = bench("config", "digits_mlp", "--preset", "smoke")
    assert code == 0, err
    lines = {line.split()[0]: line for line in out.splitlines()[1:]}
    assert "[valid: > 0]" in lines["lr"]
    assert "[valid: ≥ 1]" in lines["batch_size"]
    assert "[valid: ≥ 0 and < 1]" in lines["dropout"]
    assert "[valid: 32-true|16-mixed" in lines["precision"]


def test_bounds_are_metadata_and_leave_defaults_and_hashes_alone():
    from suite.config import config_hash, doc

    @dataclasses.dataclass
    class Plain:
        lr: float = doc(0.1, "learning rate")

    @dataclasses.dataclass
    class Bounded:
        lr: float = doc(0.1, "learning rate", above=0, maximum=10)

    assert config_hash("t", "standard", Plain()) == config_hash("t", "standard", Bounded())
    assert help_of(dataclasses.fields(Bounded)[0]) == "learning rate [valid: > 0 and ≤ 10]"


@pytest.mark.parametrize(("override", "hint"), [("max_epochs=1e9", "write 1000000000"), ("max_epochs=2.5", "give a whole number")])
def test_a_float_for_an_integer_key_is_refused(bench, results, no_run, override, hint):
    code, out, err = bench("run", "digits_mlp", "--preset", "smoke", override)
    assert code == 2
    assert "is a float and max_epochs is an integer" in err and hint in err and err.count("\n") == 1, err
    assert not results.exists()


def test_large_integer_budgets_are_allowed():
    task = get_registry().task("digits_mlp")
    assert resolve_config(task, "smoke", ["max_epochs=1_000_000_000"]).max_epochs == 10**9
    assert resolve_config(task, "smoke", ["max_epochs=1000000000"]).max_epochs == 10**9


@pytest.mark.parametrize(("max_epochs", "progress", "said"), [(10**9, False, True), (10**9, True, True), (3, True, False)])
def test_the_eta_line_names_the_budget_when_the_run_has_long_to_go(tmp_path, capsys, max_epochs, progress, said):
    from suite import eta
    from suite.context import RunContext

    task = get_registry().task("digits_mlp")
    cfg = resolve_config(task, "smoke", [f"max_epochs={max_epochs}"])
    ctx = RunContext(task=task, config=cfg, seed=0, preset="smoke", device="cpu", run_dir=tmp_path, progress=progress)
    ctx.on_first_step = eta.announcer(ctx)
    with ctx.phase("train"):
        time.sleep(0.05)  # an epoch of 50 ms: a billion of them take 1.6 years
        ctx.log("val/loss", 1.0, step=1)
        ctx.log("val/loss", 0.9, step=2)
    err = capsys.readouterr().err
    assert [p[2] for p in ctx.curves] == ["val/loss", "val/loss"], "the curve is logged as before"
    if said:
        assert err.count("\n") == 1 and f"digits_mlp seed 0: max_epochs 1 of {max_epochs:,} done in" in err and "years" in err, err
    else:
        assert err == ""


@pytest.mark.parametrize("task_id", ["digits_mlp", "digits_dcgan", "digits_vae", "cartpole_ppo"])
def test_each_family_declares_its_budget(task_id):
    """The ETA line needs the key that bounds a run (forecasting's config is another owner's: see issue 15)."""
    task = get_registry().task(task_id)
    assert budget_of(resolve_config(task, "smoke")) is not None


# -- disk full: one line, no partial record, no staging dir ---------------------------------------


def _enospc(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("where", ["curves", "result", "fsync", "runner"])
def test_a_full_disk_is_one_line_and_leaves_no_partial_record(bench, results, monkeypatch, where):
    """A test double raises ENOSPC where the disk would: writing the curves, result.json, syncing before publish, or in the run."""
    code, _, err = bench("run", "ramp_constant", "--plugin", str(TOY), "--preset", "smoke", "--seeds", "0,")
    assert code == 0, err
    (old,) = results.glob("ramp_constant/*/result.json")
    before = old.read_text()
    if where == "curves":
        monkeypatch.setattr(pd.DataFrame, "to_parquet", _enospc)
    elif where == "result":
        monkeypatch.setattr(store, "write_json_atomic", _enospc)
    elif where == "fsync":
        monkeypatch.setattr(store, "sync_tree", _enospc)
    else:  # the run itself writes into the full disk (an artifact, a checkpoint)
        from suite.context import RunContext

        monkeypatch.setattr(RunContext, "log", _enospc)
    code, out, err = bench("run", "ramp_constant", "--plugin", str(TOY), "--preset", "smoke", "--seeds", "0,1", "--force")
    assert code == 2, err
    assert err.count("\n") == 1 and "is full (No space left on device)" in err and "nothing was published" in err, err
    assert "Traceback" not in err
    assert old.read_text() == before, "the record already there is untouched"
    assert [p.name for p in (results / "ramp_constant").iterdir()] == [old.parent.name], "no partial record, no staging dir"


# -- staging directories name their host ----------------------------------------------------------


def _dead_pid() -> int:
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_staging_dirs_name_their_host_and_only_this_hosts_dead_ones_are_cleaned(tmp_path):
    results = tmp_path / "results"
    mine = store.stage(results, "t", "r1")
    assert store.owner(mine.name) == (store.HOST, os.getpid())
    dead = _dead_pid()
    task = results / "t"
    cases = {
        f".tmp-r2@{store.HOST}@{dead}@abcdef": False,  # this host, process gone: stale
        f".tmp-r3@{store.HOST}@{os.getpid()}@abcdef": True,  # this host, alive
        f".tmp-r4@other-node.cluster@{dead}@abcdef": True,  # another node: only it can tell
        f".tmp-r5@other-node.cluster@{os.getpid()}@abcdef": True,
        f".tmp-r6-{dead}-abcdef": True,  # old format, fresh: could be another node's live run
        f".tmp-r7-{dead}-abcdef": False,  # old format, untouched for longer than any run
    }
    for name in cases:
        (task / name).mkdir()
    old = time.time() - store.LEGACY_STALE_S - 60
    os.utime(task / f".tmp-r7-{dead}-abcdef", (old, old))
    assert store.clean_stale(results) == 2
    left = {p.name for p in task.iterdir()}
    assert left == {mine.name, *(n for n, keep in cases.items() if keep)}


def test_a_swap_interrupted_between_two_renames_is_undone(tmp_path):
    """The fallback publish (no RENAME_EXCHANGE): killed with the old record set aside, the next clean-up puts it back."""
    results = tmp_path / "results"
    final = results / "t" / "r"
    final.mkdir(parents=True)
    (final / store.RESULT_FILE).write_text('{"v": "old"}')
    dead = _dead_pid()
    os.rename(final, results / "t" / f".trash-r@{store.HOST}@{dead}@abcdef")
    (results / "t" / f".tmp-r@{store.HOST}@{dead}@123456").mkdir()  # its staging dir, never renamed in
    store.clean_stale(results)
    assert json.loads((final / store.RESULT_FILE).read_text()) == {"v": "old"}
    assert [p.name for p in (results / "t").iterdir()] == ["r"]
    # Killed after the new record went in: the set-aside old one is removed, the new one kept.
    (final / store.RESULT_FILE).write_text('{"v": "new"}')
    old = results / "t" / f".trash-r@{store.HOST}@{dead}@fedcba"
    old.mkdir()
    store.clean_stale(results)
    assert json.loads((final / store.RESULT_FILE).read_text()) == {"v": "new"}
    assert [p.name for p in (results / "t").iterdir()] == ["r"]


def test_publish_syncs_every_file_and_directory_before_the_rename_that_publishes_it(tmp_path, monkeypatch):
    events: list[tuple[str, str]] = []
    real_fsync, real_rename = os.fsync, os.rename

    def fsync(fd):
        events.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        return real_fsync(fd)

    def rename(a, b):
        events.append(("rename", str(a)))
        return real_rename(a, b)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "rename", rename)
    real_exchange = store._exchange

    def exchange(a, b):
        events.append(("exchange", str(a)))
        return real_exchange(a, b)

    monkeypatch.setattr(store, "_exchange", exchange)
    final = tmp_path / "t" / "r"
    for value in ("old", "new"):
        staging = store.stage(tmp_path, "t", "r")
        (staging / "artifacts").mkdir()
        (staging / "artifacts" / "a.png").write_bytes(b"x")
        (staging / store.RESULT_FILE).write_text(json.dumps({"v": value}))
        events.clear()
        store.publish(staging, final)
        publish_at = next(i for i, (kind, _) in enumerate(events) if kind in ("rename", "exchange"))
        synced = {path for kind, path in events[:publish_at] if kind == "fsync"}
        want = {str(staging / store.RESULT_FILE), str(staging / "artifacts" / "a.png"), str(staging / "artifacts"), str(staging)}
        assert want <= synced, f"{value}: not synced before publishing: {want - synced}"
        assert ("fsync", str(final.parent)) in events[publish_at:], "the parent is synced after, so the rename is durable"
    assert json.loads((final / store.RESULT_FILE).read_text()) == {"v": "new"}
    assert [p.name for p in (tmp_path / "t").iterdir()] == ["r"]


def test_write_json_atomic_leaves_the_old_file_when_writing_fails(tmp_path, monkeypatch):
    path = tmp_path / store.RESULT_FILE
    store.write_json_atomic(path, {"v": 1})
    monkeypatch.setattr(os, "fsync", _enospc)
    with pytest.raises(OSError):
        store.write_json_atomic(path, {"v": 2})
    assert json.loads(path.read_text()) == {"v": 1}
    assert [p.name for p in tmp_path.iterdir()] == [store.RESULT_FILE], "no temporary file left"


def test_float_literal_rule_only_touches_integer_keys():
    task = get_registry().task("digits_mlp")
    assert resolve_config(task, "smoke", ["lr=1e-2"]).lr == 0.01
    with pytest.raises(UserError, match=re.escape("'1e3' is a float and hidden is an integer; write 1000")):
        resolve_config(task, "smoke", ["hidden=1e3"])


def test_two_rename_publish_that_fails_half_way_puts_the_old_record_back(tmp_path, monkeypatch):
    """Where RENAME_EXCHANGE is missing: an error on the second rename (not a kill) restores the old record at once."""
    final = tmp_path / "t" / "r"
    final.mkdir(parents=True)
    (final / store.RESULT_FILE).write_text('{"v": "old"}')
    staging = store.stage(tmp_path, "t", "r")
    (staging / store.RESULT_FILE).write_text('{"v": "new"}')
    monkeypatch.setattr(store, "_exchange", lambda a, b: False)
    real_rename, tries = os.rename, []

    def rename(a, b):
        if Path(a) == staging:
            tries.append(b)
            if len(tries) == 2:  # the first fails as it must (the place is taken); the one after the set-aside fails too
                raise OSError(errno.EIO, "I/O error")
        return real_rename(a, b)

    monkeypatch.setattr(os, "rename", rename)
    with pytest.raises(OSError):
        store.publish(staging, final)
    assert len(tries) == 2, "the two-rename path was taken"
    assert json.loads((final / store.RESULT_FILE).read_text()) == {"v": "old"}
    assert not list((tmp_path / "t").glob(".trash-*"))


def test_forecasting_keys_are_bounded_before_any_run(tmp_path):
    from tests.conftest import bench_subprocess

    proc = bench_subprocess("run", "sunspots_lstm", "lr=-1", "--preset", "smoke", "--results", str(tmp_path / "r"))
    assert proc.returncode == 2 and "bad value for lr" in proc.stderr and proc.stderr.count("\n") == 1
    assert not (tmp_path / "r").exists()
