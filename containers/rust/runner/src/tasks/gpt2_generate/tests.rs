//! The shared part of `gpt2-generate`: params and config checks, prompts,
//! tokenizer, argmax/top-2, and a whole run of the loop on a tiny model
//! written here (rust/candle, which needs no native library).

use std::collections::HashMap;
use std::path::PathBuf;

use candle_core::{Device, Tensor};
use ndarray::{Array1, Array2, Array3, Ix1, Ix2, Ix3};
use serde_json::{Value, json};

use super::*;
use crate::data::{read_npy, test_file};
use crate::protocol::test_spec;

/// A byte-level BPE of 7 tokens: "Hi Hi!" is [3, 5, 6].
const TOKENIZER: &str = r#"{"version": "1.0", "truncation": null, "padding": null, "added_tokens": [],
  "normalizer": null,
  "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true},
  "post_processor": null,
  "decoder": {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true},
  "model": {"type": "BPE", "dropout": null, "unk_token": null, "continuing_subword_prefix": "",
            "end_of_word_suffix": "", "fuse_unk": false, "byte_fallback": false, "ignore_merges": false,
            "vocab": {"H": 0, "i": 1, "Ġ": 2, "Hi": 3, "?": 4, "ĠHi": 5, "!": 6},
            "merges": ["H i", "Ġ Hi"]}}"#;

/// config.json of the tiny model: 1 block, 2 heads, width 4, 7 tokens, 16 positions.
fn config() -> Value {
    json!({ "model_type": "gpt2", "activation_function": "gelu_new", "n_layer": 1, "n_head": 2, "n_embd": 4,
            "n_inner": null, "vocab_size": 7, "n_positions": 16, "layer_norm_epsilon": 1e-5 })
}

fn params() -> Value {
    json!({ "prompt_count": 2, "new_tokens": 4, "layers": 1, "heads": 2, "d_model": 4, "vocab": 7, "context": 16,
            "checkpoint": "seeded" })
}

/// model.safetensors of the tiny model, with the `transformer.` prefix `GPT2LMHeadModel` saves.
fn weights() -> PathBuf {
    let mut seed = 7u32;
    let mut tensor = |shape: &[usize]| {
        let values: Vec<f32> = (0..shape.iter().product())
            .map(|_| {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                ((seed >> 16) % 1000) as f32 / 1000.0 - 0.5
            })
            .collect();
        Tensor::from_vec(values, shape, &Device::Cpu).unwrap()
    };
    let shapes: &[(&str, &[usize])] = &[
        ("wte.weight", &[7, 4]),
        ("wpe.weight", &[16, 4]),
        ("h.0.ln_1.weight", &[4]),
        ("h.0.ln_1.bias", &[4]),
        ("h.0.attn.c_attn.weight", &[4, 12]),
        ("h.0.attn.c_attn.bias", &[12]),
        ("h.0.attn.c_proj.weight", &[4, 4]),
        ("h.0.attn.c_proj.bias", &[4]),
        ("h.0.ln_2.weight", &[4]),
        ("h.0.ln_2.bias", &[4]),
        ("h.0.mlp.c_fc.weight", &[4, 16]),
        ("h.0.mlp.c_fc.bias", &[16]),
        ("h.0.mlp.c_proj.weight", &[16, 4]),
        ("h.0.mlp.c_proj.bias", &[4]),
        ("ln_f.weight", &[4]),
        ("ln_f.bias", &[4]),
    ];
    let tensors: HashMap<String, Tensor> =
        shapes.iter().map(|(name, shape)| (format!("transformer.{name}"), tensor(shape))).collect();
    let path = test_file("model.safetensors", b"");
    candle_core::safetensors::save(&tensors, &path).unwrap();
    path
}

