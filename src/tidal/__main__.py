"""``python -m tidal``."""

from tidal.cli.main import program

if __name__ == "__main__":
    raise SystemExit(program())
