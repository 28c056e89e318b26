"""Task iris-mlp (PROTOCOL.md): a 4-hidden-3 ReLU/softmax network trained by plain mini-batch SGD.

Both implementations share the loading, the checks and the outputs. They differ in train and infer:
`python/numpy` spells the algorithm out, `python/sklearn` has MLPClassifier run it from the same
initial weights.
"""

from __future__ import annotations

import warnings
from abc import abstractmethod
from dataclasses import dataclass

import numpy as np

from ..data import read_npy, read_numeric_csv, read_split
from ..protocol import RunnerError, Spec
from .base import Results, Task

COLUMNS = ("sepal_length", "sepal_width", "petal_length", "petal_width", "species")
N_FEATURES = 4
N_CLASSES = 3
INPUTS = ("data", "split", "W1", "b1", "W2", "b2")


@dataclass(frozen=True)
class Params:
    epochs: int
    batch_size: int
    learning_rate: float
    hidden: int
    n_train: int

    @classmethod
    def from_spec(cls, spec: Spec) -> Params:
        # An ignored parameter would let implementations silently compute different things.
        known = list(cls.__dataclass_fields__)
        unknown = sorted(set(spec.params) - set(known))
        if unknown:
            raise RunnerError(f"spec: unknown params {', '.join(unknown)} (iris-mlp takes {', '.join(known)})")
        params = cls(
            epochs=spec.param("epochs", int),
            batch_size=spec.param("batch_size", int),
            learning_rate=spec.param("learning_rate", float),
            hidden=spec.param("hidden", int),
            n_train=spec.param("n_train", int),
        )
        for name in ("epochs", "batch_size", "hidden", "n_train"):
            if getattr(params, name) < 1:
                raise RunnerError(f"spec: params.{name} must be at least 1, got {getattr(params, name)}")
        if not params.learning_rate > 0:
            raise RunnerError(f"spec: params.learning_rate must be positive, got {params.learning_rate}")
        return params


@dataclass
class Weights:
    W1: np.ndarray  # (4, hidden)
    b1: np.ndarray  # (hidden,)
    W2: np.ndarray  # (hidden, 3)
    b2: np.ndarray  # (3,)

    def copy(self) -> Weights:
        return Weights(self.W1.copy(), self.b1.copy(), self.W2.copy(), self.b2.copy())


@dataclass(frozen=True)
class Dataset:
    train_x: np.ndarray  # z-scored
    train_y: np.ndarray  # int64
    test_x: np.ndarray
    test_y: np.ndarray


def load_dataset(spec: Spec, n_train: int) -> Dataset:
    data_path, split_path = spec.inputs["data"].path, spec.inputs["split"].path
    table = read_numeric_csv(data_path, COLUMNS, class_column="species", classes=range(N_CLASSES))
    n_rows = len(table)
    split = read_split(split_path, n_rows)
    if n_train >= n_rows:
        raise RunnerError(f"spec: params.n_train is {n_train}, but {data_path.name} has only {n_rows} rows")
    x, y = table[:, :N_FEATURES], table[:, N_FEATURES].astype(np.int64)
    train, test = split[:n_train], split[n_train:]
    mean = x[train].mean(axis=0)
    std = x[train].std(axis=0)  # population std (ddof=0), as the protocol fixes
    if (std == 0).any():
        constant = [COLUMNS[i] for i in np.flatnonzero(std == 0)]
        raise RunnerError(f"{data_path.name}: {', '.join(constant)} constant over the training rows")
    return Dataset((x[train] - mean) / std, y[train], (x[test] - mean) / std, y[test])


def load_initial_weights(spec: Spec, hidden: int) -> Weights:
    shapes = {"W1": (N_FEATURES, hidden), "b1": (hidden,), "W2": (hidden, N_CLASSES), "b2": (N_CLASSES,)}
    return Weights(**{role: read_npy(spec.inputs[role].path, "<f8", shape) for role, shape in shapes.items()})


