"""A plain-PyTorch DQN in CleanRL's style (vwxyzjn/cleanrl, `cleanrl/dqn.py`), through the public plug-in door: no SB3.

    bench run cartpole_torch_dqn --seeds 5        # the zoo's SB3 DQN hyperparameters and step budget
    bench run acrobot_torch_dqn --preset smoke

CleanRL's algorithm: a replay buffer, a linearly decaying epsilon-greedy policy, a target network
updated (tau = 1: copied) every `target_update_interval` env steps, an MSE TD loss, Adam. One key is
added to reach SB3's hyperparameters with their meaning: `gradient_steps` per training round (CleanRL
takes 1). A time-limit truncation bootstraps, as in CleanRL and SB3; only a termination ends the return.
The family's protocol (protocol.py) evaluates `act`; this file only learns.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import numpy as np

from suite import register_model
from tasks.rl.presets import ZOO

# Equal budgets with SB3's `dqn` tasks: each problem's `standard` preset is SB3's DQN standard preset
# (n_timesteps included), chosen by rl-baselines3-zoo (`hyperparams/dqn.yml`) for SB3's DQN, not tuned
# here for this one. Keys the zoo leaves out keep defaults equal in both (tau 1, initial epsilon 1);
# SB3 also clips gradients at norm 10 and uses a Huber loss, CleanRL neither.
PRESETS: dict[str, dict[str, Any]] = {f"{p}/standard": dict(ZOO["dqn"][p]) for p in ("cartpole", "acrobot", "mountaincar", "lunarlander")}
# smoke: learning starts within the family's 500-step smoke budget, on a small network.
PRESETS["smoke"] = {"learning_starts": 100, "buffer_size": 5000, "batch_size": 32, "train_freq": 16, "net_arch": [64, 64]}


class ReplayBuffer:
    """The last `capacity` transitions in flat numpy arrays; uniform sampling from the run's generator."""

    def __init__(self, capacity: int, obs_dim: int, rng: np.random.Generator) -> None:
        self.obs = np.zeros((capacity, obs_dim), dtype=np.float32)  # (N, D)
        self.next_obs = np.zeros((capacity, obs_dim), dtype=np.float32)  # (N, D)
        self.actions = np.zeros(capacity, dtype=np.int64)  # (N,)
        self.rewards = np.zeros(capacity, dtype=np.float32)  # (N,)
        self.terminated = np.zeros(capacity, dtype=np.float32)  # (N,) 1 where the episode ended by itself
        self.capacity, self.size, self.pos, self.rng = capacity, 0, 0, rng

    def add(self, obs: np.ndarray, action: int, reward: float, next_obs: np.ndarray, terminated: bool) -> None:
        i = self.pos
        self.obs[i], self.actions[i], self.rewards[i], self.next_obs[i], self.terminated[i] = (
            obs.ravel(),
            action,
            reward,
            next_obs.ravel(),
            terminated,
        )
        self.pos, self.size = (i + 1) % self.capacity, min(self.size + 1, self.capacity)

    def sample(self, n: int, device: Any) -> tuple[Any, ...]:
        import torch

        idx = self.rng.integers(0, self.size, n)
        arrays = (self.obs, self.actions, self.rewards, self.next_obs, self.terminated)
        return tuple(torch.as_tensor(a[idx], device=device) for a in arrays)


def q_network(obs_dim: int, n_actions: int, net_arch: tuple[int, ...]) -> Any:
    """An MLP from a flat observation to one Q-value per action: (B, D) -> (B, A); ReLU as CleanRL and SB3."""
    import torch.nn as nn

    layers: list[nn.Module] = []
    width = obs_dim
    for hidden in net_arch:
        layers += [nn.Linear(width, hidden), nn.ReLU()]
        width = hidden
    return nn.Sequential(*layers, nn.Linear(width, n_actions))


def linear_schedule(start: float, end: float, duration: float, t: int) -> float:
    """CleanRL's epsilon: from `start` to `end` over `duration` steps, then `end`."""
    slope = (end - start) / max(duration, 1)
    return max(slope * t + start, end)


