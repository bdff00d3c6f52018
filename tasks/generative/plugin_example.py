"""A sampler-style generator: a Gaussian mixture in PCA space, sampled and mapped back to pixels.

bench run digits_pca_gmm --plugin tasks/generative/plugin_example.py --seeds 3
"""

import torch
from sklearn.decomposition import PCA
from sklearn.mixture import GaussianMixture

from suite import register_model


@register_model("pca_gmm", family="generation", kind="trainer", requires={"input": "image"})
class PcaGmm:
    def __init__(self, input_shape, components: int = 20, clusters: int = 10):
        self.shape, self.pca, self.gmm = input_shape, PCA(components), GaussianMixture(clusters)

    def fit(self, train, val, ctx):  # train (N, C, H, W) in [0, 1]; the run's seed starts the mixture's EM
        self.gmm.random_state = ctx.run.seed
        self.gmm.fit(self.pca.fit_transform(train.flatten(1).numpy()))

    def sample(self, n, generator):  # -> (n, C, H, W) in [0, 1], every draw from `generator`
        self.gmm.random_state = int(torch.randint(2**31 - 1, (), generator=generator))
        z = self.gmm.sample(n)[0][torch.randperm(n, generator=generator).numpy()]  # sample() sorts by component
        x = self.pca.inverse_transform(z).clip(0, 1).reshape(n, *self.shape)
        return torch.as_tensor(x, dtype=torch.float32)