class IrisMlp(Task):
    """Shared by both implementations: checks, the load phase and the results."""

    phases = ("load", "train", "infer_single", "infer_batch")
    output_names = ("W1", "b1", "W2", "b2", "loss_curve", "train_x", "train_pred", "test_pred", "test_proba")

    # Set by the phases.
    data: Dataset
    initial: Weights
    single_pred: np.ndarray  # infer_single
    test_proba: np.ndarray  # infer_batch
    test_pred: np.ndarray  # infer_batch

    def __init__(self, spec: Spec) -> None:
        super().__init__(spec)
        if spec.dtype != "f64":
            raise RunnerError(f"iris-mlp computes in f64 only; the spec asks for {spec.dtype}")
        if spec.device != "cpu":
            raise RunnerError(f"{spec.impl} runs on cpu only; the spec asks for {spec.device}")
        missing = [role for role in INPUTS if role not in spec.inputs]
        unknown = [role for role in spec.inputs if role not in INPUTS]
        if missing or unknown:
            raise RunnerError(f"spec: iris-mlp takes the inputs {', '.join(INPUTS)}; "
                              f"missing: {', '.join(missing) or 'none'}, unknown: {', '.join(unknown) or 'none'}")
        self.params = Params.from_spec(spec)

    def load(self) -> None:
        self.data = load_dataset(self.spec, self.params.n_train)
        self.initial = load_initial_weights(self.spec, self.params.hidden)

    def ops_per_sample(self, phase: str) -> int:
        return len(self.data.test_x) if phase == "infer_single" else 1

    @abstractmethod
    def train(self) -> None:
        """Trains from the initial weights; every call starts from them again."""

    @abstractmethod
    def infer_single(self) -> None:
        """Sets single_pred, classifying each test row on its own."""

    @abstractmethod
    def infer_batch(self) -> None:
        """Sets test_proba and test_pred from the whole test matrix at once."""

    @abstractmethod
    def trained(self) -> tuple[Weights, np.ndarray]:
        """The trained weights and the loss curve."""

    @abstractmethod
    def predict(self, x: np.ndarray) -> np.ndarray:
        """The class of each row of x under the trained weights."""

    def results(self) -> Results:
        weights, loss_curve = self.trained()
        train_pred = self.predict(self.data.train_x)
        notes = []
        if not np.array_equal(self.single_pred, self.test_pred):
            differ = np.flatnonzero(self.single_pred != self.test_pred).tolist()
            notes.append(f"infer_single and infer_batch disagree on test rows {differ}")
        return Results(
            outputs={
                "W1": weights.W1, "b1": weights.b1, "W2": weights.W2, "b2": weights.b2,
                "loss_curve": loss_curve,
                "train_x": self.data.train_x,
                "train_pred": train_pred,
                "test_pred": self.test_pred,
                "test_proba": self.test_proba,
            },
            metrics={
                "train_accuracy": float(np.mean(train_pred == self.data.train_y)),
                "test_accuracy": float(np.mean(self.test_pred == self.data.test_y)),
            },
            notes=notes,
        )


# ---- python/numpy ------------------------------------------------------------------------------

def logits(x: np.ndarray, w: Weights) -> np.ndarray:
    return np.maximum(x @ w.W1 + w.b1, 0.0) @ w.W2 + w.b2


def softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise; subtracting the row max keeps exp from overflowing."""
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def train_sgd(x: np.ndarray, y: np.ndarray, initial: Weights, params: Params) -> tuple[Weights, np.ndarray]:
    """Plain mini-batch SGD on the mean cross-entropy, batches in row order; returns weights and epoch losses."""
    w = initial.copy()
    onehot = np.eye(N_CLASSES)[y]
    n, lr = len(x), params.learning_rate
    loss_curve = np.empty(params.epochs)
    for epoch in range(params.epochs):
        loss_sum = 0.0
        for start in range(0, n, params.batch_size):
            batch = slice(start, start + params.batch_size)
            xb, yb = x[batch], y[batch]
            m = len(xb)
            z1 = xb @ w.W1 + w.b1
            h = np.maximum(z1, 0.0)
            p = softmax(h @ w.W2 + w.b2)
            loss_sum += -np.mean(np.log(p[np.arange(m), yb])) * m
            d2 = (p - onehot[batch]) / m
            dh = (d2 @ w.W2.T) * (z1 > 0)
            # All four gradients come from the weights before this step.
            gW2, gb2 = h.T @ d2, d2.sum(axis=0)
            gW1, gb1 = xb.T @ dh, dh.sum(axis=0)
            w.W1 -= lr * gW1
            w.b1 -= lr * gb1
            w.W2 -= lr * gW2
            w.b2 -= lr * gb2
        loss_curve[epoch] = loss_sum / n
    return w, loss_curve


class NumpyIrisMlp(IrisMlp):
    framework = "numpy"

    weights: Weights
    loss_curve: np.ndarray

    def train(self) -> None:
        self.weights, self.loss_curve = train_sgd(self.data.train_x, self.data.train_y, self.initial, self.params)

    def infer_single(self) -> None:
        # Logits only: softmax keeps the order, so the argmax is the same.
        self.single_pred = np.array([np.argmax(logits(row, self.weights)) for row in self.data.test_x],
                                    dtype=np.int64)

    def infer_batch(self) -> None:
        self.test_proba = softmax(logits(self.data.test_x, self.weights))
        self.test_pred = self.test_proba.argmax(axis=1)

    def trained(self) -> tuple[Weights, np.ndarray]:
        return self.weights, self.loss_curve

    def predict(self, x: np.ndarray) -> np.ndarray:
        return softmax(logits(x, self.weights)).argmax(axis=1)


# ---- python/sklearn ----------------------------------------------------------------------------

def fit_mlp_classifier(x: np.ndarray, y: np.ndarray, initial: Weights, params: Params):
    """An MLPClassifier trained by exactly the protocol's algorithm, starting from `initial`.

    MLPClassifier draws its own initial weights and has no parameter to pass them in. So a partial_fit
    (one epoch) first makes it build its layers, label binarizer and softmax output; then copies of
    the initial weights replace its own, the bookkeeping of that epoch is reset, and a warm-started
    fit runs the real training. fit with incremental=False always builds a new SGDOptimizer, so the
    velocities start at zero (and with momentum=0 they never enter an update).
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    clf = MLPClassifier(
        hidden_layer_sizes=(params.hidden,),
        activation="relu",
        solver="sgd",
        learning_rate="constant",
        learning_rate_init=params.learning_rate,
        momentum=0.0,
        nesterovs_momentum=False,
        alpha=0.0,
        batch_size=params.batch_size,
        shuffle=False,
        max_iter=params.epochs,
        tol=0.0,
        # Stops only when the no-improvement count exceeds this, which cannot happen within the epochs.
        n_iter_no_change=params.epochs + 1,
        early_stopping=False,
        warm_start=True,
        random_state=42,
    )
    with warnings.catch_warnings():
        # Reaching max_iter is the plan here, not a failure to converge.
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.partial_fit(x, y, classes=np.arange(N_CLASSES))
        clf.coefs_ = [initial.W1.copy(), initial.W2.copy()]
        clf.intercepts_ = [initial.b1.copy(), initial.b2.copy()]
        clf.n_iter_ = 0
        clf.t_ = 0
        clf.loss_curve_ = []
        clf.best_loss_ = np.inf
        clf._no_improvement_count = 0
        clf.fit(x, y)
    if clf.n_iter_ != params.epochs:
        raise RunnerError(f"MLPClassifier stopped after {clf.n_iter_} of {params.epochs} epochs")
    return clf


class SklearnIrisMlp(IrisMlp):
    framework = "scikit-learn"

    def __init__(self, spec: Spec) -> None:
        super().__init__(spec)
        # Imported here rather than at the top: the numpy implementation must not carry scikit-learn in its
        # RSS, and the runner's threadpool_limits only reaches native libraries already loaded when it starts.
        import sklearn.neural_network  # noqa: F401

    def train(self) -> None:
        # Timed: building the classifier, its one priming epoch, the injection of the initial weights and
        # the `epochs` epochs of training. The priming epoch adds about 1/epochs to the time.
        self.clf = fit_mlp_classifier(self.data.train_x, self.data.train_y, self.initial, self.params)

    def infer_single(self) -> None:
        self.single_pred = np.array([self.clf.predict(row.reshape(1, -1))[0] for row in self.data.test_x],
                                    dtype=np.int64)

    def infer_batch(self) -> None:
        self.test_proba = self.clf.predict_proba(self.data.test_x)
        self.test_pred = self.clf.classes_[self.test_proba.argmax(axis=1)]

    def trained(self) -> tuple[Weights, np.ndarray]:
        (W1, W2), (b1, b2) = self.clf.coefs_, self.clf.intercepts_
        return Weights(W1, b1, W2, b2), np.array(self.clf.loss_curve_)

    def predict(self, x: np.ndarray) -> np.ndarray:
        return self.clf.predict(x)
