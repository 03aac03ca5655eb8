"""What the deployment files are checked against: the environment variables the code really
reads, the routes each process really serves without a token, and the files themselves.

Why it looks like this:
- Variable names come from the code, never from a list kept here: every settings class's
  fields with their prefix (pydantic's own `env_names`), the names the code looks up in
  `os.environ` or keeps in a constant, and the `${NAMES}` Rasa fills in from endpoints.yml
  and credentials.yml. A typo in a manifest is then a name nothing reads, and fails.
"""

from __future__ import annotations

import ast
import importlib
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.settings import HelpdeskSettings
from bot.texts import yaml_strings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
# A variable whose value is a secret (or holds one, as a database URL holds its password).
SECRET_NAME = re.compile(r"TOKEN|SECRET|PASSWORD|_KEY|DATABASE_URL|REDIS_URL")
# What a secret written out would look like: a long run of token characters.
TOKEN_LIKE = re.compile(r"[A-Za-z0-9_\-]{20,}")
_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$")
_SETTINGS_CLASS = re.compile(r"^class \w+\([^)]*Settings[^)]*\):", re.MULTILINE)
_PLACEHOLDER = re.compile(r"\$\{([A-Z][A-Z0-9_]*)\}")


def _sources() -> Iterator[Path]:
    for package in ("bot", "actions"):
        yield from (ROOT / package).rglob("*.py")


def _module(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def _subclasses(kind: type[Any]) -> Iterator[type[Any]]:
    sub: type[Any]
    for sub in kind.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _settings_names() -> set[str]:
    """Every variable a settings class reads; the modules defining one are imported first."""
    for path in _sources():
        if _SETTINGS_CLASS.search(path.read_text(encoding="utf-8")):
            importlib.import_module(_module(path))
    return {
        str(name).upper()
        for kind in _subclasses(HelpdeskSettings)
        for field in kind.__fields__.values()
        for name in field.field_info.extra.get("env_names", ())
    }


def _is_environ(node: ast.AST) -> bool:
    """`os.environ` or `environ`."""
    return (isinstance(node, ast.Attribute) and node.attr == "environ") or (
        isinstance(node, ast.Name) and node.id == "environ"
    )


def _looked_up(tree: ast.AST) -> Iterator[str]:
    """Names read from the environment by literal, and names kept in module constants."""
    for node in ast.walk(tree):
        key: ast.AST | None = None
        if isinstance(node, ast.Subscript) and _is_environ(node.value):
            key = node.slice
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            if isinstance(func, ast.Attribute) and (
                _is_environ(func.value) or (func.attr == "getenv")
            ):
                key = node.args[0]
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            key = node.value
        if (
            isinstance(key, ast.Constant)
            and isinstance(key.value, str)
            and _ENV_NAME.match(key.value)
        ):
            yield key.value


def _code_names() -> set[str]:
    names: set[str] = set()
    for path in _sources():
        names.update(_looked_up(ast.parse(path.read_text(encoding="utf-8"))))
    return names


def _rasa_names() -> set[str]:
    """The `${NAMES}` Rasa fills in from its endpoints and credentials files (values only:
    the files' comments mention the syntax too)."""
    return {
        name
        for file in ("endpoints.yml", "credentials.yml")
        for text in yaml_strings(yaml.safe_load((ROOT / file).read_text(encoding="utf-8")))
        for name in _PLACEHOLDER.findall(text)
    }


@cache
def variables_read() -> frozenset[str]:
    """Every environment variable the assistant's code reads."""
    return frozenset(_settings_names() | _code_names() | _rasa_names())


def unknown(names: set[str] | list[str]) -> list[str]:
    """The names among `names` that nothing reads (and the lead does not add)."""
    return sorted(set(names) - variables_read())


def example_names(path: Path) -> dict[str, str]:
    """`NAME=value` lines of an example env file, comments left out."""
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            found[name.strip()] = value
    return found


def written_out_secret(value: str, placeholder: re.Pattern[str]) -> bool:
    """Whether `value`, its placeholders taken out, still holds something token-like."""
    return TOKEN_LIKE.search(placeholder.sub("", value)) is not None


def kubectl() -> str | None:
    """kubectl's path; in CI a missing kubectl fails the test rather than skipping it."""
    found = shutil.which("kubectl")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("kubectl is needed to build deploy/k8s (kubectl kustomize)")
        pytest.skip("no kubectl on this machine", allow_module_level=True)
    return found


@cache
def kustomized() -> tuple[dict[str, Any], ...]:
    """The manifests `kubectl kustomize deploy/k8s` builds, offline."""
    command = [str(kubectl()), "kustomize", str(DEPLOY / "k8s")]
    built = subprocess.run(command, capture_output=True, text=True, check=True, timeout=60)
    return tuple(document for document in yaml.safe_load_all(built.stdout) if document)


def compose() -> dict[str, Any]:
    """deploy/compose.yaml as Compose reads it (its `<<` merges resolved by YAML itself)."""
    loaded: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    return loaded
