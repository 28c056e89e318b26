//! The shared part of `bert-qa`: params and config checks, the SQuAD reader,
//! the tokenizer's code-point offsets, the windows, the features, the span
//! choice, and a whole run through the core on a tiny BERT written here
//! (rust/candle, which needs no native library).

// Windows are ranges: a list of one window is what is meant.
#![allow(clippy::single_range_in_vec_init)]

use std::collections::HashMap;
use std::path::PathBuf;

use candle_core::{Device, Tensor};
use ndarray::{Array1, Array2, Ix1, Ix2};
use serde_json::{Value, json};

use super::*;
use crate::data::{read_npy, test_file};
use crate::protocol::test_spec;

/// Words of the tiny vocabulary, after BERT's 104 first entries ([PAD], [unused…], [UNK], [CLS], [SEP], [MASK]).
const WORDS: &[&str] = &[
    "what", "is", "the", "capital", "of", "france", "paris", "?", ".", ",", "zurich", "a", "city", "cafe",
    "au", "lait", "!", "東", "京", "naive", "where", "##s", "river", "flows", "through", "it",
];

fn vocab_size() -> usize {
    104 + WORDS.len()
}

/// tokenizer.json of BERT's uncased WordPiece over the tiny vocabulary, as the harness writes it.
fn tokenizer_json() -> String {
    let mut vocab = serde_json::Map::new();
    for id in 0..104 {
        let token = match id {
            0 => "[PAD]".to_string(),
            100 => "[UNK]".to_string(),
            101 => "[CLS]".to_string(),
            102 => "[SEP]".to_string(),
            103 => "[MASK]".to_string(),
            _ => format!("[unused{id}]"),
        };
        vocab.insert(token, json!(id));
    }
    for (i, word) in WORDS.iter().enumerate() {
        vocab.insert(word.to_string(), json!(104 + i));
    }
    json!({
        "version": "1.0", "truncation": null, "padding": null, "added_tokens": [],
        "normalizer": { "type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true,
                        "strip_accents": null, "lowercase": true },
        "pre_tokenizer": { "type": "BertPreTokenizer" },
        "post_processor": null,
        "decoder": { "type": "WordPiece", "prefix": "##", "cleanup": true },
        "model": { "type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                   "max_input_chars_per_word": 100, "vocab": vocab }
    })
    .to_string()
}

fn tokenizer() -> Tokenizer {
    Tokenizer::read(&test_file("tokenizer.json", tokenizer_json().as_bytes())).unwrap()
}

fn id(word: &str) -> i64 {
    104 + WORDS.iter().position(|w| *w == word).unwrap() as i64
}

/// config.json of the tiny model: 1 layer, 2 heads, hidden 4, intermediate 8, 64 positions.
fn config() -> Value {
    json!({ "architectures": ["BertForQuestionAnswering"], "model_type": "bert", "hidden_act": "gelu",
            "num_hidden_layers": 1, "num_attention_heads": 2, "hidden_size": 4, "intermediate_size": 8,
            "vocab_size": vocab_size(), "max_position_embeddings": 64, "type_vocab_size": 2,
            "layer_norm_eps": 1e-12, "pad_token_id": 0, "position_embedding_type": "absolute" })
}

fn params() -> Value {
    json!({ "question_count": 4, "max_length": 16, "doc_stride": 3, "max_query_length": 4,
            "max_answer_tokens": 3, "layers": 1, "heads": 2, "hidden": 4, "intermediate": 8,
            "vocab": vocab_size(), "max_positions": 64, "checkpoint": "seeded" })
}

/// Params for the windows and spans alone.
fn small_params(max_length: usize, max_query_length: usize, doc_stride: usize) -> Params {
    Params {
        question_count: 1,
        max_length,
        doc_stride,
        max_query_length,
        max_answer_tokens: 30,
        layers: 1,
        heads: 1,
        hidden: 4,
        intermediate: 8,
        vocab: 10,
        max_positions: 512,
        checkpoint: "seeded",
    }
}

/// model.safetensors of the tiny model, with BertForQuestionAnswering's names.
fn weights() -> PathBuf {
    let mut seed = 11u32;
    let mut tensor = |shape: &[usize]| {
        let values: Vec<f32> = (0..shape.iter().product())
            .map(|_| {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                ((seed >> 16) % 1000) as f32 / 500.0 - 1.0
            })
            .collect();
        Tensor::from_vec(values, shape, &Device::Cpu).unwrap()
    };
    let (v, h, i) = (vocab_size(), 4, 8);
    let layer = "bert.encoder.layer.0";
    let shapes: Vec<(String, Vec<usize>)> = vec![
        ("bert.embeddings.word_embeddings.weight".into(), vec![v, h]),
        ("bert.embeddings.position_embeddings.weight".into(), vec![64, h]),
        ("bert.embeddings.token_type_embeddings.weight".into(), vec![2, h]),
        ("bert.embeddings.LayerNorm.weight".into(), vec![h]),
        ("bert.embeddings.LayerNorm.bias".into(), vec![h]),
        (format!("{layer}.attention.self.query.weight"), vec![h, h]),
        (format!("{layer}.attention.self.query.bias"), vec![h]),
        (format!("{layer}.attention.self.key.weight"), vec![h, h]),
        (format!("{layer}.attention.self.key.bias"), vec![h]),
        (format!("{layer}.attention.self.value.weight"), vec![h, h]),
        (format!("{layer}.attention.self.value.bias"), vec![h]),
        (format!("{layer}.attention.output.dense.weight"), vec![h, h]),
        (format!("{layer}.attention.output.dense.bias"), vec![h]),
        (format!("{layer}.attention.output.LayerNorm.weight"), vec![h]),
        (format!("{layer}.attention.output.LayerNorm.bias"), vec![h]),
        (format!("{layer}.intermediate.dense.weight"), vec![i, h]),
        (format!("{layer}.intermediate.dense.bias"), vec![i]),
        (format!("{layer}.output.dense.weight"), vec![h, i]),
        (format!("{layer}.output.dense.bias"), vec![h]),
        (format!("{layer}.output.LayerNorm.weight"), vec![h]),
        (format!("{layer}.output.LayerNorm.bias"), vec![h]),
        ("qa_outputs.weight".into(), vec![2, h]),
        ("qa_outputs.bias".into(), vec![2]),
    ];
    let tensors: HashMap<String, Tensor> =
        shapes.iter().map(|(name, shape)| (name.clone(), tensor(shape))).collect();
    let path = test_file("model.safetensors", b"");
    candle_core::safetensors::save(&tensors, &path).unwrap();
    path
}

const LONG_CONTEXT: &str = "Zürich is a city. Paris is the capital of France, café au lait! The river flows through \
                            it. 東京 is a city, naïve Paris.";

/// Four questions: a long question, one on a long (several windows) context, one on an empty context, one more.
fn squad() -> Value {
    json!({ "version": "v2.0", "data": [
        { "title": "one", "paragraphs": [
            { "context": LONG_CONTEXT, "qas": [
                { "id": "q0", "question": "What is the capital of France, what is the capital of Zürich?",
                  "answers": [], "is_impossible": false },
                { "id": "q1", "question": "Where?", "answers": [{ "text": "Paris", "answer_start": 18 }],
                  "is_impossible": false } ] },
            { "context": "", "qas": [ { "id": "q2", "question": "What river?", "answers": [],
                                         "is_impossible": true } ] } ] },
        { "title": "two", "paragraphs": [
            { "context": "Paris is a city.", "qas": [ { "id": "q3", "question": "what is paris", "answers": [],
                                                        "is_impossible": false },
                                                      { "id": "q4", "question": "not used" } ] },
            { "context": 12 } ] } ] })
}

/// A spec of `impl` on the tiny model's files, with `changes` to its top-level fields.
fn spec(implementation: &str, changes: Value) -> Spec {
    let inputs = json!({
        "config": { "path": test_file("config.json", config().to_string().as_bytes()), "kind": "json" },
        "weights": { "path": weights(), "kind": "safetensors" },
        "onnx": { "path": "/nonexistent/model.onnx", "kind": "onnx" },
        "tokenizer": { "path": test_file("tokenizer.json", tokenizer_json().as_bytes()), "kind": "json" },
        "vocab": { "path": "/nonexistent/vocab.txt", "kind": "text" },
        "squad": { "path": test_file("squad.json", squad().to_string().as_bytes()), "kind": "json" }
    });
    let mut fields = json!({
        "task": "bert-qa", "impl": implementation, "dtype": "f32", "warmup": 1, "repetitions": 2,
        // candle's matmul split (RAYON_NUM_THREADS or the cores) must equal threads.
        "threads": candle_core::utils::get_num_threads(),
        "phases": ["load", "answer"], "params": params(), "inputs": inputs,
        "outputs": OUTPUTS
    });
    for (key, value) in changes.as_object().unwrap() {
        fields[key] = value.clone();
    }
    test_spec(fields).unwrap()
}

fn error(spec: &Spec) -> String {
    format!("{:#}", rust_candle(spec).err().expect("the spec is rejected"))
}

// --- windows and features ---------------------------------------------------------------------

#[test]
fn a_long_context_gives_overlapping_windows() {
    // room = 20 − 5 − 3 = 12 context tokens a window; each next window starts 12 − 4 = 8 later.
    let p = small_params(20, 5, 4);
    assert_eq!(windows(30, 5, &p), [0..12, 8..20, 16..28, 24..30]);
    for pair in windows(30, 5, &p).windows(2) {
        assert_eq!(pair[0].end - pair[1].start, 4, "consecutive windows overlap by doc_stride");
    }
    // A shorter question leaves more room.
    assert_eq!(windows(30, 1, &p), [0..16, 12..28, 24..30]);
    // Exactly one window's worth, and one more token.
    assert_eq!(windows(12, 5, &p), [0..12]);
    assert_eq!(windows(13, 5, &p), [0..12, 8..13]);
    assert_eq!(windows(3, 5, &p), [0..3]);
}

#[test]
fn an_empty_context_gives_one_window_without_context_tokens() {
    let p = small_params(20, 5, 4);
    assert_eq!(windows(0, 2, &p), [0..0]);
    let features = features(&[7, 8], &Tokens::default(), &p);
    assert_eq!(features.len(), 1);
    let f = &features[0];
    assert_eq!(f.input_ids, [CLS, 7, 8, SEP, SEP]);
    assert_eq!(f.token_type_ids, [0, 0, 0, 0, 1]);
    assert_eq!(f.context, 4..4);
    let logits = [9.0f32; 5];
    assert_eq!(best_span([(f.context.clone(), &logits[..], &logits[..])], 30), None);
}

#[test]
fn features_are_cls_question_sep_window_sep() {
    let p = small_params(12, 3, 2);
    // room = 12 − 2 − 3 = 7: windows 0..7, 5..9.
    let context = Tokens { ids: (20..29).collect(), offsets: (0..9).map(|i| (2 * i, 2 * i + 1)).collect() };
    let features = features(&[5, 6], &context, &p);
    assert_eq!(features.len(), 2);
    let second = &features[1];
    assert_eq!(second.input_ids, [CLS, 5, 6, SEP, 25, 26, 27, 28, SEP]);
    assert_eq!(second.token_type_ids, [0, 0, 0, 0, 1, 1, 1, 1, 1]);
    assert_eq!(second.attention_mask, [1; 9]);
    assert_eq!(second.context, 4..8);
    assert_eq!(
        second.offsets,
        [(-1, -1), (-1, -1), (-1, -1), (-1, -1), (10, 11), (12, 13), (14, 15), (16, 17), (-1, -1)]
    );
    assert_eq!(features[0].input_ids.len(), 12, "a full window fills max_length");
}

// --- span choice ------------------------------------------------------------------------------

#[test]
fn the_best_span_is_the_largest_sum_with_end_not_before_start() {
    // Context positions 1..5. The largest end logit (position 1) is before the best start (3).
    // (3, 1) would score 5 + 9 = 14; the best allowed pair is (3, 4): 5 + 3 = 8, before (2, 4): 1 + 3 = 4.
    let start = [50.0f32, -10.0, 1.0, 5.0, 0.0, 50.0];
    let end = [50.0f32, 9.0, 0.0, 2.0, 3.0, 50.0];
    let span = best_span([(1..5, &start[..], &end[..])], 30).unwrap();
    assert_eq!((span.feature, span.start, span.end, span.score), (0, 3, 4, 8.0));
    assert_eq!(span.runner_up, 7.0, "(3, 3): 5 + 2");
}

#[test]
fn spans_stay_inside_the_context_of_their_feature() {
    // [CLS], the question and the last [SEP] (positions 0, 1, 5) have the largest logits: never chosen.
    let start = [50.0f32, 40.0, 1.0, 2.0, 0.5, 60.0];
    let end = [50.0f32, 40.0, 0.0, 0.0, 1.5, 60.0];
    let span = best_span([(2..5, &start[..], &end[..])], 30).unwrap();
    assert_eq!((span.start, span.end, span.score), (3, 4, 3.5));
    assert!(span.runner_up < span.score);
}

#[test]
fn max_answer_tokens_bounds_the_span_length() {
    let start = [0.0f32, 10.0, 0.0, 0.0, 0.0, 0.0];
    let end = [0.0f32, 0.0, 0.0, 1.0, 0.0, 10.0];
    let span = |max| {
        let s = best_span([(1..6, &start[..], &end[..])], max).unwrap();
        (s.start, s.end)
    };
    assert_eq!(span(5), (1, 5));
    assert_eq!(span(4), (1, 3));
    assert_eq!(span(1), (1, 1));
}

#[test]
fn ties_go_to_the_first_pair_in_feature_then_start_then_end_order() {
    let flat = [1.0f32; 4];
    let s = best_span([(0..4, &flat[..], &flat[..])], 30).unwrap();
    assert_eq!((s.feature, s.start, s.end, s.score, s.runner_up), (0, 0, 0, 2.0, 2.0));
    // The same best score in a later feature does not replace the first; a larger one does.
    let first = [0.0f32, 3.0, 0.0];
    let second = [0.0f32, 0.0, 3.0];
    let s = best_span([(1..3, &first[..], &first[..]), (1..3, &second[..], &second[..])], 30).unwrap();
    assert_eq!((s.feature, s.start, s.end), (0, 1, 1));
    let larger = [0.0f32, 0.0, 3.5];
    let s = best_span([(1..3, &first[..], &first[..]), (1..3, &larger[..], &larger[..])], 30).unwrap();
    assert_eq!((s.feature, s.start, s.end), (1, 2, 2));
    // A feature without context tokens is skipped, and the indices still count it.
    let s = best_span([(1..1, &first[..], &first[..]), (1..3, &second[..], &second[..])], 30).unwrap();
    assert_eq!((s.feature, s.start, s.end), (1, 2, 2));
}

#[test]
fn scores_are_summed_in_f64() {
    // In f32, 1e8 + 1 == 1e8 + 0: both pairs would tie and the first would win.
    let start = [1e8f32, 0.0];
    let end = [0.0f32, 1.0];
    let s = best_span([(0..2, &start[..], &end[..])], 30).unwrap();
    assert_eq!((s.start, s.end), (0, 1));
    assert_eq!(s.score - s.runner_up, 1.0);
}

// --- tokenizer --------------------------------------------------------------------------------

#[test]
fn byte_offsets_become_code_point_offsets() {
    // "Zü" is 3 bytes, 2 code points; "東" 3 bytes, 1 code point; "😀" 4 bytes, 1 code point (2 in UTF-16).
    let text = "Zü 東😀x";
    assert_eq!(
        char_offsets(text, &[(0, 3), (4, 7), (7, 11), (11, 12)]).unwrap(),
        [(0, 2), (3, 4), (4, 5), (5, 6)]
    );
    assert_eq!(char_offsets("ascii", &[(1, 3)]).unwrap(), [(1, 3)]);
    assert_eq!(
        char_offsets(text, &[(0, 2)]).unwrap_err().to_string(),
        "byte offset 2 is not on a character boundary of a 12-byte text"
    );
}

#[test]
fn the_tokenizer_gives_code_point_offsets_into_the_original_text() {
    let tokenizer = tokenizer();
    let text = "Zürich café, 東京 naïve";
    let tokens = tokenizer.encode(text).unwrap();
    assert_eq!(tokens.ids, [id("zurich"), id("cafe"), id(","), id("東"), id("京"), id("naive")]);
    assert_eq!(tokens.offsets, [(0, 6), (7, 11), (11, 12), (13, 14), (14, 15), (16, 21)]);
    let chars: Vec<char> = text.chars().collect();
    let piece = |(s, e): (usize, usize)| chars[s..e].iter().collect::<String>();
    assert_eq!(piece(tokens.offsets[1]), "café");
    assert_eq!(piece(tokens.offsets[5]), "naïve");
    // Unknown words are [UNK], no special tokens are added, and sub-words split.
    assert_eq!(tokenizer.encode_ids("Paris xyz rivers").unwrap(), [id("paris"), 100, id("river"), id("##s")]);
    assert_eq!(tokenizer.encode("").unwrap(), Tokens::default());
}

#[test]
fn the_vocabulary_must_be_the_models() {
    let tokenizer = tokenizer();
    let mut config = Config::parse(&config().to_string(), "config.json").unwrap();
    tokenizer.check_vocab(&config, "config.json").unwrap();
    config.vocab = 30522;
    assert_eq!(
        tokenizer.check_vocab(&config, "config.json").unwrap_err().to_string(),
        format!("tokenizer.json: {} tokens, config.json says vocab_size 30522", vocab_size())
    );
    let shifted = tokenizer_json()
        .replace("\"[CLS]\":101", "\"[CLS]\":1")
        .replace("\"[unused1]\":1", "\"[unused1]\":101");
    let shifted = Tokenizer::read(&test_file("tokenizer.json", shifted.as_bytes())).unwrap();
    config.vocab = vocab_size();
    assert_eq!(
        shifted.check_vocab(&config, "config.json").unwrap_err().to_string(),
        "tokenizer.json: [CLS] is id 1, expected id 101"
    );
}

// --- SQuAD ------------------------------------------------------------------------------------

#[test]
fn squad_gives_the_first_questions_in_document_order() {
    let parsed = Squad::parse(&squad().to_string(), 4, "squad.json").unwrap();
    let paths: Vec<&str> = parsed.questions.iter().map(|q| q.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "data[0].paragraphs[0].qas[0]",
            "data[0].paragraphs[0].qas[1]",
            "data[0].paragraphs[1].qas[0]",
            "data[1].paragraphs[0].qas[0]"
        ]
    );
    assert_eq!(parsed.context(&parsed.questions[1]), LONG_CONTEXT);
    assert_eq!(parsed.context(&parsed.questions[2]), "");
    assert_eq!(parsed.questions[3].question, "what is paris");
    // Entries after the last question used are not read (data[1].paragraphs[1] has no valid context).
    assert_eq!(parsed.contexts.len(), 3);
    assert_eq!(
        Squad::parse(&squad().to_string(), 6, "squad.json").unwrap_err().to_string(),
        "squad.json: data[1].paragraphs[1].context: expected a string, found a number"
    );
}

