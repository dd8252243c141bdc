#!/usr/bin/python3
"""Measure what importing common Python packages costs: peak RSS and wall time, total and over
the packages each one loads itself. Feeds src/data/packages.json (`importRssMB`, `importSeconds`,
`imports`, `interpreter`).

Why this way:
- Every figure comes from a fresh interpreter, so nothing is shared with an earlier import.
- Memory is VmHWM from /proc/self/status (peak resident set, MiB), the figure an OOM killer and a
  PaaS memory graph are closest to; RSS after the import is printed too.
- "own" figures pre-import the packages that the module itself loads (found by a first run that
  maps sys.modules back to distributions), then read VmHWM before and after the module's import
  in the same process. Summing `own` over a dependency closure then counts shared packages once.
- A warm-up run first, then RUNS runs; the median is reported (disk cache warm, as on a running
  container after its first start).

Reproduce on Debian 12 (bookworm), as root:
  apt-get install --no-install-recommends python3-numpy python3-scipy python3-pandas \
    python3-sklearn python3-xgboost python3-torch python3-flask python3-joblib python3-gunicorn \
    python3-fastapi python3-starlette python3-pydantic python3-uvicorn python3-django \
    python3-celery python3-redis python3-psycopg2 python3-sqlalchemy python3-boto3 \
    python3-botocore python3-matplotlib python3-pil python3-opencv python3-soundfile \
    python3-httpx python3-bs4 python3-dotenv python3-docx python3-pypdf2 python3-jose \
    python3-passlib python3-multipart python3-bcrypt python3-marshmallow python3-flask-cors \
    python3-flask-sqlalchemy python3-flask-migrate python3-email-validator \
    python3-flask-socketio python3-faiss python3-torchvision python3-torchaudio \
    python3-sentencepiece python3-requests python3-cryptography python3-yaml python3-jwt
  (the dependency packages measured at the end of CASES come with these)
  /usr/bin/python3 scripts/measure-imports.py [--runs 3] [--json out.json] [--only torch,numpy]

Only the standard library is used; the interpreter measured is /usr/bin/python3.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

PYTHON = "/usr/bin/python3"

# (PEP 503 distribution name, import statement an app typically writes, Debian package).
# The statement, not just `import X`, because several packages load little until a submodule
# is touched (celery, django, matplotlib.pyplot, PIL.Image).
CASES: list[tuple[str, str, str]] = [
    ("numpy", "import numpy", "python3-numpy"),
    ("scipy", "import scipy", "python3-scipy"),
    ("pandas", "import pandas", "python3-pandas"),
    ("scikit-learn", "import sklearn", "python3-sklearn"),
    ("scikit-learn", "import sklearn.ensemble, sklearn.linear_model, sklearn.model_selection", "python3-sklearn"),
    ("xgboost", "import xgboost", "python3-xgboost"),
    ("joblib", "import joblib", "python3-joblib"),
    ("torch", "import torch", "python3-torch"),
    ("torchvision", "import torchvision", "python3-torchvision"),
    ("torchaudio", "import torchaudio", "python3-torchaudio"),
    ("faiss-cpu", "import faiss", "python3-faiss"),
    ("sentencepiece", "import sentencepiece", "python3-sentencepiece"),
    ("opencv-python", "import cv2", "python3-opencv"),
    ("pillow", "from PIL import Image", "python3-pil"),
    ("matplotlib", "import matplotlib.pyplot", "python3-matplotlib"),
    ("soundfile", "import soundfile", "python3-soundfile"),
    ("flask", "import flask", "python3-flask"),
    ("werkzeug", "import werkzeug", "python3-werkzeug"),
    ("jinja2", "import jinja2", "python3-jinja2"),
    ("gunicorn", "from gunicorn.app.wsgiapp import WSGIApplication", "python3-gunicorn"),
    ("fastapi", "import fastapi", "python3-fastapi"),
    ("starlette", "import starlette.applications", "python3-starlette"),
    ("pydantic", "import pydantic", "python3-pydantic"),
    ("uvicorn", "import uvicorn", "python3-uvicorn"),
    ("django", "import django.http, django.urls; from django.db import models", "python3-django"),
    ("celery", "from celery import Celery; Celery('x')", "python3-celery"),
    ("redis", "import redis", "python3-redis"),
    ("psycopg2", "import psycopg2", "python3-psycopg2"),
    ("sqlalchemy", "import sqlalchemy, sqlalchemy.orm", "python3-sqlalchemy"),
    ("boto3", "import boto3", "python3-boto3"),
    ("boto3", "import boto3; boto3.client('s3', region_name='us-east-1')", "python3-boto3"),
    ("botocore", "import botocore.session", "python3-botocore"),
    ("requests", "import requests", "python3-requests"),
    ("httpx", "import httpx", "python3-httpx"),
    ("cryptography", "from cryptography.fernet import Fernet", "python3-cryptography"),
    ("pyyaml", "import yaml", "python3-yaml"),
    ("pyjwt", "import jwt", "python3-jwt"),
    ("beautifulsoup4", "import bs4", "python3-bs4"),
    ("python-dotenv", "import dotenv", "python3-dotenv"),
    ("python-docx", "import docx", "python3-docx"),
    ("pypdf2", "import PyPDF2", "python3-pypdf2"),
    ("python-jose", "import jose.jwt", "python3-jose"),
    ("passlib", "from passlib.context import CryptContext", "python3-passlib"),
    ("python-multipart", "import multipart", "python3-multipart"),
    ("bcrypt", "import bcrypt", "python3-bcrypt"),
    ("marshmallow", "import marshmallow", "python3-marshmallow"),
    ("flask-cors", "import flask_cors", "python3-flask-cors"),
    ("flask-sqlalchemy", "import flask_sqlalchemy", "python3-flask-sqlalchemy"),
    ("flask-migrate", "import flask_migrate", "python3-flask-migrate"),
    ("flask-socketio", "import flask_socketio", "python3-flask-socketio"),
    ("email-validator", "import email_validator", "python3-email-validator"),
    # Dependencies the packages above load, so their memory can be counted once.
    ("urllib3", "import urllib3", "python3-urllib3"),
    ("certifi", "import certifi", "python3-certifi"),
    ("idna", "import idna", "python3-idna"),
    ("charset-normalizer", "import charset_normalizer", "python3-charset-normalizer"),
    ("typing-extensions", "import typing_extensions", "python3-typing-extensions"),
    ("markupsafe", "import markupsafe", "python3-markupsafe"),
    ("itsdangerous", "import itsdangerous", "python3-itsdangerous"),
    ("click", "import click", "python3-click"),
    ("blinker", "import blinker", "python3-blinker"),
    ("python-dateutil", "import dateutil.parser", "python3-dateutil"),
    ("pytz", "import pytz", "python3-tz"),
    ("six", "import six", "python3-six"),
    ("threadpoolctl", "import threadpoolctl", "python3-threadpoolctl"),
    ("anyio", "import anyio", "python3-anyio"),
    ("sniffio", "import sniffio", "python3-sniffio"),
    ("h11", "import h11", "python3-h11"),
    ("httpcore", "import httpcore", "python3-httpcore"),
    ("kombu", "import kombu", "python3-kombu"),
    ("billiard", "import billiard", "python3-billiard"),
    ("amqp", "import amqp", "python3-amqp"),
    ("vine", "import vine", "python3-vine"),
    ("greenlet", "import greenlet", "python3-greenlet"),
    ("jmespath", "import jmespath", "python3-jmespath"),
    ("s3transfer", "import s3transfer", "python3-s3transfer"),
    ("packaging", "import packaging.version", "python3-packaging"),
    ("sympy", "import sympy", "python3-sympy"),
    ("mpmath", "import mpmath", "python3-mpmath"),
    ("lxml", "import lxml.etree", "python3-lxml"),
    ("soupsieve", "import soupsieve", "python3-soupsieve"),
    ("alembic", "import alembic", "python3-alembic"),
    ("mako", "import mako.template", "python3-mako"),
    ("python-engineio", "import engineio", "python3-engineio"),
    ("python-socketio", "import socketio", "python3-socketio"),
    ("dnspython", "import dns.resolver", "python3-dnspython"),
    ("asgiref", "import asgiref", "python3-asgiref"),
    ("pyparsing", "import pyparsing", "python3-pyparsing"),
    ("kiwisolver", "import kiwisolver", "python3-kiwisolver"),
    ("cycler", "import cycler", "python3-cycler"),
    ("psutil", "import psutil", "python3-psutil"),
    ("fonttools", "import fontTools", "python3-fonttools"),
    ("contourpy", "import contourpy", "python3-contourpy"),
]

# Modules that Debian ships without dist-info, so packages_distributions() cannot name them.
NO_METADATA = {"cv2": "opencv-python", "_cffi_backend": "cffi"}

# Runs inside the measured interpreter. PRE is a list of import statements loaded first.
PROBE = r"""
import sys, time, json
def _status():
    d = {}
    with open('/proc/self/status') as f:
        for line in f:
            k, _, v = line.partition(':')
            if k in ('VmHWM', 'VmRSS'):
                d[k] = int(v.split()[0]) / 1024.0
    return d
