import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent


def site_url(**env):
    """SITE_URL as the settings work it out in a fresh process with `env` and no SITE_URL."""
    environment = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "HOST", "PORT"}} | env
    code = "from django.conf import settings; print(settings.SITE_URL)"
    environment["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
    result = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"], cwd=PROJECT,
                            env=environment, capture_output=True, text=True, check=True)
    return result.stdout.strip()


@pytest.mark.parametrize(("env", "expected"), [
    ({}, "http://127.0.0.1:8000"),
    ({"PORT": "8100"}, "http://127.0.0.1:8100"),
    ({"HOST": "localhost", "PORT": "8100"}, "http://localhost:8100"),
    ({"HOST": "0.0.0.0", "PORT": "8200"}, "http://127.0.0.1:8200"),
    ({"HOST": "::1", "PORT": "8300"}, "http://[::1]:8300"),
    ({"PORT": "8100", "SITE_URL": "https://news.example.org/"}, "https://news.example.org"),
])
def test_without_site_url_links_use_the_host_and_port_served_on(env, expected):
    assert site_url(**env) == expected


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_run_passes_its_port_to_the_site(tmp_path):
    commands = subprocess.run(["make", "-n", "serve", "PORT=8100", f"VENV={tmp_path}"], cwd=PROJECT,
                              capture_output=True, text=True, check=True).stdout
    assert "HOST=127.0.0.1 PORT=8100 " in commands and "runserver 127.0.0.1:8100" in commands
