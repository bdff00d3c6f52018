"""Post-training int8 quantization with torch's own fbgemm/x86 kernels.

torch 2.13 marks all of `torch.ao.quantization` deprecated (eager dynamic, FX graph mode; PT2E has
moved out to the separate torchao package, not installed here). FX graph mode and eager dynamic
quantization are still the only paths in torch itself whose int8 models run on real int8 CPU
kernels without torch.compile, so they are used, and their deprecation warnings are silenced here
once rather than printed by every run.
"""

from __future__ import annotations

import warnings

import torch
from torch import nn

warnings.filterwarnings("ignore", message=r"(?s).*torch\.ao\.quantization is deprecated", category=DeprecationWarning)
warnings.filterwarnings("ignore", message=r"(?s).*quantized tensor creation functions", category=UserWarning)
warnings.filterwarnings("ignore", message=r"(?s).*quantize_per_tensor", category=UserWarning)
warnings.filterwarnings(
    "ignore", message=r"(?s).*Please use quant_min and quant_max", category=UserWarning
)  # the x86 qconfig's own observers

DYNAMIC = {nn.Linear, nn.LSTM, nn.GRU}
NOTE = "torch 2.13 deprecates torch.ao.quantization (successor: torchao); its warnings are silenced in tasks/compression/quantize.py"


def dynamic(net: nn.Module) -> nn.Module:
    """A copy with Linear/LSTM/GRU weights in int8; activations are quantized per batch as they come."""
    from torch.ao.quantization import quantize_dynamic

    return quantize_dynamic(net.eval(), DYNAMIC, dtype=torch.qint8)


def static(net: nn.Module, example: torch.Tensor, calibration, leaves: tuple[type, ...] = ()) -> nn.Module:
    """A copy traced in FX graph mode, observers calibrated on `calibration` batches, converted to int8 kernels.

    `leaves`: module classes FX must not trace into (shape-dependent Python), kept float.
    """
    from torch.ao.quantization import get_default_qconfig_mapping
    from torch.ao.quantization.fx.custom_config import PrepareCustomConfig
    from torch.ao.quantization.quantize_fx import convert_fx, prepare_fx

    engine = torch.backends.quantized.engine  # x86 here; fbgemm / qnnpack elsewhere
    custom = PrepareCustomConfig().set_non_traceable_module_classes(list(leaves))
    prepared = prepare_fx(net.eval(), get_default_qconfig_mapping(engine), example_inputs=(example,), prepare_custom_config=custom)
    with torch.no_grad():
        for xb in calibration:
            prepared(xb)
    return convert_fx(prepared)


def int8_weights(model: nn.Module) -> dict[str, torch.dtype]:
    """{weight name: dtype} of every quantized weight: what a test reads to see int8 really held."""
    from tasks.compression.measure import weight_tensors

    return {k: v.dtype for k, v in weight_tensors(model).items() if v.is_quantized}