/// A spec of `impl` on the tiny model's files, with `changes` to its top-level fields.
fn spec(implementation: &str, changes: Value) -> Spec {
    let inputs = json!({
        "config": { "path": test_file("config.json", config().to_string().as_bytes()), "kind": "json" },
        "weights": { "path": weights(), "kind": "safetensors" },
        "onnx": { "path": "/nonexistent/model.onnx", "kind": "onnx" },
        "tokenizer": { "path": test_file("tokenizer.json", TOKENIZER.as_bytes()), "kind": "json" },
        "prompts": { "path": test_file("prompts.txt", b"Hi Hi!\nHi\nnot used\n"), "kind": "text" }
    });
    let mut fields = json!({
        "task": "gpt2-generate", "impl": implementation, "dtype": "f32", "warmup": 1, "repetitions": 2,
        // candle's matmul split (RAYON_NUM_THREADS or the cores) must equal threads.
        "threads": candle_core::utils::get_num_threads(),
        "phases": ["load", "prefill", "decode"], "params": params(), "inputs": inputs,
        "outputs": ["prompt_ids", "prompt_lengths", "first_logits", "generated_ids", "step_top2", "decode_step_ns"]
    });
    for (key, value) in changes.as_object().unwrap() {
        fields[key] = value.clone();
    }
    test_spec(fields).unwrap()
}

fn error(spec: &Spec) -> String {
    format!("{:#}", rust_candle(spec).err().expect("the spec is rejected"))
}

#[test]
fn top2_takes_the_lowest_id_among_ties() {
    assert_eq!(top2(&[0.5, 2.0, -1.0, 1.5]), Top2 { id: 1, first: 2.0, second: 1.5 });
    assert_eq!(top2(&[1.0, 3.0, 3.0, 2.0]), Top2 { id: 1, first: 3.0, second: 3.0 });
    assert_eq!(top2(&[4.0, 1.0, 4.0]), Top2 { id: 0, first: 4.0, second: 4.0 });
    assert_eq!(top2(&[-3.0, -2.0]), Top2 { id: 1, first: -2.0, second: -3.0 });
    assert_eq!(top2(&[f32::NAN, 1.0, f32::NAN, 0.0]), Top2 { id: 1, first: 1.0, second: 0.0 });
}

#[test]
fn params_are_checked() {
    let with = |name: &str, value: Value| {
        let mut p = params();
        p[name] = value;
        spec("rust/candle", json!({ "params": p }))
    };
    assert_eq!(
        error(&with("temperature", json!(0.7))),
        "spec params: unknown temperature (gpt2-generate takes prompt_count, new_tokens, layers, heads, d_model, \
         vocab, context, checkpoint)"
    );
    assert_eq!(error(&with("heads", json!(3))), "spec params: d_model = 4 is not a multiple of heads = 3");
    assert_eq!(error(&with("new_tokens", json!(1))), "spec params.new_tokens: expected at least 2, got 1");
    assert_eq!(
        error(&with("checkpoint", json!("gpt2-xl"))),
        "spec params.checkpoint: expected one of seeded, real, got 'gpt2-xl'"
    );
    assert_eq!(error(&with("vocab", json!(0))), "spec params.vocab: expected a positive integer, got 0");
    assert_eq!(
        error(&spec("rust/candle", json!({ "dtype": "f64" }))),
        "rust/candle computes gpt2-generate in f32 only, the spec asks for dtype 'f64'"
    );
}

#[test]
fn params_must_describe_the_model_of_config_json() {
    let mut p = params();
    p["layers"] = json!(12);
    assert_eq!(
        error(&spec("rust/candle", json!({ "params": p }))),
        "config.json: n_layer is 1, but params.layers is 12"
    );
    p = params();
    p["context"] = json!(1024);
    assert_eq!(
        error(&spec("rust/candle", json!({ "params": p }))),
        "config.json: n_positions is 16, but params.context is 1024"
    );
}

#[test]
fn config_json_is_read_strictly() {
    let parse = |changes: Value| {
        let mut c = config();
        for (key, value) in changes.as_object().unwrap() {
            c[key] = value.clone();
        }
        Config::parse(&c.to_string(), "config.json")
    };
    let config = parse(json!({})).unwrap();
    assert_eq!((config.d_inner, config.layer_norm_epsilon), (16, 1e-5));
    assert_eq!(parse(json!({ "n_inner": 6 })).unwrap().d_inner, 6);
    let err = |changes| parse(changes).unwrap_err().to_string();
    assert_eq!(
        err(json!({ "activation_function": "gelu" })),
        "config.json: activation_function is Some(\"gelu\"), every row implements 'gelu_new'"
    );
    assert_eq!(err(json!({ "model_type": "llama" })), "config.json: model_type is 'llama', not 'gpt2'");
    assert_eq!(err(json!({ "n_head": "two" })), "config.json: 'n_head' is not a positive integer: \"two\"");
    assert_eq!(
        err(json!({ "layer_norm_epsilon": 0 })),
        "config.json: 'layer_norm_epsilon' is not a positive number"
    );
    assert_eq!(Config::parse("{", "config.json").unwrap_err().to_string(), "config.json: not JSON");
}

