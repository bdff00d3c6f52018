"""Generation and autoencoding: the catalog (filled in by the generative family)."""
