"""Serveur de démarrage (port 8080): starts the backend and the frontend and shows their status."""

import atexit
import os
import subprocess
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

ROOT = os.path.dirname(os.path.abspath(__file__))
LAUNCHER_PORT = 8080

SERVICES = {
    "backend": {
        "cmd": ["uvicorn", "main:app", "--reload", "--port", "8000"],
        "cwd": os.path.join(ROOT, "backend"),
        "url": "http://localhost:8000/docs",
    },
    "frontend": {
        "cmd": ["npm", "run", "dev"],
        "cwd": os.path.join(ROOT, "frontend"),
        "url": "http://localhost:3000",
    },
}
processes = {}


def start_all():
    for name, spec in SERVICES.items():
        print(f"Starting {name}: {' '.join(spec['cmd'])} (in {spec['cwd']})")
        processes[name] = subprocess.Popen(spec["cmd"], cwd=spec["cwd"])


def stop_all():
    for proc in processes.values():
        if proc.poll() is None:
            proc.terminate()


class StatusHandler(BaseHTTPRequestHandler):
    def do_GET(self):
        rows = []
        for name, spec in SERVICES.items():
            proc = processes.get(name)
            running = proc is not None and proc.poll() is None
            state = "en marche" if running else f"arrêté (code {proc.returncode if proc else '-'})"
            rows.append(f"<tr><td>{name}</td><td>{state}</td><td><a href='{spec['url']}'>{spec['url']}</a></td></tr>")
        body = (
            "<html><head><meta charset='utf-8'><title>Procédures - démarrage</title></head><body>"
            "<h1>Serveurs</h1><table border='1' cellpadding='6'>" + "".join(rows) + "</table></body></html>"
        ).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


if __name__ == "__main__":
    atexit.register(stop_all)
    start_all()
    server = HTTPServer(("localhost", LAUNCHER_PORT), StatusHandler)
    print(f"Launcher on http://localhost:{LAUNCHER_PORT}")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        sys.exit(0)