#[test]
fn squad_errors_name_the_json_path() {
    let err =
        |value: Value, count| Squad::parse(&value.to_string(), count, "squad.json").unwrap_err().to_string();
    let mut s = squad();
    s["data"][0]["paragraphs"][0]["qas"][1].as_object_mut().unwrap().remove("question");
    assert_eq!(err(s, 4), "squad.json: data[0].paragraphs[0].qas[1]: field \"question\" is missing");
    let mut s = squad();
    s["data"][0]["paragraphs"][1]["qas"] = json!({});
    assert_eq!(err(s, 4), "squad.json: data[0].paragraphs[1].qas: expected an array, found an object");
    assert_eq!(err(json!({ "version": "v2.0" }), 1), "squad.json: field \"data\" is missing");
    assert_eq!(err(json!([1]), 1), "squad.json: the document is an array, not an object");
    assert_eq!(err(json!({ "data": [3] }), 1), "squad.json: data[0] is a number, not an object");
    assert_eq!(
        err(squad(), 7),
        "squad.json: data[1].paragraphs[1].context: expected a string, found a number"
    );
    let mut s = squad();
    s["data"][0]["paragraphs"][0]["qas"][0]["question"] = json!(" \n");
    assert_eq!(err(s, 4), "squad.json: data[0].paragraphs[0].qas[0]: the question is empty");
    let mut s = squad();
    s["data"][0]["paragraphs"][1]["qas"][0].as_object_mut().unwrap().remove("id");
    assert_eq!(err(s, 4), "squad.json: data[0].paragraphs[1].qas[0]: field \"id\" is missing");
    let mut s = squad();
    s["data"][0]["paragraphs"][1]["qas"][0]["id"] = json!(1.5);
    assert_eq!(
        err(s, 4),
        "squad.json: data[0].paragraphs[1].qas[0].id: expected a string or an integer, found a number"
    );
    let mut s = squad();
    s["data"][0]["paragraphs"][1]["qas"][0]["id"] = json!(7);
    assert!(Squad::parse(&s.to_string(), 4, "squad.json").is_ok());
    let mut s = squad();
    s["data"][1]["paragraphs"].as_array_mut().unwrap().pop();
    assert_eq!(err(s, 6), "squad.json: 5 questions, fewer than params.question_count = 6");
    assert!(Squad::parse("{", 1, "squad.json").unwrap_err().to_string().starts_with("squad.json: not JSON"),);
}