@register_model(
    "torch_dqn", family="rl", kind="trainer", requires={"action_space": "discrete", "group": ("classic-control", "box2d")}, presets=PRESETS
)
class TorchDQN:
    """Deep Q-Network in plain PyTorch, CleanRL style (no SB3)"""

    def __init__(
        self,
        observation_space: Any,
        action_space: Any,
        device: str,
        learning_rate: float = 2.5e-4,  # CleanRL's defaults, for problems without a preset
        buffer_size: int = 10_000,
        learning_starts: int = 10_000,
        batch_size: int = 128,
        gamma: float = 0.99,
        tau: float = 1.0,
        train_freq: int = 10,
        gradient_steps: int = 1,
        target_update_interval: int = 500,
        exploration_initial_eps: float = 1.0,
        exploration_final_eps: float = 0.05,
        exploration_fraction: float = 0.5,
        net_arch: tuple[int, ...] = (120, 84),
    ) -> None:
        import torch

        self.obs_dim, self.n_actions = int(np.prod(observation_space.shape)), int(action_space.n)
        self.lr, self.buffer_size, self.learning_starts, self.batch_size = learning_rate, buffer_size, learning_starts, batch_size
        self.gamma, self.tau, self.train_freq, self.gradient_steps = gamma, tau, train_freq, gradient_steps
        self.target_update_interval, self.net_arch = target_update_interval, tuple(net_arch)
        self.eps = (exploration_initial_eps, exploration_final_eps, exploration_fraction)
        self.device = torch.device(device)
        self.q = q_network(self.obs_dim, self.n_actions, self.net_arch).to(self.device)

    def act(self, obs: np.ndarray) -> np.ndarray:
        """Greedy actions: (n, *obs_shape) -> (n,) integers."""
        import torch

        with torch.no_grad():
            x = torch.as_tensor(np.asarray(obs, dtype=np.float32).reshape(len(obs), -1), device=self.device)  # (n, D)
            return self.q(x).argmax(dim=1).cpu().numpy()

    def learn(self, make_env: Callable[[], Any], total_steps: int, seed: int, logger: Any) -> None:
        import torch
        import torch.nn.functional as F

        random.seed(seed)  # CleanRL seeds all three
        np.random.seed(seed)
        torch.manual_seed(seed)
        rng = np.random.default_rng(seed)
        self.q = q_network(self.obs_dim, self.n_actions, self.net_arch).to(self.device)
        target = q_network(self.obs_dim, self.n_actions, self.net_arch).to(self.device)
        target.load_state_dict(self.q.state_dict())
        optimizer = torch.optim.Adam(self.q.parameters(), lr=self.lr)
        buffer = ReplayBuffer(self.buffer_size, self.obs_dim, rng)
        env = make_env()
        env.action_space.seed(seed)
        obs, _ = env.reset(seed=seed)
        start_eps, end_eps, fraction = self.eps
        rounds = self.gradient_steps if self.gradient_steps > 0 else self.train_freq  # -1: one per env step collected
        log_every = next_log = max(total_steps // 100, 1)  # 100 points; none in the first 1 %: the ETA reads the first point
        for step in range(1, total_steps + 1):  # `step` env steps taken once this one is
            epsilon = linear_schedule(start_eps, end_eps, fraction * total_steps, step - 1)
            action = env.action_space.sample() if rng.random() < epsilon else int(self.act(obs[None])[0])
            next_obs, reward, terminated, truncated, _ = env.step(action)
            buffer.add(obs, action, float(reward), next_obs, terminated)
            obs = env.reset()[0] if terminated or truncated else next_obs
            if step > self.learning_starts and step % self.train_freq == 0:
                for _ in range(rounds):
                    o, a, r, o2, done = buffer.sample(self.batch_size, self.device)  # (B, D), (B,), (B,), (B, D), (B,)
                    with torch.no_grad():
                        td_target = r + self.gamma * target(o2).max(dim=1).values * (1 - done)  # (B,)
                    q = self.q(o).gather(1, a[:, None]).squeeze(1)  # (B,)
                    loss = F.mse_loss(q, td_target)
                    optimizer.zero_grad()
                    loss.backward()
                    optimizer.step()
                if step >= next_log:
                    logger.log("train/td_loss", loss.item(), step)
                    logger.log("train/epsilon", epsilon, step)
                    next_log = step + log_every
            if step % self.target_update_interval == 0:
                with torch.no_grad():
                    for p, tp in zip(self.q.parameters(), target.parameters(), strict=True):
                        tp.mul_(1 - self.tau).add_(self.tau * p)
            logger.step(step)
        env.close()
