"""The figures against issue 10's targets, printed as a table and kept as JSON in bench-results/."""

import json
import os
import platform
import subprocess
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import django

PROJECT = Path(__file__).resolve().parents[2]
RESULTS = PROJECT / "bench-results"
# On PostgreSQL + Redis each target may be missed by this factor (issue 10, "Production stack").
PRODUCTION_ALLOWANCE = 1.5


@dataclass(frozen=True)
class Target:
    """A share of the trivial view's req/s to reach, and optionally a p99 latency to stay under; no errors, and
    at least one answer within the run."""

    min_share: float = 0.0
    max_p99_ms: float | None = None

    def describe(self, allowance=1.0):
        parts = [f">= {self.min_share / allowance:.0%}"] if self.min_share else []
        if self.max_p99_ms is not None:
            parts.append(f"p99 < {self.max_p99_ms * allowance:.0f} ms")
        return ", ".join([*parts, "no errors"])

    def is_met(self, result, trivial_rps, allowance=1.0):
        share_met = result["rps"] >= self.min_share / allowance * trivial_rps
        p99_met = self.max_p99_ms is None or result["p99_ms"] < self.max_p99_ms * allowance
        return share_met and p99_met and result["errors"] == 0 and result["requests"] > 0


NO_TARGET = Target()


def table(results, allowance=1.0):
    """The printed table: one row per target, the trivial view first, each against its target."""
    trivial_rps = results[0]["rps"] or 1.0
    lines = [f"{'what':<44}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'x trivial':>11}   target"]
    for result in results:
        target = result["target"]
        verdict = "PASS" if target.is_met(result, trivial_rps, allowance) else "MISS"
        p50, p99 = (f"{result['p50_ms']:.1f}", f"{result['p99_ms']:.1f}") if result["requests"] else ("-", "-")
        lines.append(f"{result['name']:<44}{result['rps']:>9.1f}{p50:>9}{p99:>9}"
                     f"{result['errors']:>8}{result['rps'] / trivial_rps:>11.1%}   "
                     f"{target.describe(allowance):<34}{verdict}")
    return "\n".join(lines)


def machine():
    """What the figures are measured on, with the load average of the minute before (other work skews them)."""
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    return {"nproc": os.cpu_count(), "cpu_model": model, "memory_gib": round(memory_kb / 2**20, 1),
            "python": platform.python_version(), "django": django.get_version(), "kernel": platform.release(),
            "load_average": os.getloadavg()[0]}


def git_commit():
    result = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT, capture_output=True, text=True)
    return result.stdout.strip()


def save(run, results):
    """Writes the run and its results to bench-results/<time>-<database>-<size>.json; returns the path."""
    RESULTS.mkdir(exist_ok=True)
    now = datetime.now(timezone.utc)
    trivial_rps = results[0]["rps"] or 1.0
    rows = [{key: value for key, value in result.items() if key != "target"}
            | {"share_of_trivial": result["rps"] / trivial_rps,
               "target": result["target"].describe(run["allowance"]),
               "met": result["target"].is_met(result, trivial_rps, run["allowance"])} for result in results]
    path = RESULTS / f"{now:%Y%m%d-%H%M%S}-{run['database']}-{run['size']}.json"
    document = {"date": now.isoformat(timespec="seconds"), "commit": git_commit()} | run
    path.write_text(json.dumps(document | {"results": rows}, indent=2, default=str) + "\n")
    return path
