"""A residual MLP classifier, registered with benchsuite through the `benchsuite.plugins` entry point.

    bench compare res_mlp --problems digits --seeds 3

The classification family calls the factory as `factory(input_shape, num_classes, **config)`;
every keyword argument with a default becomes a config key (`bench config digits_res_mlp`,
`bench run digits_res_mlp width=256`).
"""

from __future__ import annotations

import math

from suite import register_model


@register_model(
    "res_mlp",
    family="classification",
    # Presets per problem/preset, like a built-in model; smoke keeps the test run to seconds.
    presets={"smoke": {"width": 32, "blocks": 1}},
)
def res_mlp(input_shape: tuple[int, ...], num_classes: int, width: int = 128, blocks: int = 2, dropout: float = 0.1):
    """Flatten → Linear(width) → `blocks` pre-norm residual MLP blocks → Linear(classes)."""
    from torch import nn  # imported when the model is built, so `bench list` stays fast

    class Block(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.body = nn.Sequential(
                nn.LayerNorm(width), nn.Linear(width, 2 * width), nn.GELU(), nn.Dropout(dropout), nn.Linear(2 * width, width)
            )

        def forward(self, x):  # (B, width) → (B, width)
            return x + self.body(x)

    return nn.Sequential(
        nn.Flatten(),  # (B, *input_shape) → (B, prod(input_shape))
        nn.Linear(math.prod(input_shape), width),
        *[Block() for _ in range(blocks)],
        nn.LayerNorm(width),
        nn.Linear(width, num_classes),  # (B, num_classes) logits
    )
