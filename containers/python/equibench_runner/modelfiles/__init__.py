"""Model files the harness makes once per task and scale, outside any measurement (PROTOCOL.md, "Task
`gpt2-generate`"): `python -m equibench_runner.modelfiles gpt2 --out DIR ...`."""
