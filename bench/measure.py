"""Times every key page at each size in one process, interleaved with the floor.

Each size is its own database. Both stay connected: the default connection is
swapped between one DatabaseWrapper per database, so that no timed request pays
for a new connection (or a cold backend). Each (size, role) has its own signed-in
Client, since sessions live in each database.

One untimed request per page and size comes first: it checks the page (status
200 and the rows it should show) and counts its queries. Then, round after
round, each page is requested once per size, each time right after the floor
page, and the median time is kept. A page that fails is reported as FAILED and
is not timed; the run goes on.
"""

import statistics
import time
from dataclasses import dataclass, field

from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench import pages
from clinic.models import User
from tests.signin import SignedInClient

# A slow page gets fewer rounds (at least MIN_ROUNDS), so that no page takes
# more than about this long in all.
PAGE_BUDGET_SECONDS = 60
MIN_ROUNDS = 3


def sign_in(username: str) -> Client:
    """A client signed in as the user, past the second factor, as the tests sign
    in (tests/signin.py): the requirement stays on while pages are timed."""
    client = SignedInClient()
    client.force_login(User.objects.get(username=username))
    return client


@dataclass
class Target:
    """One database being measured."""

    size: int
    name: str
    wrapper: object = None
    facts: dict = field(default_factory=dict)
    clients: dict = field(default_factory=dict)

    def activate(self) -> None:
        connections["default"] = self.wrapper

    def client(self, role: str) -> Client:
        if role not in self.clients:
            self.clients[role] = sign_in(pages.username_for(role))
        return self.clients[role]


@dataclass
class Result:
    queries: dict = field(default_factory=dict)  # size -> count
    # size -> bytes of HTML: a page that shows more rows at the larger size
    # (a short list filled, a larger result) costs more for that alone.
    sizes: dict = field(default_factory=dict)
    times: dict = field(default_factory=dict)  # size -> [seconds]
    failed: str = ""


def open_target(size: int, name: str) -> Target:
    """A connection to `name` that stays open (no maximum age)."""
    base = connections["default"]
    settings_dict = {**base.settings_dict, "NAME": name, "CONN_MAX_AGE": None}
    target = Target(size, name, base.__class__(settings_dict, alias="default"))
    target.activate()
    target.facts = pages.facts()
    return target


def check(target: Target, page: pages.Page, result: Result) -> float:
    """The untimed request: checks the page and counts its queries."""
    client = target.client(page.role)
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page.address(target.facts))
    seconds = time.perf_counter() - started
    result.queries[target.size] = len(queries)
    result.sizes[target.size] = len(response.content)
    problem = page.problem(response, target.facts)
    if problem and not result.failed:
        result.failed = f"{problem} at {target.size:,}"
    return seconds


def timed(target: Target, page: pages.Page, result: Result) -> None:
    """One timed request; a status other than 200 fails the page."""
    client = target.client(page.role)
    address = page.address(target.facts)
    started = time.perf_counter()
    response = client.get(address)
    seconds = time.perf_counter() - started
    if response.status_code != 200:
        result.failed = f"status {response.status_code} at {target.size:,}"
    result.times.setdefault(target.size, []).append(seconds)


def rounds_for(first_seconds: float, rounds: int) -> int:
    if first_seconds <= 0:
        return rounds
    return max(MIN_ROUNDS, min(rounds, int(PAGE_BUDGET_SECONDS / first_seconds)))


def measure(targets: list[Target], page_list, rounds: int, report=print) -> dict:
    """{page: Result}, the floor first."""
    results = {page: Result() for page in [pages.FLOOR, *page_list]}
    allowed = {}
    for page, result in results.items():
        slowest = 0.0
        for target in targets:
            target.activate()
            slowest = max(slowest, check(target, page, result))
        allowed[page] = rounds_for(slowest, rounds)
        mark = f"FAILED ({result.failed})" if result.failed else f"{slowest:.2f} s"
        report(f"  checked {page.name}: {mark}")
    for number in range(rounds):
        started = time.monotonic()
        for page, result in results.items():
            if result.failed or number >= allowed[page]:
                continue
            for target in targets:
                target.activate()
                timed(target, pages.FLOOR, results[pages.FLOOR])
                if page is not pages.FLOOR:
                    timed(target, page, result)
        report(f"  round {number + 1}/{rounds} in {time.monotonic() - started:.0f} s")
    return results


def median_ms(result: Result, size: int) -> float | None:
    times = result.times.get(size)
    return statistics.median(times) * 1000 if times else None


def size_label(size: int) -> str:
    for unit, suffix in ((1_000_000, "M"), (1000, "k")):
        if size >= unit and size % (unit // 10) == 0:
            return f"{size / unit:g}{suffix}"
    return f"{size:,}"


def table(results: dict, sizes: list[int]) -> str:
    """The Markdown table: time per size, ratio largest/smallest, ratio to the
    floor at the largest size, query counts, and the page's size in KB."""
    large = sizes[-1]
    floor_ms = median_ms(results[pages.FLOOR], large)
    labels = [size_label(size) for size in sizes]
    header = (
        ["page"]
        + [f"{label} ms" for label in labels]
        + [f"ratio {labels[-1]}/{labels[0]}", f"{labels[-1]}/floor"]
        + [f"queries {label}" for label in labels]
        + [f"KB {label}" for label in labels]
    )
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for page, result in results.items():
        cells = [page.name]
        if result.failed:
            cells += ["FAILED"] * len(sizes) + [result.failed, ""]
        else:
            ms = [median_ms(result, size) for size in sizes]
            cells += [f"{value:.1f}" for value in ms]
            cells.append(f"{ms[-1] / ms[0]:.1f}" if ms[0] else "")
            cells.append(f"{ms[-1] / floor_ms:.1f}" if floor_ms else "")
        cells += [str(result.queries.get(size, "")) for size in sizes]
        cells += [
            f"{result.sizes[size] / 1024:.0f}" if size in result.sizes else ""
            for size in sizes
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