#[test]
fn inputs_are_checked_before_anything_runs() {
    let mut s = spec("rust/candle", json!({}));
    s.inputs
        .0
        .push(("images".into(), serde_json::from_value(json!({ "path": "/x", "kind": "npy" })).unwrap()));
    assert_eq!(
        error(&s),
        "spec inputs: unknown images (gpt2-generate takes config, weights, onnx, torchscript, gguf, tokenizer, \
         encoder, merges, prompts)"
    );
    let mut s = spec("rust/candle", json!({}));
    s.inputs.0.retain(|(role, _)| role != "weights");
    assert_eq!(error(&s), "spec inputs: missing input 'weights' (kind safetensors)");
    let mut s = spec("rust/candle", json!({}));
    s.inputs.0.iter_mut().find(|(role, _)| role == "tokenizer").unwrap().1.kind = "tokenizer".into();
    assert_eq!(error(&s), "spec inputs.tokenizer: kind is 'tokenizer', expected 'json'");
}

#[test]
fn the_tokenizer_is_the_byte_level_bpe_of_tokenizer_json() {
    let tokenizer = Tokenizer::read(&test_file("tokenizer.json", TOKENIZER.as_bytes())).unwrap();
    assert_eq!(tokenizer.encode("Hi Hi!").unwrap(), [3, 5, 6]);
    assert_eq!(tokenizer.encode("Hi").unwrap(), [3]);
    let err = Tokenizer::read(&test_file("tokenizer.json", b"{\"model\": 1}")).err().unwrap().to_string();
    assert!(err.starts_with("tokenizer.json: not a tokenizer.json the tokenizers crate reads: "), "{err}");
}

#[test]
fn prompts_are_the_first_lines() {
    let path = test_file("prompts.txt", b"one\r\ntwo\nthree\n");
    assert_eq!(read_prompts(&path, 2).unwrap(), ["one", "two"]);
    assert_eq!(read_prompts(&path, 3).unwrap(), ["one", "two", "three"]);
    assert_eq!(
        read_prompts(&path, 4).unwrap_err().to_string(),
        "prompts.txt: 3 lines, fewer than params.prompt_count = 4"
    );
    let blank = test_file("prompts.txt", b"one\n \nthree\n");
    assert_eq!(read_prompts(&blank, 3).unwrap_err().to_string(), "prompts.txt line 2: empty prompt");
    let p: Params = Params::from_spec(&spec("rust/candle", json!({}))).unwrap();
    assert_eq!(
        check_prompts(&[vec![1], vec![]], &p, "p.txt").unwrap_err().to_string(),
        "p.txt line 2: the prompt has no tokens"
    );
    assert_eq!(
        check_prompts(&[vec![7]], &p, "p.txt").unwrap_err().to_string(),
        "p.txt line 1: token id 7 is outside the vocabulary of 7"
    );
    assert_eq!(
        check_prompts(&[vec![1; 14]], &p, "p.txt").unwrap_err().to_string(),
        "p.txt line 1: 14 tokens and 4 new tokens exceed the context of 16"
    );
}

#[test]
fn a_model_file_of_another_shape_is_rejected() {
    let shape = Shape { layers: 2, heads: 2, d_model: 4, vocab: 7 };
    let p = Params::from_spec(&spec("rust/candle", json!({}))).unwrap();
    assert_eq!(
        shape.check(&p, "model.onnx").unwrap_err().to_string(),
        "model.onnx: the model has 2 layers, 2 heads, d_model 4, vocab 7; the spec's params say 1 layers, 2 heads, \
         d_model 4, vocab 7"
    );
}

#[test]
fn ort_needs_its_library() {
    // The variable is process-wide: only its absence is tested here (tests/cli.rs sets it per process).
    if std::env::var_os(ort_row::DYLIB_ENV).is_none() {
        let err = format!("{:#}", rust_ort(&spec("rust/ort", json!({}))).err().unwrap());
        assert!(err.starts_with("rust/ort loads ONNX Runtime at run time: set ORT_DYLIB_PATH"), "{err}");
    }
}

