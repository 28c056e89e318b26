"""GPT-2 written out in torch with the KV cache as explicit tensors, and its ONNX and TorchScript exports.

Hugging Face's GPT2LMHeadModel keeps its cache in a Cache object that it mutates, which neither exporter turns
into graph inputs and outputs; this module computes the same function (learned positions, pre-LayerNorm blocks,
`gelu_new`, Conv1D weights [in, out], lm_head tied to wte) with the past passed in and the present passed out.
Its parameter names are GPT-2's own, so the safetensors file loads into it unchanged.
"""

from __future__ import annotations

import contextlib
import math
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import Tensor, nn

from .gpt2 import Gpt2Shape, onnx_input_names, onnx_output_names

ONNX_OPSET = 18


class Conv1D(nn.Module):
    """GPT-2's projection: x @ weight + bias, weight stored [in, out] (the transpose of nn.Linear's)."""

    def __init__(self, n_in: int, n_out: int) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.empty(n_in, n_out))
        self.bias = nn.Parameter(torch.empty(n_out))

    def forward(self, x: Tensor) -> Tensor:
        return torch.matmul(x, self.weight) + self.bias


class Attention(nn.Module):
    def __init__(self, shape: Gpt2Shape) -> None:
        super().__init__()
        self.heads = shape.heads
        self.d_head = shape.d_head
        self.c_attn = Conv1D(shape.d_model, 3 * shape.d_model)
        self.c_proj = Conv1D(shape.d_model, shape.d_model)

    def forward(self, x: Tensor, past_key: Tensor, past_value: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        q, k, v = self.c_attn(x).chunk(3, dim=2)
        # [1, s, d] -> [1, heads, s, d_head]
        q = q.reshape(1, -1, self.heads, self.d_head).transpose(1, 2)
        key = torch.cat([past_key, k.reshape(1, -1, self.heads, self.d_head).transpose(1, 2)], dim=2)
        value = torch.cat([past_value, v.reshape(1, -1, self.heads, self.d_head).transpose(1, 2)], dim=2)
        scores = torch.matmul(q, key.transpose(-1, -2)) * (1.0 / math.sqrt(self.d_head))
        # Query i sits at position p + i and sees keys 0 .. p + i.
        past_length = past_key.size(2)
        query_at = torch.arange(q.size(2), device=x.device).unsqueeze(1) + past_length
        key_at = torch.arange(key.size(2), device=x.device).unsqueeze(0)
        scores = torch.where(key_at <= query_at, scores, float("-inf"))
        out = torch.matmul(torch.softmax(scores, dim=-1), value)
        out = out.transpose(1, 2).reshape(1, -1, self.heads * self.d_head)
        return self.c_proj(out), key, value


class Mlp(nn.Module):
    def __init__(self, shape: Gpt2Shape) -> None:
        super().__init__()
        self.c_fc = Conv1D(shape.d_model, shape.d_inner)
        self.c_proj = Conv1D(shape.d_inner, shape.d_model)

    def forward(self, x: Tensor) -> Tensor:
        h = self.c_fc(x)
        # gelu_new, spelled as Hugging Face's NewGELUActivation spells it.
        h = 0.5 * h * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (h + 0.044715 * torch.pow(h, 3.0))))
        return self.c_proj(h)