_base = _status()
_t0 = time.perf_counter()
for _s in PRE:
    exec(_s)
_t1 = time.perf_counter()
_pre = _status()
_before = set(sys.modules)
_t2 = time.perf_counter()
exec(STMT)
_t3 = time.perf_counter()
_after = _status()
_new = sorted({m.split('.')[0] for m in set(sys.modules) - _before})
print('@@' + json.dumps({'base': _base, 'pre': _pre, 'after': _after,
    'pre_s': _t1 - _t0, 'own_s': _t3 - _t2, 'new_top': _new}))
"""


def probe(stmt: str, pre: list[str]) -> dict:
    code = f"PRE = {pre!r}\nSTMT = {stmt!r}\n" + PROBE
    out = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, check=True)
    line = next(l for l in out.stdout.splitlines() if l.startswith("@@"))
    return json.loads(line[2:])


def dist_of(top: str, pd: dict[str, list[str]]) -> str | None:
    if top in NO_METADATA:
        return NO_METADATA[top]
    names = pd.get(top)
    if not names:
        return None
    return names[0].lower().replace("_", "-").replace(".", "-")


def du_mib(paths: list[str]) -> float:
    total = 0
    seen: set[tuple[int, int]] = set()
    for p in paths:
        for root, _dirs, files in os.walk(p) if os.path.isdir(p) else [(os.path.dirname(p), [], [os.path.basename(p)])]:
            for f in files:
                try:
                    st = os.lstat(os.path.join(root, f))
                except OSError:
                    continue
                if (st.st_dev, st.st_ino) in seen:
                    continue
                seen.add((st.st_dev, st.st_ino))
                total += st.st_blocks * 512
    return total / 2**20


def module_paths(top: str) -> list[str]:
    code = (
        "import importlib.util, json; s = importlib.util.find_spec(%r); "
        "print(json.dumps(list(s.submodule_search_locations or []) or [s.origin]))" % top
    )
    out = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True)
    try:
        return json.loads(out.stdout)
    except json.JSONDecodeError:
        return []


def deb_version(pkg: str) -> str:
    out = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg], capture_output=True, text=True)
    return out.stdout.strip() or "?"


def interpreter(runs: int) -> dict:
    hwm, wall = [], []
    code = "print(open('/proc/self/status').read())"
    subprocess.run([PYTHON, "-c", "pass"], check=True)
    for _ in range(max(runs, 10)):
        t0 = time.perf_counter()
        subprocess.run([PYTHON, "-c", "pass"], check=True)
        wall.append(time.perf_counter() - t0)
        out = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            if line.startswith("VmHWM:"):
                hwm.append(int(line.split()[1]) / 1024.0)
    return {"hwm": statistics.median(hwm), "start_s": statistics.median(wall)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--json")
    ap.add_argument("--only", help="comma-separated distribution names")
    args = ap.parse_args()
    import importlib.metadata as md  # noqa: PLC0415 - stdlib, here only to keep the top short

    pd = md.packages_distributions()
    only = set(args.only.split(",")) if args.only else None
    results = []
    interp = interpreter(args.runs)
    print(f"# {platform.platform()}, python {platform.python_version()} ({PYTHON}), "
          f"{os.cpu_count()} CPUs, runs={args.runs}, median")
    print(f"# interpreter: VmHWM {interp['hwm']:.1f} MiB, `python3 -c pass` wall {interp['start_s']*1000:.0f} ms")
    print("| distribution | statement | deb version | total HWM | own ΔHWM | total s | own s | loads | du MiB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for dist, stmt, deb in CASES:
        if only and dist not in only:
            continue
        first = probe(stmt, [])  # warm-up; also discovers what the statement loads
        own_top = stmt.replace(";", " ").replace(",", " ").split()[1].split(".")[0]
        loads = []
        for top in first["new_top"]:
            d = dist_of(top, pd)
            if d and d != dist and d not in loads and top != own_top and not top.startswith("_"):
                loads.append(d)
        # Pre-import the top-level module of each distribution it loads (the first one seen).
        pre_mods = []
        for d in loads:
            tops = [t for t in first["new_top"] if dist_of(t, pd) == d and not t.startswith("_")]
            if tops:
                pre_mods.append(f"import {tops[0]}")
        totals = [probe(stmt, []) for _ in range(args.runs)]
        owns = [probe(stmt, pre_mods) for _ in range(args.runs)]
        r = {
            "dist": dist,
            "stmt": stmt,
            "deb": deb,
            "debVersion": deb_version(deb),
            "totalHwmMiB": statistics.median(t["after"]["VmHWM"] for t in totals),
            "totalRssMiB": statistics.median(t["after"]["VmRSS"] for t in totals),
            "ownHwmMiB": statistics.median(o["after"]["VmHWM"] - o["pre"]["VmHWM"] for o in owns),
            "totalSeconds": statistics.median(t["own_s"] for t in totals),
            "ownSeconds": statistics.median(o["own_s"] for o in owns),
            "loads": loads,
            "duMiB": du_mib(module_paths(own_top)),
        }
        results.append(r)
        print(f"| {dist} | `{stmt}` | {r['debVersion']} | {r['totalHwmMiB']:.1f} | {r['ownHwmMiB']:.1f} | "
              f"{r['totalSeconds']:.3f} | {r['ownSeconds']:.3f} | {', '.join(loads)} | {r['duMiB']:.1f} |",
              flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": platform.platform(), "cpus": os.cpu_count(), "python": platform.python_version(),
                       "interpreter": interp, "results": results}, f, indent=1)


if __name__ == "__main__":
    main()
