"""Keys shared by every RL task: budget, environment wrappers, network shape, evaluation protocol.

Algorithm hyperparameters are in `algos.py`. `bench config cartpole_ppo` shows the resolved values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from suite.config import doc


@dataclass
class RLConfig:
    # -- budget and environments ------------------------------------------------------------------
    n_timesteps: int = doc(100_000, "environment steps of training (summed over n_envs)", minimum=1, budget=True)
    n_envs: int = doc(1, "parallel training environments (zoo `n_envs`)", minimum=1)
    policy: str = doc("MlpPolicy", "SB3 policy class name (CnnPolicy for Atari)")
    normalize: bool = doc(False, "wrap the envs in VecNormalize (zoo `normalize: true`)")
    norm_obs: bool = doc(True, "with normalize: normalise observations (zoo normalize kwargs)")
    norm_reward: bool = doc(True, "with normalize: normalise training rewards; evaluation always sees raw rewards")
    wrapper: Literal["none", "atari", "time_feature"] = doc(
        "none", "env wrapper: SB3 AtariWrapper, or sb3-contrib TimeFeatureWrapper (zoo `env_wrapper`)"
    )
    max_episode_steps: int = doc(
        0,
        "cap every episode (training, evaluation, video) at this many env steps (gymnasium TimeLimit); 0 = the env's own limit",
        neutral=True,
        minimum=0,
    )
    frame_stack: int = doc(0, "stack this many frames (VecFrameStack; zoo `frame_stack`, 4 for Atari); 0 = off", minimum=0)
    # -- networks (policy_kwargs) -----------------------------------------------------------------
    net_arch: list[int] | None = doc(None, "hidden layer sizes of the policy and value/Q networks; None = SB3 default")
    activation_fn: Literal["default", "tanh", "relu", "elu", "leaky_relu", "gelu"] = doc(
        "default", "hidden activation; default = SB3's (tanh on-policy, relu off-policy)"
    )
    log_std_init: float | None = doc(None, "initial log std of Gaussian / gSDE policies; None = SB3 default")
    ortho_init: bool | None = doc(None, "orthogonal init of on-policy networks; None = SB3 default (true)")
    # -- evaluation protocol ----------------------------------------------------------------------
    # 10 evaluations of 5 episodes, batched over 5 envs: on CartPole PPO (the worst case: cheap training,
    # 500-step episodes) that alone cost 5.5-6 % of training time, so eval_budget skips evaluations that
    # would push past 5 %. The eval env is reseeded per evaluation, so skipping never changes a score.
    eval_freq: int = doc(0, "env steps between periodic evaluations; 0 = n_timesteps / 10", minimum=0)
    eval_episodes: int = doc(5, "deterministic episodes per periodic evaluation (run on as many parallel eval envs)", minimum=1)
    final_episodes: int = doc(10, "deterministic episodes of the final evaluation, whose mean return is the score", minimum=1)
    eval_budget: float = doc(
        0.05, "skip a periodic evaluation that would take evaluation time past this fraction of training time; 0 = never skip", minimum=0
    )
    record_video: bool = doc(True, "save one final-policy episode as a GIF artifact")
    video_frames: int = doc(200, "at most this many frames in the GIF (every 2nd env step is kept; 200 keeps it ~100 kB)", minimum=1)
