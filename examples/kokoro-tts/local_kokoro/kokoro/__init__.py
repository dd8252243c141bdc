"""Local stand-in for the `kokoro` package (see README): same CLI, tiny model, sine-wave output."""

__version__ = "0.0.0-standin"
