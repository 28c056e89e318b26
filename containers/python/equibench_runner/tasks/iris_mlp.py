"""Task iris-mlp (PROTOCOL.md): a 4-hidden-3 ReLU/softmax network trained by plain mini-batch SGD.

All implementations share the loading, the checks and the outputs. They differ in train and infer:
`python/numpy` spells the algorithm out, `python/sklearn` has MLPClassifier run it from the same
initial weights. `python/sklearn-seed-config` is MLPClassifier as the seed blog configures it, every other
setting at scikit-learn's default (momentum, Nesterov, L2, shuffling, its own initial weights, tol-based
stop); it computes something else and is compared at accuracy level only.
"""

from __future__ import annotations

import warnings
from abc import abstractmethod
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..data import read_npy, read_numeric_csv, read_split
from ..protocol import RunnerError, Spec
from .base import Results, Task

COLUMNS = ("sepal_length", "sepal_width", "petal_length", "petal_width", "species")
N_FEATURES = 4
N_CLASSES = 3
WEIGHT_INPUTS = ("W1", "b1", "W2", "b2")
INPUTS = ("data", "split", *WEIGHT_INPUTS)
# The seed of the harness; also scikit-learn's random_state for whatever it draws itself.
SEED = 42


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
    """Shared by all implementations: checks, the load phase and the results."""

    phases = ("load", "train", "infer_single", "infer_batch")
    output_names = ("W1", "b1", "W2", "b2", "loss_curve", "train_x", "train_pred", "test_pred", "test_proba")
    inputs = INPUTS

    # Set by the phases.
    data: Dataset
    initial: Weights
    single_pred: np.ndarray  # infer_single
    test_proba: np.ndarray  # infer_batch
    test_pred: np.ndarray  # infer_batch

    def __init__(self, spec: Spec) -> None:
        super().__init__(spec)
        self.params = Params.from_spec(spec)

    def load(self) -> None:
        self.data = load_dataset(self.spec, self.params.n_train)
        self.initial = load_initial_weights(self.spec, self.params.hidden)

    def ops_per_sample(self, phase: str) -> int:
        return len(self.data.test_x) if phase == "infer_single" else 1

    def phase_outputs(self, phase: str) -> dict[str, np.ndarray]:
        if phase == "load":
            return {"train_x": self.data.train_x}
        if phase == "train":
            weights, loss_curve = self.trained()
            return {"W1": weights.W1, "b1": weights.b1, "W2": weights.W2, "b2": weights.b2, "loss_curve": loss_curve}
        if phase == "infer_batch":
            return {"test_pred": self.test_pred, "test_proba": self.test_proba}
        return super().phase_outputs(phase)

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
        """The trained weights and the loss curve, read from what the last train left (phase_outputs)."""

    @abstractmethod
    def predict(self, x: np.ndarray) -> np.ndarray:
        """The class of each row of x under the trained weights."""

    def results(self) -> Results:
        train_pred = self.predict(self.data.train_x)
        notes = []
        if not np.array_equal(self.single_pred, self.test_pred):
            differ = np.flatnonzero(self.single_pred != self.test_pred).tolist()
            notes.append(f"infer_single and infer_batch disagree on test rows {differ}")
        return Results(
            # train_pred is no phase's: predicted here, from the trained weights.
            outputs={**self.outputs_of("load", "train", "infer_batch"), "train_pred": train_pred},
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
    implements = ("iris-mlp", "python/numpy")

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

    def compute_dtype(self) -> np.dtype:
        return self.weights.W1.dtype

    def manifest_hyperparameters(self) -> dict[str, Any]:
        # No framework object holds these: the spec's values train_sgd ran with, and what it does not do.
        return {
            "epochs": self.params.epochs,
            "batch_size": self.params.batch_size,
            "learning_rate": self.params.learning_rate,
            "momentum": 0.0,
            "nesterov": False,
            "l2": 0.0,
            "shuffle": False,
            "early_stopping": "none",
            "hidden": self.params.hidden,
            "activation": "relu",
            "init": "injected",
        }


# ---- python/sklearn ----------------------------------------------------------------------------

def mlp_classifier(params: Params, **settings: Any):
    """An MLPClassifier with the spec's network and SGD settings; `settings` sets the rest."""
    from sklearn.neural_network import MLPClassifier

    return MLPClassifier(
        hidden_layer_sizes=(params.hidden,),
        activation="relu",
        solver="sgd",
        learning_rate_init=params.learning_rate,
        batch_size=params.batch_size,
        max_iter=params.epochs,
        random_state=SEED,
        **settings,
    )


def fit_mlp_classifier(x: np.ndarray, y: np.ndarray, initial: Weights, params: Params):
    """An MLPClassifier trained by exactly the protocol's algorithm, starting from `initial`.

    MLPClassifier draws its own initial weights and has no parameter to pass them in. So a partial_fit
    (one epoch) first makes it build its layers, label binarizer and softmax output; then copies of
    the initial weights replace its own, the bookkeeping of that epoch is reset, and a warm-started
    fit runs the real training. fit with incremental=False always builds a new SGDOptimizer, so the
    velocities start at zero (and with momentum=0 they never enter an update).
    """
    from sklearn.exceptions import ConvergenceWarning

    clf = mlp_classifier(
        params,
        learning_rate="constant",
        momentum=0.0,
        nesterovs_momentum=False,
        alpha=0.0,
        shuffle=False,
        tol=0.0,
        # Stops only when the no-improvement count exceeds this, which cannot happen within the epochs.
        n_iter_no_change=params.epochs + 1,
        early_stopping=False,
        warm_start=True,
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


def fit_seed_config(x: np.ndarray, y: np.ndarray, params: Params):
    """MLPClassifier as the seed blog configures it: the spec's network and SGD settings, everything else at
    scikit-learn's defaults, its own initial weights. A fresh classifier with a fixed random_state, so every
    repetition draws the same weights and shuffles the same way."""
    from sklearn.exceptions import ConvergenceWarning

    clf = mlp_classifier(params)
    with warnings.catch_warnings():
        # Running up to max_iter is reported in the notes instead.
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(x, y)
    return clf


def mlp_hyperparameters(clf, init: str) -> dict[str, Any]:
    """The iris-mlp hyperparameters of an MLPClassifier, read from its get_params()."""
    p = clf.get_params()
    sizes = tuple(p["hidden_layer_sizes"]) if np.iterable(p["hidden_layer_sizes"]) else (p["hidden_layer_sizes"],)
    return {
        "epochs": int(p["max_iter"]),
        "batch_size": p["batch_size"] if isinstance(p["batch_size"], str) else int(p["batch_size"]),
        "learning_rate": float(p["learning_rate_init"]),
        "momentum": float(p["momentum"]),
        # scikit-learn only applies momentum, Nesterov's or not, with the sgd solver.
        "nesterov": bool(p["nesterovs_momentum"]) and p["solver"] == "sgd",
        "l2": float(p["alpha"]),
        "shuffle": bool(p["shuffle"]),
        "early_stopping": early_stopping(p),
        "hidden": int(sizes[0]) if len(sizes) == 1 else ",".join(str(int(n)) for n in sizes),
        "activation": str(p["activation"]),
        "init": init,
    }


def early_stopping(p: dict[str, Any]) -> str:
    """What can end MLPClassifier's training before max_iter, from its parameters.

    _fit_stochastic (sklearn/neural_network/_multilayer_perceptron.py) stops once the no-improvement count,
    raised by at most one per epoch, exceeds n_iter_no_change: never when n_iter_no_change >= max_iter.
    """
    if not p["early_stopping"] and p["n_iter_no_change"] >= p["max_iter"]:
        return "none"
    rule = f"tol={float(p['tol'])!r}, n_iter_no_change={int(p['n_iter_no_change'])}"
    if p["early_stopping"]:
        return f"validation score, validation_fraction={float(p['validation_fraction'])!r}, {rule}"
    return rule


class SklearnIrisMlp(IrisMlp):
    framework = "scikit-learn"
    implements = ("iris-mlp", "python/sklearn")

    def __init__(self, spec: Spec) -> None:
        super().__init__(spec)
        # Imported here rather than at the top: the numpy implementation must not carry scikit-learn in its
        # RSS, and the runner's threadpool_limits only reaches native libraries already loaded when it starts.
        import sklearn.neural_network  # noqa: F401

    def train(self) -> None:
        # Timed: building the classifier, its one priming epoch, the injection of the initial weights and
        # the `epochs` epochs of training. The priming epoch adds about 1/epochs to the time.
        self.clf = fit_mlp_classifier(self.data.train_x, self.data.train_y, self.initial, self.params)

    def init_description(self) -> str:
        """Where the initial weights came from, for the manifest's hp.init."""
        return "injected"

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

    def compute_dtype(self) -> np.dtype:
        return self.clf.coefs_[0].dtype

    def manifest_hyperparameters(self) -> dict[str, Any]:
        return mlp_hyperparameters(self.clf, self.init_description())


# ---- python/sklearn-seed-config -----------------------------------------------------------------

class SklearnSeedConfigIrisMlp(SklearnIrisMlp):
    """MLPClassifier configured as the seed blog has it; shares infer, outputs and manifest with python/sklearn.

    It draws its own initial weights, so the spec's weight files are accepted but not read (and, not read, are
    not hashed in the manifest). Its loss_curve has one entry per epoch it ran: fewer than `epochs` when the
    tol-based stop ends training; each entry includes scikit-learn's L2 term (alpha/2 · Σw² / batch rows).
    """

    implements = ("iris-mlp", "python/sklearn-seed-config")

    inputs = ("data", "split")
    unread_inputs = WEIGHT_INPUTS

    def load(self) -> None:
        self.data = load_dataset(self.spec, self.params.n_train)

    def train(self) -> None:
        self.clf = fit_seed_config(self.data.train_x, self.data.train_y, self.params)

    def init_description(self) -> str:
        return f"glorot-uniform (scikit-learn, random_state={self.clf.get_params()['random_state']})"

    def results(self) -> Results:
        results = super().results()
        results.metrics["n_iter"] = int(self.clf.n_iter_)
        if self.clf.n_iter_ < self.clf.max_iter:
            results.notes.append(f"stopped by scikit-learn's tol-based rule after {self.clf.n_iter_} of "
                                 f"{self.clf.max_iter} epochs; loss_curve has {self.clf.n_iter_} entries")
        else:
            results.notes.append(f"ran all {self.clf.max_iter} epochs without the tol-based rule stopping it")
        given = [role for role in WEIGHT_INPUTS if role in self.spec.inputs]
        if given:
            results.notes.append(f"initial weights drawn by scikit-learn; the spec's {', '.join(given)} "
                                 f"are not read")
        return results
