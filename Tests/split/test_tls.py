"""TLS between the split roles, checked from outside with Python's own TLS stack: a throwaway CA (made by openssl)
issues a certificate for 127.0.0.1; the gateway and the backend serve HTTPS with it (`serve --tls-cert --tls-key`);
the backend trusts the gateway through SWITCHYARD_GATEWAY_CA_FILE. A plain-HTTP client and a client that does not
trust the CA are refused; a backend without the CA is not ready.

Run by scripts/split-roles.sh, which sets SWITCHYARD_BIN, the secrets and SPLIT_LOGDIR."""
import http.client
import json
import os
import ssl
import subprocess
import sys
import time
import uuid

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from switchyard_client import user_token  # noqa: E402

BIN = os.environ["SWITCHYARD_BIN"]
LOGDIR = os.environ["SPLIT_LOGDIR"]
CONFIG = os.path.join(os.path.dirname(__file__), "config.json")
GATEWAY_PORT, BACKEND_PORT, BLIND_PORT = 18781, 18782, 18783


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=cwd)


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    """A CA, and a server certificate it issued for 127.0.0.1 and localhost."""
    root = tmp_path_factory.mktemp("pki")
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
            "-subj", "/CN=Switchyard test CA", cwd=root)
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
            "-subj", "/CN=127.0.0.1", cwd=root)
    (root / "san.ext").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                                  "extendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "server.pem", "-days", "2", "-extfile", "san.ext", cwd=root)
    return root


def trusting(pki):
    return ssl.create_default_context(cafile=str(pki / "ca.pem"))


def request(port, method, path, context=None, body=None, token=None, timeout=10):
    """One HTTPS request (HTTP when `context` is None). Returns (status, parsed body)."""
    if context is None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    else:
        connection = http.client.HTTPSConnection("127.0.0.1", port, timeout=timeout, context=context)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        connection.request(method, path, None if body is None else json.dumps(body), headers)
        response = connection.getresponse()
        raw = response.read()
        return response.status, json.loads(raw) if raw else None
    finally:
        connection.close()


def serve(pki, port, role, env=None):
    log = open(os.path.join(LOGDIR, f"tls-{role}-{uuid.uuid4().hex[:6]}.log"), "a")
    process = subprocess.Popen(
        [BIN, "serve", "--role", role, "--port", str(port),
         "--tls-cert", str(pki / "server.pem"), "--tls-key", str(pki / "server.key")],
        env=dict(os.environ, SWITCHYARD_CONFIG=CONFIG, **(env or {})), stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            if request(port, "GET", "/health", trusting(pki), timeout=1)[0] == 200:
                return process
        except OSError:
            pass
        if process.poll() is not None:
            break
        time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"switchyard --role {role} on {port} did not start over TLS; see {log.name}")


def stop(*processes):
    for process in processes:
        process.terminate()
    for process in processes:
        assert process.wait(timeout=30) == 0