// --- params and config ------------------------------------------------------------------------

#[test]
fn params_are_checked() {
    let with = |name: &str, value: Value| {
        let mut p = params();
        p[name] = value;
        spec("rust/candle", json!({ "params": p }))
    };
    assert_eq!(
        error(&with("stride", json!(1))),
        "spec params: unknown stride (bert-qa takes question_count, max_length, doc_stride, max_query_length, \
         max_answer_tokens, layers, heads, hidden, intermediate, vocab, max_positions, checkpoint)"
    );
    assert_eq!(error(&with("heads", json!(3))), "spec params: hidden = 4 is not a multiple of heads = 3");
    assert_eq!(
        error(&with("max_length", json!(65))),
        "spec params: max_length = 65 exceeds max_positions = 64"
    );
    assert_eq!(
        error(&with("doc_stride", json!(9))),
        "spec params: max_length = 16 leaves no room for a window after a question of max_query_length = 4 \
         tokens, [CLS], 2 × [SEP] and doc_stride = 9 overlapping tokens"
    );
    assert_eq!(
        error(&with("checkpoint", json!("bert-large"))),
        "spec params.checkpoint: expected one of seeded, real-encoder, real, got 'bert-large'"
    );
    assert_eq!(
        error(&spec("rust/candle", json!({ "dtype": "f64" }))),
        "rust/candle computes bert-qa in f32 only, the spec asks for dtype 'f64'"
    );
}

