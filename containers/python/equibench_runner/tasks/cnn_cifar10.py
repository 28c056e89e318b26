"""Task cnn-cifar10 (PROTOCOL.md): the seed plan's CNN trained with Adam from the harness's initial weights, in
the harness's batch order, f32; the first steps again in f64 (phase check_f64).

`python/torch` is the reference: torch.nn modules, F.cross_entropy and torch.optim.Adam with every field set.
The CIFAR-10 binary reader and the preprocessing are the protocol's, shared by whatever row joins it here.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..data import read_npy
from ..protocol import RunnerError, Spec
from .base import Results, Task
from .classical import read_params, require
from .gpt2_generate import loaded_library, native_fields

RECORD_BYTES = 1 + 3 * 32 * 32
CLASSES = 10
TRAIN_FILES = tuple(f"data_batch_{n}" for n in range(1, 6))
# Parameter names and shapes in the protocol's order, which is also the order of the flattened outputs.
PARAMETERS = {
    "conv1_weight": (32, 3, 3, 3), "conv1_bias": (32,),
    "conv2_weight": (64, 32, 3, 3), "conv2_bias": (64,),
    "fc1_weight": (512, 4096), "fc1_bias": (512,),
    "fc2_weight": (10, 512), "fc2_bias": (10,),
}
EARLY_STEPS = 50
FINAL_STEPS = 10


@dataclass(frozen=True)
class Params:
    n_train: int
    n_test: int
    batch_size: int
    steps: int
    f64_steps: int
    learning_rate: float
    beta1: float
    beta2: float
    eps: float
    weight_decay: float

    def __post_init__(self) -> None:
        for name in ("n_train", "n_test", "batch_size", "steps", "f64_steps"):
            require(getattr(self, name) >= 1, f"params.{name} must be at least 1, got {getattr(self, name)}")
        require(self.f64_steps <= self.steps,
                f"params.f64_steps ({self.f64_steps}) must not exceed params.steps ({self.steps})")
        require(self.learning_rate > 0 and self.eps > 0, "params.learning_rate and params.eps must be positive")
        require(0 <= self.beta1 < 1 and 0 <= self.beta2 < 1, "params.beta1 and params.beta2 must be in [0, 1)")
        require(self.weight_decay == 0.0, f"params.weight_decay must be 0 (plain Adam), got {self.weight_decay}")


def read_cifar(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Labels (int64) and pixels (uint8, records × 3072, CHW) of a CIFAR-10 binary file, checked."""
    try:
        raw = np.fromfile(path, dtype=np.uint8)
    except OSError as e:
        raise RunnerError(f"cannot read {path}: {e.strerror}") from None
    if raw.size % RECORD_BYTES:
        raise RunnerError(f"{path.name}: {raw.size} bytes, not a whole number of {RECORD_BYTES}-byte records")
    records = raw.reshape(-1, RECORD_BYTES)
    labels = records[:, 0]
    bad = np.flatnonzero(labels >= CLASSES)
    if bad.size:
        raise RunnerError(f"{path.name} record {bad[0]}: label byte {labels[bad[0]]}, not 0..9")
    return labels.astype(np.int64), records[:, 1:]


def read_records(paths: list[Path], n: int, what: str) -> tuple[np.ndarray, np.ndarray]:
    """The first n records of the files, read in order."""
    labels, pixels, have = [], [], 0
    for path in paths:
        if have >= n:
            break
        y, x = read_cifar(path)
        labels.append(y[:n - have])
        pixels.append(x[:n - have])
        have += len(labels[-1])
    if have < n:
        names = ", ".join(p.name for p in paths)
        raise RunnerError(f"{names}: {have} records, fewer than params.{what} = {n}")
    return np.concatenate(labels), np.concatenate(pixels)


def normalize(pixels: np.ndarray, mean: np.ndarray, std: np.ndarray, dtype: type) -> np.ndarray:
    """(p / 255 − mean[c]) / std[c], evaluated in f64 and rounded to `dtype`; N × 3 × 32 × 32.

    In chunks, so the f64 intermediate of 50,000 images (1.2 GB) never exists at once.
    """
    out = np.empty((len(pixels), 3, 32, 32), dtype=dtype)
    for start in range(0, len(pixels), 4096):
        chunk = pixels[start:start + 4096].reshape(-1, 3, 32, 32).astype(np.float64)
        out[start:start + 4096] = (chunk / 255.0 - mean[:, None, None]) / std[:, None, None]
    return out


@dataclass
class Cifar:
    train_y: np.ndarray
    train_pixels: np.ndarray  # uint8, kept for the f64 check
    test_y: np.ndarray
    test_pixels: np.ndarray
    mean: np.ndarray
    std: np.ndarray
    batches: np.ndarray
    initial: dict[str, np.ndarray]  # f64, PyTorch layouts


