"""A k-nearest-neighbours classifier (scikit-learn) plugged into benchsuite's classification family.

    bench run digits_knn --plugin plugin_example.py --seeds 1 --preset smoke
    bench compare knn --plugin plugin_example.py --problems digits

The family calls the class with `num_classes` (and `input_shape`, if named) and its config keys (keyword
arguments with defaults: `bench run digits_knn k=3`), then fit(train, val), then judges predict_scores.
"""

import numpy as np

from suite import register_model


@register_model("knn", family="classification", kind="trainer", deterministic=True)
class KNN:
    """k nearest neighbours on the flattened inputs, scikit-learn"""

    def __init__(self, num_classes: int, k: int = 5):
        from sklearn.neighbors import KNeighborsClassifier  # imported when built, so `bench list` stays fast

        self.model, self.num_classes = KNeighborsClassifier(n_neighbors=k), num_classes

    def fit(self, train, val) -> None:  # train.x: (N, *input_shape) float32, train.y: (N,) int64
        self.model.fit(train.x.reshape(len(train.x), -1), train.y)

    def predict_scores(self, x: np.ndarray) -> np.ndarray:  # (N, num_classes), read as logits
        proba = self.model.predict_proba(x.reshape(len(x), -1))  # columns: the classes seen in fit
        return np.log(np.maximum(proba, 1e-6))  # floored: log(0) would make the test loss infinite
