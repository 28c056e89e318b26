"""BERT for question answering written out in torch with Hugging Face's parameter names, and its ONNX and
TorchScript exports.

It computes what BertForQuestionAnswering computes (post-LayerNorm blocks, erf GELU, absolute positions, token
types, the additive attention mask, a linear 2-way head) as a plain module of three tensors in and two out, which
both exporters take as it is; the maker checks each export against Hugging Face's own model.
"""

from __future__ import annotations

import contextlib
import math
import sys
import warnings
from pathlib import Path

import numpy as np
import torch
from torch import Tensor, nn

from .bert import ONNX_OUTPUTS, BertShape, onnx_input_names
from .gpt2_torch import ONNX_OPSET, strip_export_metadata


F32_MIN = float(torch.finfo(torch.float32).min)


class Embeddings(nn.Module):
    def __init__(self, shape: BertShape) -> None:
        super().__init__()
        self.word_embeddings = nn.Embedding(shape.vocab, shape.hidden)
        self.position_embeddings = nn.Embedding(shape.max_positions, shape.hidden)
        self.token_type_embeddings = nn.Embedding(shape.type_vocab, shape.hidden)
        self.LayerNorm = nn.LayerNorm(shape.hidden, eps=shape.layer_norm_eps)

    def forward(self, input_ids: Tensor, token_type_ids: Tensor) -> Tensor:
        positions = torch.arange(input_ids.size(1), dtype=torch.int64, device=input_ids.device).unsqueeze(0)
        x = self.word_embeddings(input_ids) + self.token_type_embeddings(token_type_ids)
        return self.LayerNorm(x + self.position_embeddings(positions))


class SelfAttention(nn.Module):
    def __init__(self, shape: BertShape) -> None:
        super().__init__()
        self.heads, self.d_head = shape.heads, shape.hidden // shape.heads
        self.query = nn.Linear(shape.hidden, shape.hidden)
        self.key = nn.Linear(shape.hidden, shape.hidden)
        self.value = nn.Linear(shape.hidden, shape.hidden)

    def split(self, x: Tensor) -> Tensor:
        # [b, s, hidden] -> [b, heads, s, d_head]
        return x.reshape(x.size(0), x.size(1), self.heads, self.d_head).transpose(1, 2)

    def forward(self, x: Tensor, additive_mask: Tensor) -> Tensor:
        q, k, v = self.split(self.query(x)), self.split(self.key(x)), self.split(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) * (1.0 / math.sqrt(self.d_head)) + additive_mask
        out = torch.matmul(torch.softmax(scores, dim=-1), v)
        return out.transpose(1, 2).reshape(x.size(0), x.size(1), self.heads * self.d_head)


class DenseNorm(nn.Module):
    """BERT's output sublayer: dense, then LayerNorm of it plus the residual."""

    def __init__(self, n_in: int, shape: BertShape) -> None:
        super().__init__()
        self.dense = nn.Linear(n_in, shape.hidden)
        self.LayerNorm = nn.LayerNorm(shape.hidden, eps=shape.layer_norm_eps)

    def forward(self, x: Tensor, residual: Tensor) -> Tensor:
        return self.LayerNorm(self.dense(x) + residual)


class Attention(nn.Module):
    def __init__(self, shape: BertShape) -> None:
        super().__init__()
        setattr(self, "self", SelfAttention(shape))  # Hugging Face's name: attention.self.query, …
        self.output = DenseNorm(shape.hidden, shape)

    def forward(self, x: Tensor, additive_mask: Tensor) -> Tensor:
        return self.output(getattr(self, "self")(x, additive_mask), x)


class Intermediate(nn.Module):
    def __init__(self, shape: BertShape) -> None:
        super().__init__()
        self.dense = nn.Linear(shape.hidden, shape.intermediate)

    def forward(self, x: Tensor) -> Tensor:
        # BERT's "gelu" is the erf form (a tanh approximation moves MiniLM's logits by ~4e-3).
        return nn.functional.gelu(self.dense(x))