#[test]
fn generates_greedily_through_the_core() {
    let mut spec = spec("rust/candle", json!({}));
    crate::runner::verify(
        &mut spec,
        &[
            ("load", &["prompt_ids", "prompt_lengths"]),
            ("prefill", &["first_logits"]),
            ("decode", &["generated_ids", "step_top2"]),
        ],
    );
    let out = std::env::temp_dir().join(format!("equibench-gpt2-test-{}", std::process::id()));
    std::fs::create_dir_all(&out).unwrap();
    let result = crate::runner::run(&spec, &out, rust_candle).unwrap();
    assert_eq!(crate::runner::assert_digests_of_written_outputs(&spec, &result, &out), 3);
    let result = serde_json::to_value(result).unwrap();

    let ids: Array1<i64> = read_npy::<i64, Ix1>(&out.join("prompt_ids.npy")).unwrap();
    assert_eq!(ids, ndarray::array![3, 5, 6, 3]);
    let lengths: Array1<i64> = read_npy::<i64, Ix1>(&out.join("prompt_lengths.npy")).unwrap();
    assert_eq!(lengths, ndarray::array![3, 1]);
    let first: Array2<f32> = read_npy::<f32, Ix2>(&out.join("first_logits.npy")).unwrap();
    let generated: Array2<i64> = read_npy::<i64, Ix2>(&out.join("generated_ids.npy")).unwrap();
    let top: Array3<f32> = read_npy::<f32, Ix3>(&out.join("step_top2.npy")).unwrap();
    let step_ns: Array2<i64> = read_npy::<i64, Ix2>(&out.join("decode_step_ns.npy")).unwrap();
    assert_eq!((first.dim(), generated.dim(), top.dim(), step_ns.dim()), ((2, 7), (2, 4), (2, 4, 2), (2, 3)));
    for p in 0..2 {
        let best = top2(first.row(p).as_slice().unwrap());
        assert_eq!(
            (generated[[p, 0]], top[[p, 0, 0]], top[[p, 0, 1]]),
            (best.id as i64, best.first, best.second)
        );
        assert!(generated.row(p).iter().all(|&id| (0..7).contains(&id)));
        assert!(top.slice(ndarray::s![p, .., ..]).rows().into_iter().all(|r| r[0] >= r[1]));
    }
    assert!(step_ns.iter().all(|&ns| ns > 0));

    // Generation is deterministic: the prompt "Hi Hi!" extended by its own tokens prefills to the same choices.
    let mut engine = CandleEngine::load(&(), &Setup::from_spec(&spec, "weights").unwrap(), &[]).unwrap();
    let mut sequence = vec![3, 5, 6];
    sequence.extend(generated.row(0).iter().take(3));
    let mut logits = vec![0.0; 7];
    engine.prefill(0, &sequence, &mut logits).unwrap();
    assert_eq!(top2(&logits).id as i64, generated[[0, 3]]);

    assert_eq!(result["phases"]["prefill"]["ops_per_sample"], 2);
    assert_eq!(result["phases"]["decode"]["ops_per_sample"], 6);
    let manifest = &result["runtime"]["manifest"];
    for (key, value) in [
        ("dtype", json!("f32")),
        ("framework", json!("candle-core")),
        ("hp.new_tokens", json!(4)),
        ("hp.prompt_count", json!(2)),
        ("hp.decoding", json!("greedy")),
        ("hp.kv_cache", json!(true)),
        ("hp.model_format", json!("safetensors")),
        ("hp.layers", json!(1)),
        ("hp.heads", json!(2)),
        ("hp.d_model", json!(4)),
        ("hp.vocab", json!(7)),
    ] {
        assert_eq!(manifest[key], value, "{key}");
    }
    for role in ["config", "weights", "tokenizer", "prompts"] {
        assert!(manifest[format!("input.{role}.sha256")].is_string(), "{role}");
    }
    assert!(manifest.get("input.onnx.sha256").is_none());
    let notes = result["notes"].as_array().unwrap();
    assert!(notes.contains(&json!("inputs this engine does not read: onnx")), "{notes:?}");
}

#[test]
fn finds_the_libraries_the_process_mapped() {
    let libc = loaded_library("libc.so").expect("every Rust binary on Linux maps libc");
    assert!(
        libc.is_absolute() && libc.file_name().unwrap().to_str().unwrap().starts_with("libc.so"),
        "{libc:?}"
    );
    assert_eq!(loaded_library("libnothing-of-the-kind"), None);
}
