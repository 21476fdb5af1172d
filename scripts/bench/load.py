"""Load from loopback with wrk: one target for a bounded time, read back as figures."""

import json
import shutil
import subprocess
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from bench.server import request

HERE = Path(__file__).resolve().parent
REPORT_LUA = (HERE / "report.lua").read_text()
POST_LUA = (HERE / "post.lua").read_text()


def wrk_version():
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: `make bench` installs it (apt-get install wrk).")
    result = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    return " ".join((result.stdout or result.stderr).split()[:2])  # "wrk debian/4.1.0-3+b2"


def run_wrk(url, *, seconds, threads, connections, script, workdir):
    """wrk's figures for `url`: requests per second, p50 and p99 in ms, and errors by kind."""
    lua = Path(workdir) / "wrk.lua"
    lua.write_text(script + "\n" + REPORT_LUA)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(lua), url]
    output = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60).stdout
    line = next((line for line in output.splitlines() if line.startswith("BENCH-JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no summary:\n{output}")
    return figures(json.loads(line.removeprefix("BENCH-JSON ")))


def figures(summary):
    """The report's numbers from wrk's summary: errors are refused connections, timeouts and non-2xx/3xx answers."""
    seconds = summary["duration_us"] / 1e6
    return {
        "requests": summary["requests"],
        "rps": summary["requests"] / seconds if seconds else 0.0,
        "p50_ms": summary["p50_us"] / 1000,
        "p99_ms": summary["p99_us"] / 1000,
        "errors": sum(summary["errors"].values()),
        "error_kinds": summary["errors"],
    } | ({"redirects": summary["redirects"]} if summary.get("redirects", -1) >= 0 else {})


class FormReader(HTMLParser):
    """The hidden fields of the reply form on an article page."""

    def __init__(self):
        super().__init__()
        self.in_form, self.fields = False, {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "/comments/reply/" in (attrs.get("action") or ""):
            self.in_form = True
        elif tag == "input" and self.in_form and attrs.get("type") == "hidden" and attrs.get("name"):
            self.fields[attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False


def posting_script(port, article_path, post_path):
    """The Lua for posting replies as a first-time reader would: the form and cookies of one visit, then POSTs.

    Returns the script and the status of one trial post, which should be a redirect."""
    page = request(port, article_path)
    reader = FormReader()
    reader.feed(page.body)
    cookies = SimpleCookie()
    for header in page.headers.get_all("Set-Cookie") or []:
        cookies.load(header)
    cookie = "; ".join(f"{name}={morsel.value}" for name, morsel in cookies.items())
    form = urlencode(reader.fields | {"name": "Bench Reader", "email": "bench@example.org", "website": ""})
    origin = f"http://127.0.0.1:{port}"
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie, "Origin": origin,
               "Referer": origin + article_path}
    trial = request(port, post_path, method="POST",
                    body=form + "&body=A+first+reply+to+check+the+form.", headers=headers)
    values = {"FORM": form, "COOKIE": cookie, "ORIGIN": origin, "REFERER": headers["Referer"]}
    lua = "".join(f"{name} = [==[{value}]==]\n" for name, value in values.items()) + POST_LUA
    return lua, trial.status