class Layer(nn.Module):
    def __init__(self, shape: BertShape) -> None:
        super().__init__()
        self.attention = Attention(shape)
        self.intermediate = Intermediate(shape)
        self.output = DenseNorm(shape.intermediate, shape)

    def forward(self, x: Tensor, additive_mask: Tensor) -> Tensor:
        a = self.attention(x, additive_mask)
        return self.output(self.intermediate(a), a)


class Encoder(nn.Module):
    def __init__(self, shape: BertShape) -> None:
        super().__init__()
        self.layer = nn.ModuleList([Layer(shape) for _ in range(shape.layers)])

    def forward(self, x: Tensor, additive_mask: Tensor) -> Tensor:
        for layer in self.layer:
            x = layer(x, additive_mask)
        return x


class Bert(nn.Module):
    def __init__(self, shape: BertShape) -> None:
        super().__init__()
        self.embeddings = Embeddings(shape)
        self.encoder = Encoder(shape)


class BertQa(nn.Module):
    """forward(input_ids, attention_mask, token_type_ids) (int64 [b, s]) -> (start_logits, end_logits) (f32 [b, s])."""

    def __init__(self, shape: BertShape) -> None:
        super().__init__()
        self.bert = Bert(shape)
        self.qa_outputs = nn.Linear(shape.hidden, 2)
        self.mask_value = F32_MIN  # an attribute: TorchScript reads no module-level constants

    def forward(self, input_ids: Tensor, attention_mask: Tensor, token_type_ids: Tensor) -> tuple[Tensor, Tensor]:
        # Masked keys get the f32 minimum added, as Hugging Face's eager attention does.
        additive_mask = (1.0 - attention_mask[:, None, None, :].to(torch.float32)) * self.mask_value
        x = self.bert.encoder(self.bert.embeddings(input_ids, token_type_ids), additive_mask)
        logits = self.qa_outputs(x)
        return logits[..., 0], logits[..., 1]


def build(shape: BertShape, weights: dict[str, np.ndarray]) -> BertQa:
    """The model in eval mode holding exactly these weights (strict: every name present, none left over)."""
    model = BertQa(shape)
    model.load_state_dict({name: torch.from_numpy(array) for name, array in weights.items()}, strict=True)
    return model.eval()


def example(length: int, vocab: int) -> tuple[Tensor, Tensor, Tensor]:
    """A feature-like probe: [CLS] a few question ids [SEP] context ids [SEP], token types 0 then 1."""
    ids = (torch.arange(length, dtype=torch.int64) * 7919 + 1000) % vocab
    ids[0], ids[-1], ids[3] = 101, 102, 102
    types = (torch.arange(length) > 3).to(torch.int64)
    return ids[None], torch.ones(1, length, dtype=torch.int64), types[None]


def export_onnx(model: BertQa, shape: BertShape, path: Path) -> None:
    """torch.onnx.export's dynamo exporter at the GPT-2 export's opset, the sequence length symbolic (traced at
    11: torch.export specialises an example dimension of 0 or 1)."""
    seq = torch.export.Dim("sequence", min=2, max=shape.max_positions)
    dynamic = {name: {1: seq} for name in ("input_ids", "attention_mask", "token_type_ids")}
    with contextlib.redirect_stdout(sys.stderr), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*shares the same shape constraints", category=UserWarning)
        program = torch.onnx.export(model, example(11, shape.vocab), dynamo=True, opset_version=ONNX_OPSET,
                                    input_names=onnx_input_names(), output_names=ONNX_OUTPUTS,
                                    dynamic_shapes=dynamic, optimize=True, verify=False, report=False)
    assert program is not None
    strip_export_metadata(program.model)
    program.save(str(path), external_data=False)


def export_torchscript(model: BertQa, path: Path) -> None:
    """Scripted, not traced: a trace would freeze the sequence length into the position ids."""
    torch.jit.script(model).save(str(path))
