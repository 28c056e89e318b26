"""The Python runner of equibench: runs one task implementation as containers/PROTOCOL.md describes."""
