"""Hyperparameter search (`bench tune`): search spaces declared by the families, an Optuna study in
RDB storage, trials that are ordinary runs, and the best config saved as a `tuned:<study>` preset.

Light on purpose: `space` and `preset` import no optuna, so `bench config` and the registry stay
fast; `study` (optuna) is imported only by `bench tune` and its workers.
"""