def load_inputs(spec: Spec, p: Params) -> Cifar:
    inputs = spec.inputs
    train_y, train_pixels = read_records([inputs[f].path for f in TRAIN_FILES], p.n_train, "n_train")
    test_y, test_pixels = read_records([inputs["test_batch"].path], p.n_test, "n_test")
    mean = read_npy(inputs["channel_mean"].path, "<f8", (3,))
    std = read_npy(inputs["channel_std"].path, "<f8", (3,))
    if not (std > 0).all():
        raise RunnerError(f"{inputs['channel_std'].path.name}: standard deviations must be positive, got {std}")
    batches = read_npy(inputs["batches"].path, "<i8", (p.steps, p.batch_size))
    if batches.min() < 0 or batches.max() >= p.n_train:
        raise RunnerError(f"{inputs['batches'].path.name}: indices must lie in 0..{p.n_train - 1}")
    initial = {name: read_npy(inputs[name].path, "<f8", shape) for name, shape in PARAMETERS.items()}
    return Cifar(train_y, train_pixels, test_y, test_pixels, mean, std, batches, initial)


class TorchCnnCifar10(Task):
    """The reference: torch.nn.Conv2d/Linear, F.max_pool2d, F.cross_entropy, torch.optim.Adam (single-tensor)."""

    implements = ("cnn-cifar10", "python/torch")
    framework = "torch"
    phases = ("load", "build", "train", "evaluate", "check_f64")
    output_names = ("step1_loss", "early_losses", "step1_params", "test_pred", "train_step_ns", "f64_losses",
                    "f64_params")
    inputs = (*TRAIN_FILES, "test_batch", "channel_mean", "channel_std", "batches", *PARAMETERS)
    dtypes = ("f32",)

    def __init__(self, spec: Spec) -> None:
        super().__init__(spec)
        self.params = read_params(spec, Params)
        # Imported here: the registry imports every task module, and no other row may carry torch in its RSS.
        import torch

        self.torch = torch
        torch.set_num_threads(spec.threads)
        try:
            torch.set_num_interop_threads(1)
        except RuntimeError:  # already set in this process
            pass

    # ---- phases -----------------------------------------------------------------------------------------

    def load(self) -> None:
        torch, p = self.torch, self.params
        self.data = load_inputs(self.spec, p)
        d = self.data
        self.train_x = torch.from_numpy(normalize(d.train_pixels, d.mean, d.std, np.float32))
        self.train_y = torch.from_numpy(d.train_y)
        self.test_x = torch.from_numpy(normalize(d.test_pixels, d.mean, d.std, np.float32))
        self.batches = torch.from_numpy(d.batches)

    def build(self) -> None:
        self.model = self.network(self.torch.float32)
        self.optimizer = self.adam(self.model)

    def train(self) -> None:
        self.reset(self.model, self.torch.float32)
        self.optimizer = self.adam(self.model)  # fresh state: m, v and the step count at zero
        losses, step_ns = np.empty(self.params.steps), np.empty(self.params.steps, dtype=np.int64)
        for k in range(self.params.steps):
            start = time.perf_counter_ns()
            losses[k] = self.step(self.model, self.optimizer, self.train_x, self.train_y, self.batches[k])
            step_ns[k] = time.perf_counter_ns() - start
            if k == 0:
                self.step1_params = self.flat(self.model).numpy()
        self.losses, self.step_ns = losses, step_ns

    def evaluate(self) -> None:
        torch, b = self.torch, self.params.batch_size
        with torch.inference_mode():
            # argmax returns the first maximum: a tie goes to the lowest class.
            self.test_pred = torch.cat([self.model(self.test_x[s:s + b]).argmax(dim=1)
                                        for s in range(0, len(self.test_x), b)]).numpy()

    def check_f64(self) -> None:
        """The first f64_steps steps in f64: only the images those batches use are normalized, in f64."""
        torch, d, n = self.torch, self.data, self.params.f64_steps
        used = np.unique(d.batches[:n])
        x = torch.from_numpy(normalize(d.train_pixels[used], d.mean, d.std, np.float64))
        y = torch.from_numpy(d.train_y[used])
        batches = torch.from_numpy(np.searchsorted(used, d.batches[:n]))  # positions within `used`
        model = self.network(torch.float64)
        optimizer = self.adam(model)
        losses, params = np.empty(n), []
        for k in range(n):
            losses[k] = self.step(model, optimizer, x, y, batches[k])
            params.append(self.flat(model).numpy())
        self.f64_losses, self.f64_params = losses, np.stack(params)

    # ---- the model and one step ------------------------------------------------------------------------------

    def network(self, dtype: Any) -> Any:
        nn, F = self.torch.nn, self.torch.nn.functional

        class SeedCnn(nn.Module):
            """Seed 002 §3.2's architecture."""

            def __init__(self) -> None:
                super().__init__()
                self.conv1 = nn.Conv2d(3, 32, kernel_size=3, padding=1)
                self.conv2 = nn.Conv2d(32, 64, kernel_size=3, padding=1)
                self.fc1 = nn.Linear(64 * 8 * 8, 512)
                self.fc2 = nn.Linear(512, 10)

            def forward(self, x: Any) -> Any:
                x = F.max_pool2d(F.relu(self.conv1(x)), 2)
                x = F.max_pool2d(F.relu(self.conv2(x)), 2)
                return self.fc2(F.relu(self.fc1(x.flatten(1))))

        model = SeedCnn().to(dtype)
        self.reset(model, dtype)
        return model

    def reset(self, model: Any, dtype: Any) -> None:
        """The harness's initial weights (rounded to dtype) replace whatever the modules drew."""
        torch = self.torch
        state = {name.replace("_", ".", 1): torch.from_numpy(value).to(dtype)
                 for name, value in self.data.initial.items()}
        model.load_state_dict(state, strict=True)

    def adam(self, model: Any) -> Any:
        p = self.params
        # Every field explicit; foreach=False pins the single-tensor update, the one libtorch's C++ Adam and the
        # other libtorch rows spell out (on the CPU it is also PyTorch's default).
        return self.torch.optim.Adam(model.parameters(), lr=p.learning_rate, betas=(p.beta1, p.beta2), eps=p.eps,
                                     weight_decay=p.weight_decay, amsgrad=False, maximize=False, foreach=False,
                                     capturable=False, differentiable=False, fused=False)

    def step(self, model: Any, optimizer: Any, x: Any, y: Any, batch: Any) -> float:
        """One training step on the batch's images; returns its loss."""
        F = self.torch.nn.functional
        optimizer.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x.index_select(0, batch)), y.index_select(0, batch), reduction="mean")
        loss.backward()
        optimizer.step()
        return loss.item()

    def flat(self, model: Any) -> Any:
        """Every parameter, flattened in the protocol's order (the modules' registration order is that order)."""
        return self.torch.cat([param.detach().reshape(-1) for param in model.parameters()])

    # ---- reporting -------------------------------------------------------------------------------------------

    def ops_per_sample(self, phase: str) -> int:
        return self.params.steps if phase == "train" else 1

    def phase_outputs(self, phase: str) -> dict[str, np.ndarray]:
        if phase == "train":
            return {"step1_loss": self.losses[:1].copy(), "early_losses": self.losses[:EARLY_STEPS].copy(),
                    "step1_params": self.step1_params, "train_step_ns": self.step_ns}
        if phase == "evaluate":
            return {"test_pred": self.test_pred.astype(np.int64)}
        if phase == "check_f64":
            return {"f64_losses": self.f64_losses, "f64_params": self.f64_params}
        return super().phase_outputs(phase)

    def compute_dtype(self) -> np.dtype:
        return self.torch.empty(0, dtype=next(self.model.parameters()).dtype).numpy().dtype

    def manifest_hyperparameters(self) -> dict[str, Any]:
        group = self.optimizer.param_groups[0]
        return {
            "optimizer": "adam",
            "learning_rate": float(group["lr"]),
            "beta1": float(group["betas"][0]),
            "beta2": float(group["betas"][1]),
            "eps": float(group["eps"]),
            "weight_decay": float(group["weight_decay"]),
            "batch_size": self.params.batch_size,
            "steps": self.params.steps,
            "init": "injected",
        }

    def hyperparameters(self) -> dict[str, Any]:
        torch, group = self.torch, self.optimizer.param_groups[0]
        return {
            "amsgrad": group["amsgrad"], "foreach": group["foreach"], "fused": group["fused"],
            "maximize": group["maximize"],
            "torch_num_threads": torch.get_num_threads(),
            "torch_num_interop_threads": torch.get_num_interop_threads(),
            "mkldnn_enabled": torch.backends.mkldnn.enabled,
        }

    def inputs_read(self) -> frozenset[Path]:
        """The CIFAR files, read with np.fromfile rather than data.py's readers, for the manifest's hashes."""
        return frozenset(self.spec.inputs[name].path for name in (*TRAIN_FILES, "test_batch"))

    def native_engine(self) -> dict[str, str]:
        return native_fields(f"libtorch {self.torch.__version__}", loaded_library("libtorch_cpu.so"))

    def results(self) -> Results:
        losses = self.losses
        accuracy = float(np.mean(self.test_pred == self.data.test_y))
        return Results(
            outputs=self.outputs_of("train", "evaluate", "check_f64"),
            metrics={"test_accuracy": accuracy, "final_loss": float(np.mean(losses[-FINAL_STEPS:]))},
        )
