"""An autoencoder in closed form: the top principal components, the best linear rank-k reconstruction in MSE.

bench run digits_pca_ae --plugin tasks/generative/plugin_example_ae.py
"""

import torch
from sklearn.decomposition import PCA

from suite import register_model


@register_model("pca_ae", family="autoencoding", kind="trainer", deterministic=True, requires={"input": "image"})
class PcaAutoencoder:
    def __init__(self, input_shape, latent_dim: int = 16):
        self.shape, self.pca = input_shape, PCA(latent_dim, svd_solver="full")  # exact SVD: no seed involved

    def fit(self, train, val, ctx):  # train (N, C, H, W) in [0, 1]
        self.pca.fit(train.flatten(1).numpy())

    def encode(self, x):  # (B, C, H, W) -> (B, latent_dim)
        return torch.as_tensor(self.pca.transform(x.flatten(1).numpy()), dtype=torch.float32)

    def reconstruct(self, x):  # (B, C, H, W) -> (B, C, H, W) in [0, 1]
        x_hat = self.pca.inverse_transform(self.encode(x).numpy()).clip(0, 1)
        return torch.as_tensor(x_hat, dtype=torch.float32).reshape(len(x), *self.shape)