#[test]
fn params_must_describe_the_model_of_config_json() {
    for (param, value, message) in [
        ("layers", 6, "config.json: num_hidden_layers is 1, but params.layers is 6"),
        ("intermediate", 16, "config.json: intermediate_size is 8, but params.intermediate is 16"),
        ("max_positions", 512, "config.json: max_position_embeddings is 64, but params.max_positions is 512"),
        ("vocab", 30522, "config.json: vocab_size is 130, but params.vocab is 30522"),
    ] {
        let mut p = params();
        p[param] = json!(value);
        assert_eq!(error(&spec("rust/candle", json!({ "params": p }))), message);
    }
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
    assert_eq!((config.layer_norm_eps, config.type_vocab, config.intermediate), (1e-12, 2, 8));
    let err = |changes| parse(changes).unwrap_err().to_string();
    assert_eq!(
        err(json!({ "hidden_act": "gelu_new" })),
        "config.json: hidden_act is Some(\"gelu_new\"), every row implements 'gelu' (erf)"
    );
    assert_eq!(err(json!({ "model_type": "roberta" })), "config.json: model_type is 'roberta', not 'bert'");
    assert_eq!(
        err(json!({ "architectures": ["BertModel"] })),
        "config.json: architectures is [\"BertModel\"], not [\"BertForQuestionAnswering\"]"
    );
    assert_eq!(
        err(json!({ "layer_norm_eps": -1 })),
        "config.json: 'layer_norm_eps' is not a positive number"
    );
    assert_eq!(
        err(json!({ "hidden_size": "4" })),
        "config.json: 'hidden_size' is not a positive integer: \"4\""
    );
    assert_eq!(
        err(json!({ "position_embedding_type": "relative_key" })),
        "config.json: position_embedding_type is 'relative_key', every row implements 'absolute'"
    );
}

