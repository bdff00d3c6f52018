"""Config: presets layered in order, overrides typed and checked, unknown keys rejected with the list."""

from __future__ import annotations

import dataclasses
import json
from typing import Literal

import pytest

from reports.records import BASELINE_DIR
from suite import store
from suite.config import coerce, config_dict, config_hash, parse_overrides, preset_names, resolve_config
from suite.errors import UserError
from suite.registry import get_registry

BASELINE_TASKS = sorted(d.name for d in BASELINE_DIR.iterdir() if d.is_dir())


def test_overrides_are_typed():
    task = get_registry().task("digits_mlp")
    cfg = resolve_config(task, "smoke", ["lr=0.01", "hidden=128", "optimizer=sgd", "max_epochs=3"])
    assert (cfg.lr, cfg.hidden, cfg.optimizer, cfg.max_epochs) == (0.01, 128, "sgd", 3)


def test_smoke_is_smaller_than_standard():
    task = get_registry().task("digits_mlp")
    assert resolve_config(task, "smoke").max_epochs < resolve_config(task, "standard").max_epochs


@pytest.mark.parametrize(
    "override, message",
    [
        (["hiden=3"], r"unknown config key in override 'hiden'; did you mean 'hidden'.*valid keys: .*max_epochs"),
        (["hidden=wide"], r"bad value for hidden in override: 'wide' is not int"),
        (["optimizer=adamw"], r"is not one of adam\|sgd"),
        (["lr"], r"bad override 'lr': expected key=value"),
    ],
)
def test_bad_overrides_say_what_is_valid(override, message):
    with pytest.raises(UserError, match=message):
        resolve_config(get_registry().task("digits_mlp"), "smoke", override)


def test_unknown_preset_gets_did_you_mean():
    with pytest.raises(UserError, match="did you mean 'standard'"):
        resolve_config(get_registry().task("digits_mlp"), "standrad")


def test_coerce():
    assert coerce("5e4", int) == 50_000
    assert coerce("256,256", list[int]) == [256, 256]
    assert coerce("[64, 64]", list[int]) == [64, 64]
    assert coerce("none", list[int] | None) is None
    assert coerce("false", bool) is False
    assert coerce("b", Literal["a", "b"]) == "b"
    with pytest.raises(ValueError):
        coerce("maybe", bool)
    with pytest.raises(ValueError):
        coerce("1.5", int)


def test_config_hash_depends_on_config_and_preset_not_on_object_identity():
    task = get_registry().task("digits_mlp")
    a, b = resolve_config(task, "smoke"), resolve_config(task, "smoke")
    assert config_hash(task.id, "smoke", a) == config_hash(task.id, "smoke", b)
    assert config_hash(task.id, "smoke", a) != config_hash(task.id, "smoke", resolve_config(task, "smoke", ["lr=0.1"]))
    assert config_hash(task.id, "smoke", a) != config_hash(task.id, "standard", a)


def test_a_neutral_key_at_its_default_leaves_the_hash_of_older_records_alone():
    import dataclasses

    from suite.config import doc

    @dataclasses.dataclass
    class Before:
        lr: float = doc(0.1, "learning rate")

    @dataclasses.dataclass
    class After(Before):
        cap: int = doc(0, "added later; 0 = as before", neutral=True)
        width: int = doc(8, "added later, not neutral")

    @dataclasses.dataclass
    class AfterNeutralOnly(Before):
        cap: int = doc(0, "added later; 0 = as before", neutral=True)

    old = config_hash("t", "standard", Before())
    assert config_hash("t", "standard", AfterNeutralOnly()) == old
    assert config_hash("t", "standard", AfterNeutralOnly(cap=200)) != old, "a value other than the default is a new config"
    assert config_hash("t", "standard", After()) != old, "an ordinary new key does change the identity"


def drift(cfg, recorded: dict) -> dict[str, tuple]:
    """{key: (recorded, today)} where a record's config differs from today's, compared as JSON (tuples are
    lists there); a key added since as `neutral` and left at its default is no difference."""
    today = json.loads(json.dumps(config_dict(cfg), default=str))
    neutral = {f.name for f in dataclasses.fields(cfg) if f.metadata.get("neutral") and getattr(cfg, f.name) == f.default}
    absent = "<absent>"
    keys = sorted((set(today) | set(recorded)) - neutral)
    return {k: (recorded.get(k, absent), today.get(k, absent)) for k in keys if recorded.get(k, absent) != today.get(k, absent)}


def stale_reason(task_id: str, rec: dict) -> str | None:
    """Why a shipped record no longer stands for today's task × preset, or None when it does."""
    reg = get_registry()
    try:
        task = reg.task(task_id)
    except UserError:
        return "its task is no longer registered"
    if rec["preset"] not in preset_names(task):
        return f"preset {rec['preset']!r} no longer exists"
    cfg = resolve_config(task, rec["preset"])
    chash = config_hash(task_id, rec["preset"], cfg)
    changed = drift(cfg, rec["config"])
    if changed:
        return "config changed: " + ", ".join(f"{k} {old!r} → {new!r}" for k, (old, new) in changed.items())
    if chash != rec["config_hash"]:
        return f"config_hash {rec['config_hash']} but today's config hashes to {chash}"
    if rec["run_id"] != store.run_id(task_id, rec["preset"], chash, rec["seed"]):
        return f"run id {rec['run_id']} is not today's {store.run_id(task_id, rec['preset'], chash, rec['seed'])}"
    return None


@pytest.mark.parametrize("task_id", BASELINE_TASKS)
def test_shipped_baselines_match_todays_configs(task_id):
    """`bench compare` and the sweep's ETA find a shipped record by its run id, which hashes today's resolved
    config: a changed preset or default silently orphans it. Every record must carry today's config,
    config_hash and run id; one that does not is named here, to be regenerated (`make baselines`)."""
    stale = []
    for path in sorted((BASELINE_DIR / task_id).glob(f"*/{store.RESULT_FILE}")):
        rec = json.loads(path.read_text())
        why = stale_reason(task_id, rec) or (None if path.parent.name == rec["run_id"] else f"it lies in {path.parent.name}/")
        if why:
            stale.append(f"{path.relative_to(BASELINE_DIR.parent.parent)}: {why}")
    assert not stale, f"{len(stale)} shipped {task_id} record(s) no longer match today's config:\n" + "\n".join(stale)


@pytest.mark.parametrize(("key", "bad"), [("max_episode_steps", "-1"), ("n_envs", "0"), ("n_timesteps", "0")])
def test_a_value_below_a_keys_minimum_is_refused_naming_the_valid_range(key, bad):
    task = get_registry().task("cartpole_ppo")
    with pytest.raises(UserError, match=rf"bad value for {key} in override: {bad}; valid: \d+ or more"):
        resolve_config(task, "smoke", [f"{key}={bad}"])
    assert getattr(resolve_config(task, "smoke", [f"{key}={int(bad) + 1}"]), key) == int(bad) + 1


def test_parse_overrides_keeps_equals_in_values():
    assert parse_overrides(["name=a=b"]) == {"name": "a=b"}
