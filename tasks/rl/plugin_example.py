"""A plug-in agent, numpy only: `bench run cartpole_hill_climb --plugin plugin_example.py --preset smoke`."""

import numpy as np

from suite import register_model


@register_model("hill_climb", family="rl", kind="trainer", requires={"action_space": "discrete"})
class HillClimb:
    """Hill climbing on a linear policy: keep a random change of the weights when its episode scores as well."""

    def __init__(self, observation_space, action_space, noise: float = 0.5):
        self.w = np.zeros((int(np.prod(observation_space.shape)), int(action_space.n)))  # (D, A)
        self.noise = noise

    def act(self, obs):  # (n, *obs_shape) -> (n,) greedy actions
        return np.argmax(np.reshape(obs, (len(obs), -1)) @ self.w, axis=1)

    def learn(self, make_env, total_steps, seed, logger):
        env, rng, steps, best = make_env(), np.random.default_rng(seed), 0, -np.inf
        while steps < total_steps:
            kept, self.w = self.w, self.w + self.noise * rng.standard_normal(self.w.shape)
            (obs, _), ret, done = env.reset(seed=int(rng.integers(2**31))), 0.0, False
            while not done:
                obs, reward, terminated, truncated, _ = env.step(int(self.act(obs[None])[0]))
                ret, steps, done = ret + reward, steps + 1, terminated or truncated
                logger.step(steps)  # the family evaluates here when an evaluation is due
            best, self.w = (ret, self.w) if ret >= best else (best, kept)
            logger.log("train/episode_return", ret, steps)
