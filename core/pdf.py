"""PDF rendering: the one module that imports WeasyPrint.

Call `render_pdf` from Celery tasks, never inside a web request (a CJK page costs ~0.15 s warm,
~1 s cold). WeasyPrint is imported lazily so that web processes that never render pay nothing.
"""

import ctypes
import functools
import gc
import threading

# A user-level stylesheet: A4, the installed CJK serif. The document's own CSS (author level)
# wins over it, so a template's @page rule or font-family replaces these defaults.
DEFAULT_CSS = """
@page { size: A4; margin: 18mm; }
html { font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", serif; }
"""

# Room for the CMS signature with the signer's certificate and a short chain (an RSA-4096 chain of
# three fits) and an RFC 3161 timestamp token with its TSA's chain; a signature too large for it makes
# pyHanko raise rather than write a broken file.
SIGNATURE_BYTES_RESERVED = 24 * 1024
_lock = threading.Lock()
_state: dict = {}


def harfbuzz_subset_available() -> bool:
    """True when libharfbuzz-subset is loadable: WeasyPrint then subsets CJK fonts ~60x faster."""
    for name in ("libharfbuzz-subset.so.0", "libharfbuzz-subset.0.dylib", "libharfbuzz-subset-0.dll"):
        try:
            ctypes.CDLL(name)
        except OSError:
            continue
        return True
    return False


def _weasyprint():
    """Import WeasyPrint once per process and keep one font configuration and default CSS."""
    with _lock:
        if not _state:
            import weasyprint
            import weasyprint.urls
            from weasyprint.text.fonts import FontConfiguration

            font_config = FontConfiguration()
            _state.update(
                module=weasyprint,
                font_config=font_config,
                css=weasyprint.CSS(string=DEFAULT_CSS, font_config=font_config),
            )
            # Move everything alive now (Django, WeasyPrint, fonts) out of the collector's sight, so the
            # gc.collect() after each render scans only what that render made: ~0.7 s less per PDF in a
            # process with the whole project loaded.
            gc.collect()
            gc.freeze()
    return _state


def render_pdf(*, html: str, base_url: str | None = None) -> bytes:
    """Render an HTML document to PDF bytes (A4 unless the HTML's @page says otherwise).

    `base_url` resolves relative links (images, stylesheets) to local files; pass None for
    self-contained HTML (data: URIs). Nothing is ever fetched over the network: http(s) links are
    refused (no server-side requests from documents whose HTML county staff may edit), and
    file: links only when a base_url is given. Put `<html lang="zh-Hans">` in the document so the
    SC glyph forms are chosen.
    """
    state = _weasyprint()
    fetcher = state["module"].urls.URLFetcher(allowed_protocols={"data", "file"} if base_url else {"data"})
    try:
        document = state["module"].HTML(string=html, base_url=base_url, url_fetcher=fetcher)
        return document.write_pdf(stylesheets=[state["css"]], font_config=state["font_config"])
    finally:
        # WeasyPrint's layout objects hold ~16 MB per CJK page until a full collection runs.
        gc.collect()


@functools.lru_cache(maxsize=8)
def _signer(key_pem: bytes, passphrase: bytes | None, certificate_pem: bytes, chain_pem: bytes):
    """The pyHanko signer, kept per process: opening the encrypted key (scrypt) costs ~0.1–0.3 s."""
    from pyhanko.keys import load_certs_from_pemder_data, load_private_key_from_pemder_data
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    certificate = next(iter(load_certs_from_pemder_data(certificate_pem)))
    chain = list(load_certs_from_pemder_data(chain_pem)) if chain_pem else []
    return signers.SimpleSigner(
        signing_cert=certificate,
        signing_key=load_private_key_from_pemder_data(key_pem, passphrase),
        cert_registry=SimpleCertificateStore.from_certs([certificate, *chain]),
    )


class TimestampUnavailable(RuntimeError):
    """The time-stamping authority did not answer, or answered with an error: the PDF is not signed."""


def _timestamper():
    """An RFC 3161 client for settings.PDF_TIMESTAMP_URL (pyHanko's, over `requests`), or None."""
    from django.conf import settings

    if not settings.PDF_TIMESTAMP_URL:
        return None
    from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper

    return RequestsHTTPTimeStamper(settings.PDF_TIMESTAMP_URL, timeout=settings.PDF_TIMESTAMP_TIMEOUT)


def _validation_context(trust_roots_pem: bytes, crls_der: tuple[bytes, ...], fetch: bool):
    """What pyHanko validates the signer's and the TSA's chains with while signing, and embeds (DSS)."""
    from asn1crypto import crl as asn1_crl
    from pyhanko.keys import load_certs_from_pemder_data
    from pyhanko_certvalidator import ValidationContext

    fetching = {}
    if fetch:
        from pyhanko_certvalidator.fetchers.requests_fetchers import RequestsFetcherBackend

        fetching = {"fetcher_backend": RequestsFetcherBackend()}
    return ValidationContext(trust_roots=list(load_certs_from_pemder_data(trust_roots_pem)),
                             crls=[asn1_crl.CertificateList.load(der) for der in crls_der], allow_fetching=fetch,
                             **fetching)


def sign_pdf(*, pdf: bytes, key_pem: bytes, passphrase: bytes | None, certificate_pem: bytes,
             chain_pem: bytes = b"", reason: str = "", location: str = "", trust_roots_pem: bytes = b"",
             crls_der: tuple[bytes, ...] = (), fetch_revocation: bool = False) -> bytes:
    """Sign a PDF (PAdES, an incremental update) with an X.509 certificate and its key: with an RFC 3161
    timestamp from settings.PDF_TIMESTAMP_URL when that is set (B-T, else B-B); with `trust_roots_pem`
    given, the chains of the signer and the TSA up to those roots and their revocation data (`crls_der`,
    and what is fetched when `fetch_revocation`) are embedded too: B-LT, verifiable offline long after.

    Any later change of the signed bytes makes a standard validator (pyHanko, Adobe) report the
    signature as broken. `chain_pem` holds the CA certificates to embed. TimestampUnavailable when the
    time-stamping authority fails (the caller retries; nothing is signed without the promised time).
    """
    import io

    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.timestamps.common_utils import TimestampRequestError

    signer = _signer(key_pem, passphrase, certificate_pem, chain_pem)
    long_term = ({"embed_validation_info": True,
                  "validation_context": _validation_context(trust_roots_pem, crls_der, fetch_revocation)}
                 if trust_roots_pem else {})
    # Ed25519 (officials' keys) signs with SHA-512 by definition; the ECDSA and RSA keys with SHA-256.
    digest = "sha512" if signer.signing_key.algorithm == "ed25519" else "sha256"
    meta = signers.PdfSignatureMetadata(field_name="CunzhanSignature", subfilter=fields.SigSeedSubFilter.PADES,
                                        md_algorithm=digest, reason=reason or None, location=location or None,
                                        **long_term)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    # Reserving the signature's room up front skips pyHanko's trial signature (one more key operation).
    try:
        signed = signers.sign_pdf(writer, meta, signer=signer, timestamper=_timestamper(),
                                  bytes_reserved=SIGNATURE_BYTES_RESERVED)
    except TimestampRequestError as error:
        raise TimestampUnavailable(str(error)) from error
    return signed.getvalue()
