"""The project's moto server (local/emulator/moto_server.py: moto plus Glue's VersionId check) on a free loopback
port, for a test module or the whole test session."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

# The same wrapper the local pipeline starts (local/emulator/moto.ts).
SERVER_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "local", "emulator", "moto_server.py")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MotoServer:
    def __init__(self, *options: str):
        """options: local/emulator/moto_server.py's test hooks, e.g. "--plain-glue-updates"."""
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen([sys.executable, SERVER_SCRIPT, "-H", "127.0.0.1", "-p", str(self.port), *options],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(self.url + "/moto-api/", timeout=1)
                return
            except OSError as err:
                if self.process.poll() is not None or time.time() > deadline:
                    self.stop()
                    raise RuntimeError(f"moto server did not start on {self.url}") from err
                time.sleep(0.2)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def env(self) -> dict[str, str]:
        return {"AWS_ENDPOINT_URL": self.url, "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1",
                "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


def client(server: MotoServer, service: str):
    import boto3

    return boto3.client(service, endpoint_url=server.url, region_name="us-east-1", aws_access_key_id="testing",
                        aws_secret_access_key="testing")


def clients(server: MotoServer):
    return client(server, "dynamodb"), client(server, "s3")


def apply_env(server: MotoServer, monkeypatch) -> None:
    for name, value in server.env().items():
        monkeypatch.setenv(name, value)
    os.environ.pop("AWS_ENDPOINT_URL_S3", None)
