"""One benchmark run: build what is missing, measure, print and keep the table."""

import time
from pathlib import Path

import psycopg
from django.conf import settings
from django.urls import clear_url_caches, set_urlconf
from django.utils import timezone

from bench import generate, measure, pages

LAST_RUN = Path(__file__).resolve().parent / "last-run.md"


def reachable() -> str:
    """Why PostgreSQL cannot be used, or "" when it can."""
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return "DATABASE_URL must name a PostgreSQL server."
    try:
        psycopg.connect(**generate.server_params(), connect_timeout=5).close()
    except psycopg.OperationalError as error:
        return f"PostgreSQL is not reachable: {error}".strip()
    return ""


def build(sizes, names, rebuild: bool) -> dict[int, dict]:
    """Each size's database, generated unless it already holds that size."""
    metas = {}
    for size, name in zip(sizes, names, strict=True):
        meta = None if rebuild else generate.stored_meta(name)
        if (
            meta is None
            or meta.get("size") != size
            or meta.get("seed") != generate.SEED
        ):
            meta = generate.generate(name, size)
        else:
            print(f"{name} holds {size:,} patients (built {meta['generated_on']})")
        metas[size] = meta
    return metas


def counts_table(metas: dict[int, dict]) -> str:
    sizes = sorted(metas)
    tables = sorted({name for meta in metas.values() for name in meta["counts"]})
    labels = [measure.size_label(size) for size in sizes]
    lines = [
        "| table | " + " | ".join(labels) + " |",
        "|---|" + "---|" * len(sizes),
    ]
    for table in tables:
        cells = [f"{metas[size]['counts'].get(table, 0):,}" for size in sizes]
        lines.append(f"| {table} | " + " | ".join(cells) + " |")
    built = ", ".join(
        f"{measure.size_label(size)} in {metas[size]['seconds']:.0f} s"
        for size in sizes
    )
    return "\n".join(lines) + f"\n\nGenerated: {built}."


def run(sizes, names, args) -> int:
    problem = reachable()
    if problem:
        print(f"The benchmark needs PostgreSQL. {problem}")
        return 2
    metas = build(sizes, names, args.rebuild)
    if args.build_only:
        print(counts_table(metas))
        return 0
    settings.ROOT_URLCONF = "bench.urls"
    # Debug is off, but nothing is collected: pages link static files by their
    # plain names (the manifest's look-up, served, is one dictionary look-up).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    set_urlconf(None)
    clear_url_caches()
    started = time.monotonic()
    targets = [
        measure.open_target(size, name) for size, name in zip(sizes, names, strict=True)
    ]
    targets[0].activate()
    page_list = pages.product_pages() + pages.admin_pages()
    print(f"Measuring {len(page_list)} pages, {args.rounds} rounds")
    # As the served application does at start-up (clinic/wsgi.py).
    from clinic.wsgi import freeze_startup_heap

    freeze_startup_heap()
    results = measure.measure(targets, page_list, args.rounds)
    seconds = time.monotonic() - started
    lot = ", ".join(
        f"{measure.size_label(t.size)}: lot {t.facts['lot']} in "
        f"{t.facts['lot_sessions']:,} sessions"
        for t in targets
    )
    result_table = measure.table(results, sizes)
    print(result_table)
    failed = [page.name for page, result in results.items() if result.failed]
    LAST_RUN.write_text(
        f"# Benchmark run {timezone.localtime():%Y-%m-%d %H:%M}\n\n"
        f"`python -m bench --sizes {' '.join(map(str, sizes))} "
        f"--rounds {args.rounds}`: median of up to {args.rounds} rounds "
        f"(slow pages fewer, at least {measure.MIN_ROUNDS}); measured in "
        f"{seconds:.0f} s. Lot look-up: {lot}.\n\n"
        f"{result_table}\n\n## Rows\n\n{counts_table(metas)}\n"
    )
    print(f"Measured in {seconds:.0f} s; written to {LAST_RUN}")
    if failed:
        print(f"FAILED: {', '.join(failed)}")
    return 1 if failed else 0
