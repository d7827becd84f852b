"""Run a snippet as `python -c` would, in an interpreter that has imported none of the project.

The settings tests import config.settings under dozens of environments, each in a fresh interpreter: half a
second apiece, nearly all of it importing Django, Celery and the libraries the settings read. Here one
helper process imports those libraries once (none of the project's modules, and it reads no setting), and
each snippet runs in a fork of it with its own environment — what the snippet sees is a new interpreter's
view of the project, at a tenth of the cost.
"""

from __future__ import annotations

import atexit
import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
# Libraries only: importing one of ours here would keep it from being imported afresh in the snippet.
PRELOADED = ("django", "django.db.models", "django.http", "django.urls", "django.utils.translation",
             "django.core.serializers.json", "celery", "celery.app", "environ", "structlog")

_ZYGOTE = r"""
import importlib, json, os, sys, tempfile, traceback
for name in sys.argv[1:]:
    importlib.import_module(name)
protocol = os.fdopen(os.dup(1), "w")
for line in sys.stdin:
    job = json.loads(line)
    out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
    pid = os.fork()
    if pid == 0:
        os.dup2(out.fileno(), 1)
        os.dup2(err.fileno(), 2)
        os.environ.clear()
        os.environ.update(job["env"])
        os.chdir(job["cwd"])
        sys.argv = ["-c"]
        code = 0
        try:
            exec(compile(job["code"], "<string>", "exec"), {"__name__": "__main__"})
        except SystemExit as done:
            if done.code is None or isinstance(done.code, int):
                code = done.code or 0
            else:
                print(done.code, file=sys.stderr)
                code = 1
        except BaseException:
            traceback.print_exc()
            code = 1
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    _pid, status = os.waitpid(pid, 0)
    out.seek(0), err.seek(0)
    protocol.write(json.dumps({"returncode": os.waitstatus_to_exitcode(status),
                               "stdout": out.read().decode(errors="replace"),
                               "stderr": err.read().decode(errors="replace")}) + "\n")
    protocol.flush()
"""


def run_fresh(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """What `subprocess.run([python, "-c", code], env=env, cwd=BASE_DIR, capture_output=True, text=True)`
    gives, from a fork of this process's helper (one per test process, started on first use)."""
    return _helper().run(code, env)


@cache
def _helper() -> _Zygote:
    helper = _Zygote()
    atexit.register(helper.close)
    return helper


class _Zygote:
    def __init__(self):
        self._process = subprocess.Popen([sys.executable, "-c", _ZYGOTE, *PRELOADED], cwd=BASE_DIR,
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                         env={k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"})

    def run(self, code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
        self._process.stdin.write(json.dumps({"code": code, "env": env, "cwd": str(BASE_DIR)}) + "\n")
        self._process.stdin.flush()
        answer = json.loads(self._process.stdout.readline())
        return subprocess.CompletedProcess([sys.executable, "-c", code], answer["returncode"], answer["stdout"],
                                           answer["stderr"])

    def close(self) -> None:
        self._process.stdin.close()
        self._process.wait(timeout=30)