#[test]
fn a_model_file_of_another_shape_is_rejected() {
    let s = spec("rust/candle", json!({}));
    let setup = Setup::from_spec(&s, "weights").unwrap();
    let shape = Shape { layers: 2, heads: 2, hidden: 4, vocab: vocab_size() };
    assert_eq!(
        shape.check(&setup, "model.safetensors").unwrap_err().to_string(),
        "model.safetensors: the model has 2 layers, 2 heads, hidden size 4, vocab 130; config.json says 1 layers, \
         2 heads, hidden size 4, vocab 130"
    );
    // candle checks the tensors' shapes against the config as it builds the model.
    let mut c = config();
    c["intermediate_size"] = json!(16);
    let mut p = params();
    p["intermediate"] = json!(16);
    let mut s = spec("rust/candle", json!({ "params": p }));
    s.inputs.0.iter_mut().find(|(role, _)| role == "config").unwrap().1.path =
        test_file("config.json", c.to_string().as_bytes());
    let setup = Setup::from_spec(&s, "weights").unwrap();
    let err = format!("{:#}", CandleEngine::load(&(), &setup).err().unwrap());
    assert!(err.starts_with("model.safetensors: candle-transformers' BertModel cannot load it: "), "{err}");
    assert!(err.contains("intermediate.dense.weight"), "{err}");
}

