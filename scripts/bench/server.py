"""The site under gunicorn on a free loopback port, started and stopped within bounded times."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60
STOP_TIMEOUT = 15


def free_port():
    """A TCP port nobody listens on at this moment, on loopback."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn serving the site with the benchmark's settings and the given extra environment."""

    def __init__(self, name, workers, log_dir, **environment):
        self.name, self.port = name, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = Path(log_dir) / f"gunicorn-{name}.log"
        env = os.environ | {key: str(value) for key, value in environment.items()}
        env |= {"DJANGO_SETTINGS_MODULE": "bench.settings",
                "PYTHONPATH": os.pathsep.join([str(PROJECT / "scripts"), str(PROJECT)])}
        command = [sys.executable, "-m", "gunicorn", "newsroom.wsgi:application", "--chdir", str(PROJECT),
                   "--workers", str(workers), "--bind", f"127.0.0.1:{self.port}", "--graceful-timeout", "5",
                   "--log-level", "warning"]
        with open(self.log, "wb") as log:
            # A session of its own, so that stopping it reaches the workers too and nothing else.
            self.process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        try:
            self.wait_until_ready()
        except BaseException:
            self.stop()
            raise

    def wait_until_ready(self):
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn ({self.name}) exited:\n{self.log.read_text()[-3000:]}")
            try:
                if request(self.port, "/healthz").status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn ({self.name}) did not answer within {START_TIMEOUT} s")

    def stop(self):
        """SIGTERM to gunicorn's process group, then SIGKILL if it has not exited in STOP_TIMEOUT seconds."""
        if self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(STOP_TIMEOUT)


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body


def request(port, path, method="GET", body=None, headers=None):
    """One request to the site on loopback, redirects not followed."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return Response(response.status, response.headers, response.read().decode("utf-8", "replace"))
    finally:
        connection.close()
