"""wandb mirror with the real library in offline mode; a wandb failure only warns."""

from __future__ import annotations

import json

from suite import tracking


def test_offline_run_logs_config_curves_and_summary(bench, results, monkeypatch):
    monkeypatch.setenv("WANDB_MODE", "offline")
    code, out, err = bench("run", "digits_mlp", "--preset", "smoke", "--no-progress")
    assert code == 0, err
    (rec,) = [json.loads(p.read_text()) for p in results.glob("digits_mlp/*/result.json")]
    assert rec["tracking"]["mode"] == "offline"
    run_dir = results / "wandb" / rec["tracking"]["dir"].split("/")[-1]
    (log,) = run_dir.glob("run-*.wandb")  # wandb's offline transaction log, what `wandb sync` uploads
    data = log.read_bytes()
    # Protobuf stores keys and JSON values as plain bytes: config, curves, summary and image must be in it.
    for needle in ["hidden", "digits_mlp", "val/acc", "final/test/acc", json.dumps(rec["metrics"]["test/acc"]), "confusion_matrix"]:
        assert needle.encode() in data, needle
    assert list(run_dir.glob("files/media/images/artifacts/confusion_matrix*.png"))


def test_wandb_failure_keeps_the_record(bench, results, monkeypatch):
    import wandb

    def broken_init(*a, **k):
        raise ConnectionError("wandb is down")

    monkeypatch.setattr(wandb, "init", broken_init)
    code, out, err = bench("run", "digits_mlp", "--preset", "smoke", "--no-progress", "--wandb", "offline")
    assert code == 0
    assert "wandb offline logging failed, the local record is kept" in err
    (rec,) = [json.loads(p.read_text()) for p in results.glob("digits_mlp/*/result.json")]
    assert rec["status"] == "ok" and rec["tracking"]["error"] == "wandb is down"


def test_mode_choice(monkeypatch, tmp_path):
    monkeypatch.delenv("WANDB_MODE", raising=False)
    monkeypatch.delenv("WANDB_API_KEY", raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "netrc"))
    assert tracking.choose_mode(None) == "offline"
    (tmp_path / "netrc").write_text("machine api.wandb.ai\n  login user\n  password secret\n")
    assert tracking.choose_mode(None) == "online"
    assert tracking.choose_mode("disabled") == "disabled"
    monkeypatch.setenv("WANDB_MODE", "disabled")
    assert tracking.choose_mode(None) == "disabled"
