"""The settings module as a deployment would load it, and the variables the README documents."""

import os
import re
import runpy
import secrets
import shlex
from pathlib import Path
from unittest import mock

BASE_DIR = Path(__file__).resolve().parents[2]
README = BASE_DIR / "README.md"
SETTINGS_FILE = BASE_DIR / "branchwork" / "settings.py"

# Variables of the test process that would leak into a settings module loaded "fresh".
_DEPLOYMENT_VARIABLES = (
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "REDIS_URL",
    "S3_BUCKET",
    "S3_ENDPOINT_URL",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
)


def load_settings(**env: str) -> dict:
    """Run branchwork/settings.py with ``env`` as a fresh process would, and return its names."""
    clean = {k: v for k, v in os.environ.items() if k not in _DEPLOYMENT_VARIABLES}
    with mock.patch.dict(os.environ, {**clean, **env}, clear=True):
        return runpy.run_path(str(SETTINGS_FILE))


def readme_exports(section: str) -> list[dict[str, str]]:
    """Every ``export NAME=value …`` command (with its continuation lines) in a README section."""
    text = README.read_text(encoding="utf-8")
    start = text.index(f"## {section}")
    end = text.find("\n## ", start + 1)
    body = text[start : end if end != -1 else None]
    commands = re.findall(r"^export (?:.*\\\n)*.*$", body, flags=re.MULTILINE)
    result = []
    for command in commands:
        words = shlex.split(command.replace("\\\n", " "))[1:]
        result.append(dict(word.split("=", 1) for word in words))
    return result


def production_env(*, scale_out: bool = False) -> dict[str, str]:
    """The README's production variables (with a real secret key in place of the placeholder);
    with ``scale_out``, also those of the Redis and S3 block."""
    exports = readme_exports("生产部署")
    env = dict(exports[0])
    if scale_out:
        for more in exports[1:]:
            env.update(more)
    env["SECRET_KEY"] = secrets.token_urlsafe(64)
    return env