#[test]
fn ort_needs_its_library() {
    // The variable is process-wide: only its absence is tested here.
    if std::env::var_os("ORT_DYLIB_PATH").is_none() {
        let err = format!("{:#}", rust_ort(&spec("rust/ort", json!({}))).err().unwrap());
        assert!(err.starts_with("rust/ort loads ONNX Runtime at run time: set ORT_DYLIB_PATH"), "{err}");
    }
}

// --- a whole run ------------------------------------------------------------------------------

#[test]
fn answers_through_the_core() {
    let mut spec = spec("rust/candle", json!({}));
    crate::runner::verify(
        &mut spec,
        &[("answer", &["start_logits", "end_logits", "answer_tokens", "answer_chars"])],
    );
    let out = std::env::temp_dir().join(format!("equibench-bert-qa-test-{}", std::process::id()));
    std::fs::create_dir_all(&out).unwrap();
    let result = crate::runner::run(&spec, &out, rust_candle).unwrap();
    assert_eq!(crate::runner::assert_digests_of_written_outputs(&spec, &result, &out), 1);
    let result = serde_json::to_value(result).unwrap();
    let vector =
        |name: &str| -> Array1<i64> { read_npy::<i64, Ix1>(&out.join(format!("{name}.npy"))).unwrap() };
    let matrix =
        |name: &str| -> Array2<i64> { read_npy::<i64, Ix2>(&out.join(format!("{name}.npy"))).unwrap() };
    let floats =
        |name: &str| -> Array1<f32> { read_npy::<f32, Ix1>(&out.join(format!("{name}.npy"))).unwrap() };

    let (feature_question, lengths) = (vector("feature_question"), vector("feature_lengths"));
    let (ids, types, mask, offsets) =
        (vector("input_ids"), vector("token_type_ids"), vector("attention_mask"), matrix("offsets"));
    let (start, end) = (floats("start_logits"), floats("end_logits"));
    let (answer_tokens, answer_chars) = (matrix("answer_tokens"), matrix("answer_chars"));
    let (latency, model) = (vector("latency_ns"), vector("model_ns"));

    // Question 0 is cut to max_query_length = 4 tokens; its context (31 tokens) takes room = 9 a window,
    // 6 new a window: 0..9, 6..15, 12..21, 18..27, 24..31. Question 1 has 2 tokens: room 11, windows 0..11,
    // 8..19, 16..27, 24..31. Question 2's context is empty: one feature. Question 3: "paris is a city." in one.
    assert_eq!(feature_question.to_vec(), [0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 3]);
    assert_eq!(lengths.to_vec(), [16, 16, 16, 16, 14, 16, 16, 16, 12, 6, 11]);
    let total = lengths.sum() as usize;
    assert_eq!(
        (ids.len(), types.len(), mask.len(), offsets.dim(), start.len(), end.len()),
        (total, total, total, (total, 2), total, total)
    );
    assert!(mask.iter().all(|&m| m == 1));
    let what_is_the_capital = [id("what"), id("is"), id("the"), id("capital")];
    assert_eq!(ids.slice(ndarray::s![0..6]).to_vec(), [&[CLS][..], &what_is_the_capital, &[SEP]].concat());
    assert_eq!(types.slice(ndarray::s![0..7]).to_vec(), [0, 0, 0, 0, 0, 0, 1]);
    assert_eq!(ids[15], SEP);

    // Context tokens' offsets point at their text; the others are (−1, −1).
    let chars: Vec<char> = LONG_CONTEXT.chars().collect();
    let piece =
        |t: usize| chars[offsets[[t, 0]] as usize..offsets[[t, 1]] as usize].iter().collect::<String>();
    assert_eq!(offsets.row(0).to_vec(), [-1, -1]);
    assert_eq!(offsets.row(5).to_vec(), [-1, -1]);
    assert_eq!(piece(6), "Zürich");
    assert_eq!(ids[6], id("zurich"));
    // Window 2 of question 0 starts 6 tokens on: the overlap repeats the same tokens with the same offsets.
    assert_eq!(ids.slice(ndarray::s![16 + 6..16 + 9]), ids.slice(ndarray::s![6 + 6..6 + 9]));
    assert_eq!(offsets.slice(ndarray::s![16 + 6..16 + 9, ..]), offsets.slice(ndarray::s![6 + 6..6 + 9, ..]));

    // Every answer is the exhaustive best span over the written logits.
    let mut first = 0usize;
    let mut feature_starts = Vec::new();
    for &len in lengths.iter() {
        feature_starts.push(first);
        first += len as usize;
    }
    for q in 0..4 {
        let features: Vec<usize> = (0..lengths.len()).filter(|&f| feature_question[f] == q as i64).collect();
        let spans = features.iter().map(|&f| {
            let (a, n) = (feature_starts[f], lengths[f] as usize);
            let context: Vec<usize> = (0..n).filter(|&t| offsets[[a + t, 0]] >= 0).collect();
            let range = context.first().map_or(0..0, |&c| c..context.last().unwrap() + 1);
            (range, &start.as_slice().unwrap()[a..a + n], &end.as_slice().unwrap()[a..a + n])
        });
        match best_span(spans, 3) {
            None => {
                assert_eq!(q, 2);
                assert_eq!(answer_tokens.row(q).to_vec(), [-1, -1, -1]);
                assert_eq!(answer_chars.row(q).to_vec(), [-1, -1]);
            }
            Some(span) => {
                let f = features[span.feature];
                assert_eq!(answer_tokens.row(q).to_vec(), [f as i64, span.start as i64, span.end as i64]);
                let (a, b) = (feature_starts[f] + span.start, feature_starts[f] + span.end);
                assert_eq!(answer_chars.row(q).to_vec(), [offsets[[a, 0]], offsets[[b, 1]]]);
                assert!(span.end >= span.start && span.end - span.start < 3);
            }
        }
    }
    assert_eq!(
        ids.slice(ndarray::s![total - 11 - 6..total - 11]).to_vec(),
        [CLS, id("what"), id("river"), id("?"), SEP, SEP]
    );
    assert!(latency.iter().zip(&model).all(|(&l, &m)| l >= m && m > 0));

    assert_eq!(result["phases"]["answer"]["ops_per_sample"], 4);
    let manifest = &result["runtime"]["manifest"];
    for (key, value) in [
        ("dtype", json!("f32")),
        ("framework", json!("candle-transformers")),
        ("hp.model_format", json!("safetensors")),
        ("hp.layers", json!(1)),
        ("hp.heads", json!(2)),
        ("hp.hidden", json!(4)),
        ("hp.vocab", json!(vocab_size())),
        ("hp.max_length", json!(16)),
        ("hp.doc_stride", json!(3)),
        ("hp.max_query_length", json!(4)),
        ("hp.max_answer_tokens", json!(3)),
        ("hp.question_count", json!(4)),
    ] {
        assert_eq!(manifest[key], value, "{key}");
    }
    for role in ["config", "weights", "tokenizer", "squad"] {
        assert!(manifest[format!("input.{role}.sha256")].is_string(), "{role}");
    }
    let notes = result["notes"].as_array().unwrap();
    assert!(notes.contains(&json!("inputs this engine does not read: onnx, vocab")), "{notes:?}");
    assert_eq!(result["metrics"]["features"], 11.0);
    assert_eq!(result["metrics"]["answered"], 3.0);
}

#[test]
fn an_empty_question_is_an_error_naming_it() {
    let mut s = squad();
    // Not blank, but BERT's normalizer drops control characters: no tokens.
    s["data"][0]["paragraphs"][0]["qas"][1]["question"] = json!("\u{1}");
    let mut spec = spec("rust/candle", json!({}));
    spec.inputs.0.iter_mut().find(|(role, _)| role == "squad").unwrap().1.path =
        test_file("squad.json", s.to_string().as_bytes());
    let out = std::env::temp_dir().join(format!("equibench-bert-qa-empty-{}", std::process::id()));
    let err = format!("{:#}", crate::runner::run(&spec, &out, rust_candle).err().unwrap());
    assert!(err.ends_with("squad.json: data[0].paragraphs[0].qas[1]: the question has no tokens"), "{err}");
}
