"""Training backends shared by the families: Lightning, stable-baselines3, plain (no training framework)."""