def test_the_split_roles_speak_tls_and_refuse_what_does_not(tmp_path, pki):
    database = {"SWITCHYARD_SQLITE_PATH": str(tmp_path / "switchyard.sqlite"), "DATABASE_URL": ""}
    subprocess.run([BIN, "migrate"], check=True, capture_output=True,
                   env=dict(os.environ, SWITCHYARD_CONFIG=CONFIG, **database))
    gateway_url = f"https://127.0.0.1:{GATEWAY_PORT}"
    gateway = serve(pki, GATEWAY_PORT, "gateway")
    backend = serve(pki, BACKEND_PORT, "backend", dict(
        database, SWITCHYARD_GATEWAY_URL=gateway_url, SWITCHYARD_GATEWAY_CA_FILE=str(pki / "ca.pem")))
    # The same backend without the CA: it cannot verify the gateway.
    blind = serve(pki, BLIND_PORT, "backend", dict(database, SWITCHYARD_GATEWAY_URL=gateway_url))
    try:
        # Plain HTTP to a TLS port gets no HTTP answer.
        with pytest.raises((http.client.HTTPException, ConnectionError, OSError)):
            status, _ = request(GATEWAY_PORT, "GET", "/health")
            assert status != 200
        # A client that does not trust the CA refuses the certificate.
        with pytest.raises(ssl.SSLCertVerificationError):
            request(GATEWAY_PORT, "GET", "/health", ssl.create_default_context())

        # The backend reaches the gateway over TLS: ready, and a chat turn is answered.
        assert request(BACKEND_PORT, "GET", "/ready", trusting(pki))[0] == 200
        status, bot = request(BACKEND_PORT, "POST", "/admin/v1/bots", trusting(pki),
                              {"name": f"Secure {uuid.uuid4().hex[:6]}", "status": "launched"},
                              token=os.environ["SWITCHYARD_ADMIN_KEY"])
        assert status == 201, bot
        status, config = request(BACKEND_PORT, "POST", f"/admin/v1/bots/{bot['slug']}/llm-configs", trusting(pki),
                                 {"llm_provider": "mock", "model_name": "m-1", "prompt": "You are {{bot_name}}.",
                                  "is_active": True}, token=os.environ["SWITCHYARD_ADMIN_KEY"])
        assert status == 201, config
        status, reply = request(BACKEND_PORT, "POST", f"/v1/bots/{bot['slug']}/chat", trusting(pki),
                                {"message": "hello over tls"}, token=user_token("tls-user"))
        assert status == 200, reply
        assert reply["message"]

        # Without the CA the backend cannot verify the gateway's certificate: it is not ready.
        assert request(BLIND_PORT, "GET", "/ready", trusting(pki))[0] == 503
    finally:
        stop(blind, backend, gateway)


def serve_plain(port, env):
    log = open(os.path.join(LOGDIR, f"plain-gateway-{uuid.uuid4().hex[:6]}.log"), "a")
    process = subprocess.Popen([BIN, "serve", "--role", "gateway", "--port", str(port)],
                               env=dict(os.environ, SWITCHYARD_CONFIG=CONFIG, **env), stdout=log,
                               stderr=subprocess.STDOUT)
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            if request(port, "GET", "/health", timeout=1)[0] == 200:
                return process
        except OSError:
            pass
        time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"a plain gateway on {port} did not start; see {log.name}")


CHAIN_PORT, BLIND_CHAIN_PORT = 18784, 18785


def test_an_https_upstream_is_verified_against_the_operators_ca(pki):
    """A gateway's OpenAI-compatible upstream over HTTPS (here: the TLS gateway itself): answers read whole go
    through the lean HTTP/1.1 client, which verifies the certificate against the system roots plus
    SWITCHYARD_GATEWAY_CA_FILE; without that CA the same call fails as a transport error, and nothing leaks."""
    upstream = serve(pki, GATEWAY_PORT, "gateway")
    key = subprocess.run([BIN, "token", "--service", "chain", "--ttl", "600"], check=True, capture_output=True,
                         text=True, env=dict(os.environ, SWITCHYARD_CONFIG=CONFIG)).stdout.strip()
    base = {"OPENAI_BASE_URL": f"https://127.0.0.1:{GATEWAY_PORT}/v1", "OPENAI_API_KEY": key}
    chain = serve_plain(CHAIN_PORT, dict(base, SWITCHYARD_GATEWAY_CA_FILE=str(pki / "ca.pem")))
    blind = serve_plain(BLIND_CHAIN_PORT, base)
    token = subprocess.run([BIN, "token", "--service", "caller", "--ttl", "600"], check=True, capture_output=True,
                           text=True, env=dict(os.environ, SWITCHYARD_CONFIG=CONFIG)).stdout.strip()
    body = {"model": "openai/mock/m-1", "messages": [{"role": "user", "content": "hello through two gateways"}]}
    try:
        for _ in range(3):  # the kept connection is used again
            status, reply = request(CHAIN_PORT, "POST", "/v1/chat/completions", body=body, token=token)
            assert status == 200, reply
            assert reply["object"] == "chat.completion"
            assert reply["choices"][0]["message"]["content"]
        status, reply = request(BLIND_CHAIN_PORT, "POST", "/v1/chat/completions", body=body, token=token)
        assert status == 502, reply
        assert reply["error"]["code"] == "upstream_unreachable", reply
        assert "transport" in reply["error"]["message"]
        assert key not in json.dumps(reply)
    finally:
        stop(blind, chain, upstream)
