"""The task implementations, one module per task; each builds on the task API in `base` alone."""
