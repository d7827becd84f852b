"""A local RFC 3161 time-stamping authority for the tests: a real HTTP server on loopback that answers
TimeStampReq with TimeStampResp (pyHanko's DummyTimeStamper signs them with a TSA certificate made here),
so that certificate signing goes through pyHanko's real HTTP client, as it does against a county's TSA."""

import datetime
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


@dataclass
class LocalTsa:
    url: str
    root_pem: bytes
    requests: list = field(default_factory=list)
    failing: bool = False  # answer 503, as a TSA that is down


def _tsa_material():
    now = datetime.datetime.now(datetime.UTC)
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "测试时间戳根证书")])
    root = (x509.CertificateBuilder().subject_name(root_name).issuer_name(root_name)
            .public_key(root_key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .sign(root_key, hashes.SHA256()))
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "测试时间戳服务")]))
            .issuer_name(root_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=29))
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
            .sign(root_key, hashes.SHA256()))
    der = serialization.Encoding.DER
    return (asn1_x509.Certificate.load(root.public_bytes(der)), asn1_x509.Certificate.load(cert.public_bytes(der)),
            asn1_keys.PrivateKeyInfo.load(key.private_bytes(der, serialization.PrivateFormat.PKCS8,
                                                            serialization.NoEncryption())),
            root.public_bytes(serialization.Encoding.PEM))


@pytest.fixture(scope="session")
def _tsa_keys():
    return _tsa_material()


@pytest.fixture
def local_tsa(_tsa_keys, settings, tmp_path):
    """A running TSA; settings.PDF_TIMESTAMP_URL points at it and PDF_TIMESTAMP_TRUST_ROOTS holds its root."""
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    root, cert, key, root_pem = _tsa_keys
    stamper = DummyTimeStamper(tsa_cert=cert, tsa_key=key, certs_to_embed=[root])
    state = LocalTsa(url="", root_pem=root_pem)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            state.requests.append(self.headers.get("Content-Type"))
            if state.failing:
                self.send_response(503)
                self.end_headers()
                return
            reply = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_port}/tsr"
    settings.PDF_TIMESTAMP_URL = state.url
    (tmp_path / "tsa-root.pem").write_bytes(root_pem)
    settings.PDF_TIMESTAMP_TRUST_ROOTS = str(tmp_path / "tsa-root.pem")
    yield state
    server.shutdown()
    server.server_close()