class Block(nn.Module):
    def __init__(self, shape: Gpt2Shape) -> None:
        super().__init__()
        self.ln_1 = nn.LayerNorm(shape.d_model, eps=shape.layer_norm_epsilon)
        self.attn = Attention(shape)
        self.ln_2 = nn.LayerNorm(shape.d_model, eps=shape.layer_norm_epsilon)
        self.mlp = Mlp(shape)

    def forward(self, x: Tensor, past_key: Tensor, past_value: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        a, key, value = self.attn(self.ln_1(x), past_key, past_value)
        x = x + a
        return x + self.mlp(self.ln_2(x)), key, value


class Gpt2(nn.Module):
    """Logits of every input position and each layer's keys and values, past included."""

    def __init__(self, shape: Gpt2Shape) -> None:
        super().__init__()
        self.wte = nn.Embedding(shape.vocab, shape.d_model)
        self.wpe = nn.Embedding(shape.context, shape.d_model)
        self.h = nn.ModuleList([Block(shape) for _ in range(shape.layers)])
        self.ln_f = nn.LayerNorm(shape.d_model, eps=shape.layer_norm_epsilon)

    def forward(self, input_ids: Tensor, position_ids: Tensor,
                past: list[tuple[Tensor, Tensor]]) -> tuple[Tensor, list[tuple[Tensor, Tensor]]]:
        x = self.wte(input_ids) + self.wpe(position_ids)
        present: list[tuple[Tensor, Tensor]] = []
        for i, block in enumerate(self.h):
            x, key, value = block(x, past[i][0], past[i][1])
            present.append((key, value))
        # lm_head tied to wte.
        return torch.matmul(self.ln_f(x), self.wte.weight.t()), present


def build(shape: Gpt2Shape, weights: dict[str, np.ndarray]) -> Gpt2:
    """The model in eval mode holding exactly these weights (strict: every name present, none left over)."""
    model = Gpt2(shape)
    model.load_state_dict({name: torch.from_numpy(array) for name, array in weights.items()}, strict=True)
    return model.eval()


# ---- ONNX: one graph, past and present as one input and one output per layer and kind ----------------------

class OnnxSignature(nn.Module):
    """The graph's flat signature (PROTOCOL.md, "The ONNX graph"): past_key_values.N.key/value in, present out."""

    def __init__(self, model: Gpt2) -> None:
        super().__init__()
        self.model = model

    def forward(self, input_ids: Tensor, position_ids: Tensor, *past: Tensor) -> tuple[Tensor, ...]:
        pairs = [(past[2 * i], past[2 * i + 1]) for i in range(len(past) // 2)]
        logits, present = self.model(input_ids, position_ids, pairs)
        return (logits, *(t for pair in present for t in pair))


def export_onnx(model: Gpt2, shape: Gpt2Shape, path: Path) -> None:
    """torch.onnx.export's dynamo exporter at opset 18, sequence and past lengths symbolic.

    Traced with p = 2, s = 3: torch.export specialises a dimension whose example is 0 or 1, so neither may
    appear in the example; the graph itself accepts p = 0 and s = 1.
    """
    seq, past_len = torch.export.Dim("sequence", min=1, max=shape.context), torch.export.Dim("past", max=shape.context)
    ids = torch.zeros(1, 3, dtype=torch.int64)
    positions = torch.arange(2, 5, dtype=torch.int64).unsqueeze(0)
    past = [torch.zeros(1, shape.heads, 2, shape.d_head) for _ in range(2 * shape.layers)]
    dynamic = {"input_ids": {1: seq}, "position_ids": {1: seq}, "past": tuple({2: past_len} for _ in past)}
    with contextlib.redirect_stdout(sys.stderr), warnings.catch_warnings():
        # The exporter reports its progress on stdout, where the maker's caller reads the record; and it warns
        # that the output axes reuse the input axes' names, which is what they should do.
        warnings.filterwarnings("ignore", message=".*shares the same shape constraints", category=UserWarning)
        program = torch.onnx.export(OnnxSignature(model), (ids, positions, *past), dynamo=True,
                                    opset_version=ONNX_OPSET, input_names=onnx_input_names(shape.layers),
                                    output_names=onnx_output_names(shape.layers), dynamic_shapes=dynamic,
                                    optimize=True, verify=False, report=False)
    assert program is not None  # None only when exporting to a file object
    strip_export_metadata(program.model)
    # One self-contained file: GPT-2 124M is about 500 MB, well under protobuf's 2 GB.
    program.save(str(path), external_data=False)


def strip_export_metadata(model: Any) -> None:
    """Drops the exporter's debugging metadata (each node's Python stack trace, with this machine's paths and this
    file's line numbers), so that the same weights and libraries give the same bytes."""
    graph = model.graph
    graph.metadata_props.clear()
    values = [*graph.inputs, *graph.outputs, *graph.initializers.values()]
    for node in graph.all_nodes():
        node.metadata_props.clear()
        values.extend(node.outputs)
    for value in values:
        value.metadata_props.clear()


# ---- TorchScript: past and present stacked into one tensor, positions computed inside -----------------------

class TorchScriptSignature(nn.Module):
    """forward(input_ids [1, s], past [layers, 2, 1, heads, p, d_head]) -> (logits [1, s, vocab], present
    [layers, 2, 1, heads, p + s, d_head]); positions p .. p+s-1, p read from past.size(4)."""

    def __init__(self, model: Gpt2) -> None:
        super().__init__()
        self.model = model

    def forward(self, input_ids: Tensor, past: Tensor) -> tuple[Tensor, Tensor]:
        start = past.size(4)
        positions = torch.arange(start, start + input_ids.size(1), dtype=torch.int64,
                                 device=input_ids.device).unsqueeze(0)
        pairs: list[tuple[Tensor, Tensor]] = []
        for i in range(past.size(0)):
            pairs.append((past[i, 0], past[i, 1]))
        logits, present = self.model(input_ids, positions, pairs)
        return logits, torch.stack([torch.stack([key, value]) for key, value in present])


def export_torchscript(model: Gpt2, path: Path) -> None:
    """Scripted rather than traced: a trace would freeze the past length and the loop over layers into constants."""
    torch.jit.script(TorchScriptSignature(model)).save(str(path))
