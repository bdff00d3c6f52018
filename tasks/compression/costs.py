"""Everything a compression run reports beside its own metric: what it cost and gained against its parent.

Both models are measured here, in this run, under the same conditions: the parent's size and
latency are not read from its record (timed elsewhere, at another load), only its metric is.
"""

from __future__ import annotations

import torch

from suite.context import RunContext
from tasks.compression import measure
from tasks.compression.parents import Parent


def record(ctx: RunContext, parent: Parent, base: torch.nn.Module, model: torch.nn.Module, x: torch.Tensor, sparse: bool = False) -> None:
    m = ctx.metrics
    primary, higher = parent.record["primary_metric"], parent.record["higher_is_better"]
    worse = (lambda mine, theirs: theirs - mine) if higher else (lambda mine, theirs: mine - theirs)
    m["compress/parent_metric"] = parent.metric
    m["compress/drop"] = worse(m[primary], parent.metric)
    if "compress/student_metric" in m:  # kd: what the teacher added to the same student, same budget and seed
        m["compress/kd_gain"] = -worse(m[primary], m["compress/student_metric"])

    dense = measure.size_bytes(model)
    m["compress/size_dense_bytes"] = dense
    m["compress/size_bytes"] = min(dense, measure.sparse_bytes(model)) if sparse else dense
    m["compress/parent_size_bytes"] = measure.size_bytes(base)
    m["compress/ratio"] = m["compress/parent_size_bytes"] / m["compress/size_bytes"]
    total, nonzero = measure.counts(model)
    m["compress/params"], m["compress/nonzero"] = total, nonzero
    m["compress/parent_nonzero"] = measure.counts(base)[1]
    ctx.resources["params"] = total

    timed = measure.latencies({"parent": base, "model": model}, x, ctx.config.latency_repeats, ctx.config.latency_threads)
    per = timed.pop("per_sample_s")
    for b in measure.BATCHES:
        m[f"compress/latency_b{b}_us"] = per["model"][b] * 1e6
        m[f"compress/parent_latency_b{b}_us"] = per["parent"][b] * 1e6
        m[f"compress/speedup_b{b}"] = per["parent"][b] / per["model"][b]
    ctx.info["latency"] = timed  # threads, repeats, warm-up, load average before and after
    ctx.info["parent"] = parent.summary()
