"""GPT-2 as an F32 GGUF file for llama.cpp, laid out as llama.cpp's convert_hf_to_gguf.py writes a Hugging Face
GPT-2 (architecture `gpt2`, class GPT2Model there): the same tensor names and metadata keys, so that llama.cpp
loads it as it loads a converted openai-community/gpt2.

The token list, types (<|endoftext|> a control token, every other normal) and merges come from OpenAI's
encoder.json and vocab.bpe, as the script takes them from the same files in Hugging Face's form. One addition:
`tokenizer.ggml.add_bos_token` and `add_eos_token` are written as false, so that llama.cpp's tokenizer adds nothing
to a prompt, as the other rows' tokenizers do not.

Checked with llama.cpp through llama-cpp-python 0.3.36: same prompt ids, and the same greedy tokens as Hugging
Face's model at both scales, provided the KV cache is F32 (type_k, type_v); with llama.cpp's default F16 cache the
full-scale seeded model's tokens part ways within 150 steps.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .gpt2 import END_OF_TEXT, Gpt2Shape, read_bpe_files

# Original GPT-2 names (per layer, after `h.N.`) -> llama.cpp's; Conv1D weights become [out, in].
LAYER_TENSORS = {
    "ln_1.weight": "attn_norm.weight", "ln_1.bias": "attn_norm.bias",
    "attn.c_attn.weight": "attn_qkv.weight", "attn.c_attn.bias": "attn_qkv.bias",
    "attn.c_proj.weight": "attn_output.weight", "attn.c_proj.bias": "attn_output.bias",
    "ln_2.weight": "ffn_norm.weight", "ln_2.bias": "ffn_norm.bias",
    "mlp.c_fc.weight": "ffn_up.weight", "mlp.c_fc.bias": "ffn_up.bias",
    "mlp.c_proj.weight": "ffn_down.weight", "mlp.c_proj.bias": "ffn_down.bias",
}
GLOBAL_TENSORS = {"wte.weight": "token_embd.weight", "wpe.weight": "position_embd.weight",
                  "ln_f.weight": "output_norm.weight", "ln_f.bias": "output_norm.bias"}
CONV1D_WEIGHTS = ("attn.c_attn.weight", "attn.c_proj.weight", "mlp.c_fc.weight", "mlp.c_proj.weight")


def gguf_tensors(weights: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """llama.cpp's name and numpy array for every tensor: Conv1D [in, out] transposed to ggml's [out, in]
    (numpy order; ggml lists the dimensions the other way round), and output.weight a copy of token_embd, as the
    conversion script writes it (older llama.cpp requires it; newer ones fall back to token_embd without it)."""
    tensors = {}
    for name, array in weights.items():
        if name in GLOBAL_TENSORS:
            tensors[GLOBAL_TENSORS[name]] = array
            if name == "wte.weight":
                tensors["output.weight"] = array
            continue
        _, layer, rest = name.split(".", 2)
        tensors[f"blk.{layer}.{LAYER_TENSORS[rest]}"] = (np.ascontiguousarray(array.T) if rest in CONV1D_WEIGHTS
                                                         else array)
    return tensors


def write_gguf(shape: Gpt2Shape, weights: dict[str, np.ndarray], encoder: Path, merges: Path, path: Path,
               name: str) -> None:
    import gguf

    tokens, merge_list = read_bpe_files(encoder, merges)
    token_types = [gguf.TokenType.CONTROL if i == END_OF_TEXT else gguf.TokenType.NORMAL for i in range(len(tokens))]
    writer = gguf.GGUFWriter(str(path), arch="gpt2")
    writer.add_type(gguf.GGUFType.MODEL)
    writer.add_name(name)
    writer.add_block_count(shape.layers)
    writer.add_context_length(shape.context)
    writer.add_embedding_length(shape.d_model)
    writer.add_feed_forward_length(shape.d_inner)
    writer.add_head_count(shape.heads)
    writer.add_layer_norm_eps(shape.layer_norm_epsilon)
    writer.add_file_type(gguf.LlamaFileType.ALL_F32)
    writer.add_quantization_version(gguf.GGML_QUANT_VERSION)
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("gpt-2")
    writer.add_token_list(tokens)
    writer.add_token_types(token_types)
    writer.add_token_merges(merge_list)
    writer.add_bos_token_id(END_OF_TEXT)
    writer.add_eos_token_id(END_OF_TEXT)
    writer.add_unk_token_id(END_OF_TEXT)
    writer.add_add_bos_token(False)
    writer.add_add_eos_token(False)
    for tensor_name, array in gguf_tensors(weights).items():
        writer.add_tensor(tensor_name, array)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def check_gguf(path: Path, shape: Gpt2Shape, weights: dict[str, np.ndarray]) -> None:
    """Reads the file back with gguf's own reader: architecture, block count and every tensor, bit for bit."""
    import gguf

    reader = gguf.GGUFReader(str(path))
    arch = reader.fields["general.architecture"]
    blocks = reader.fields["gpt2.block_count"]
    if arch.contents() != "gpt2" or blocks.contents() != shape.layers:
        raise RuntimeError(f"{path.name}: reads back as {arch.contents()} with {blocks.contents()} blocks")
    expected = gguf_tensors(weights)
    found = {t.name: t for t in reader.tensors}
    if set(found) != set(expected):
        raise RuntimeError(f"{path.name}: tensors differ: {sorted(set(found) ^ set(expected))}")
    for tensor_name, array in expected.items():
        data = np.asarray(found[tensor_name].data).reshape(array.shape)
        if data.dtype != np.float32 or not np.array_equal(data, array):
            raise RuntimeError(f"{path.name}: tensor {tensor_name} does not read back as written")
