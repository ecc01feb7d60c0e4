"""python -m bench: build the databases that are missing, then time the pages.

    python -m bench --sizes 1000 100000 [--rounds 15] [--rebuild]

Needs PostgreSQL: DATABASE_URL names the server (its database name is not used;
the sizes get their own databases, bench_small and bench_large, or bench_<N>
when more than two sizes are asked for).
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def configure() -> None:
    """Production-like settings: debug off, a bench-only key, testserver allowed."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-secret")
    os.environ["DJANGO_DEBUG"] = "0"
    hosts = os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1")
    os.environ["DJANGO_ALLOWED_HOSTS"] = f"{hosts},testserver"
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        os.environ["DATABASE_URL"] = DEFAULT_URL
    import django

    django.setup()


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100000])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--rebuild", action="store_true", help="regenerate all")
    parser.add_argument(
        "--build-only", action="store_true", help="build the databases, measure nothing"
    )
    return parser.parse_args()


def database_names(sizes: list[int]) -> list[str]:
    if len(sizes) == 2:
        return ["bench_small", "bench_large"]
    if len(sizes) == 1:
        return ["bench_small"]
    return [f"bench_{size}" for size in sizes]


def main() -> int:
    args = arguments()
    configure()
    from bench.run import run

    return run(sorted(args.sizes), database_names(args.sizes), args)


if __name__ == "__main__":
    started = time.monotonic()
    code = main()
    print(f"Total {time.monotonic() - started:.0f} s")
    sys.exit(code)
