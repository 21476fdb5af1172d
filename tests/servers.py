"""Real servers for failure tests: the site under gunicorn in production mode, and a proxy that can cut it off."""

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

from django.db import connection

PROJECT = Path(__file__).resolve().parents[1]
SECRET_KEY = "y" * 60  # the served site's, for tests that sign what it checks (the reply form's render time)


def free_port():
    """A loopback port nothing listens on at the moment."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class TcpProxy:
    """Forwards a loopback port to PostgreSQL; stopping it cuts every connection and refuses new ones."""

    def __init__(self, target):
        self.target = target
        self.port = free_port()
        self.sockets = []

    def start(self):
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen()
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def stop(self):
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread, which otherwise keeps it open
        self.listener.close()
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self.sockets = []

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            for source, sink in [(client, upstream), (upstream, client)]:
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source, sink):
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)


def database_url(port=None):
    """The test database as a DATABASE_URL, optionally through another port (a TcpProxy's)."""
    database = connection.settings_dict
    return (f"postgres://{quote(database['USER'])}:{quote(database['PASSWORD'])}@{database['HOST'] or '127.0.0.1'}:"
            f"{port or database['PORT'] or 5432}/{database['NAME']}")


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def production_environment(**env):
    """The environment of the site run as in production (DEBUG off) over plain HTTP on loopback."""
    environment = {key: value for key, value in os.environ.items() if key not in {"DJANGO_ALLOW_ASYNC_UNSAFE"}}
    return environment | {"DEBUG": "False", "SECRET_KEY": SECRET_KEY, "SECURE_SSL_REDIRECT": "False",
                          "SECURE_COOKIES": "False", "SECURE_HSTS_SECONDS": "0", "CACHE_URL": "locmemcache://",
                          "CONN_MAX_AGE": "60", "LOG_LEVEL": "WARNING", **env}


def collect_static(root):
    """Collects the static files into `root` with their hashed names, which pages with styles need in production."""
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"], cwd=PROJECT,
                   env=production_environment(STATIC_ROOT=str(root)), check=True)


@contextlib.contextmanager
def serving(tmp_path, database, workers=1, **env):
    """The site under gunicorn with DEBUG off, as in production; one worker by default, so one kept connection.

    Pages that link static files need STATIC_ROOT=<a folder filled by collect_static()> in `env`.
    """
    port = free_port()
    environment = production_environment(DATABASE_URL=database, **env)
    log = tmp_path / "gunicorn.log"
    with open(log, "w") as output:
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "newsroom.wsgi", "--bind", f"127.0.0.1:{port}",
                                   "--workers", str(workers), "--timeout", "60"], cwd=PROJECT, env=environment,
                                  stdout=output, stderr=subprocess.STDOUT)
    site = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                if fetch(f"{site}/robots.txt")[0] == 200:
                    break
            time.sleep(0.1)
        else:
            raise RuntimeError(f"gunicorn did not start:\n{log.read_text()}")
        yield site
    finally:
        server.terminate()
        server.wait(timeout=30)
