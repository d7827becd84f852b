
"""core/pdf.py: WeasyPrint rendering with the installed CJK font, the start-up check, PAdES signing."""

import datetime
import io
import re
import shutil
import subprocess

import pytest

from core import checks
from core.pdf import TimestampUnavailable, harfbuzz_subset_available, render_pdf, sign_pdf
from gov_services.certificates.pki import demo_county_signer
from tests.gov_services.certificate_helpers import pdf_text, squash

# Common and rarer characters: a missing glyph would come out as nothing or a box in the extracted text.
CHINESE = "乐亭县民政局 兹证明王秀英同志户籍在胡家坨镇大黑坨村。鑫淼犇骉 〇一二三 ㈠ 2026年1月5日"


def poppler(tool: str, pdf: bytes) -> str:
    """Output of a poppler-utils tool (installed by scripts/install-system-deps.sh) run on the PDF."""
    if not shutil.which(tool):
        pytest.skip(f"{tool} (poppler-utils) is not installed")
    return subprocess.run([tool, "-"], input=pdf, capture_output=True, check=True).stdout.decode("utf-8")


def page_size_points(pdf: bytes) -> tuple[float, float]:
    match = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", poppler("pdfinfo", pdf))
    return float(match.group(1)), float(match.group(2))


def test_chinese_text_comes_out_of_the_pdf_exactly_as_it_went_in():
    pdf = render_pdf(html=f'<html lang="zh-Hans"><body><p>{CHINESE}</p></body></html>')
    assert pdf.startswith(b"%PDF-")
    assert squash(pdf_text(pdf)) == squash(CHINESE)


def test_the_pdf_embeds_the_noto_cjk_serif_font_subset():
    pdf = render_pdf(html='<html lang="zh-Hans"><body><p>证明</p></body></html>')
    fonts = poppler("pdffonts", pdf)
    assert re.search(r"[A-Z]{6}\+Noto-Serif-CJK-SC\s+CID Type 0C.*yes\s+yes\s+yes", fonts), fonts


def test_pages_are_a4_unless_the_document_says_otherwise():
    width, height = page_size_points(render_pdf(html="<p>A4</p>"))
    assert (round(width), round(height)) == (595, 842)
    width, height = page_size_points(render_pdf(html="<style>@page { size: A5 landscape }</style><p>A5</p>"))
    assert (round(width), round(height)) == (595, 420)


def test_nothing_outside_the_document_is_fetched(tmp_path):
    from PIL import Image

    image = tmp_path / "secret.png"
    Image.new("RGB", (50, 50), (255, 0, 0)).save(image)
    html = f'<p>x</p><img src="file://{image}"><img src="http://127.0.0.1:9/x.png">'
    assert b"/Subtype /Image" not in render_pdf(html=html)
    # Relative files resolve under an explicit base_url (other documents' logos and stylesheets).
    assert b"/Subtype /Image" in render_pdf(html='<p>x</p><img src="secret.png">', base_url=f"{tmp_path}/")


def test_data_uri_images_are_rendered():
    import base64

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), (0, 0, 255)).save(buffer, format="PNG")
    uri = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    assert b"/Subtype /Image" in render_pdf(html=f'<img src="{uri}">')


def test_the_start_up_check_warns_only_when_libharfbuzz_subset_is_missing(monkeypatch):
    monkeypatch.setattr(checks, "harfbuzz_subset_available", lambda: True)
    assert checks.harfbuzz_subset_check() == []
    monkeypatch.setattr(checks, "harfbuzz_subset_available", lambda: False)
    [warning] = checks.harfbuzz_subset_check()
    assert warning.id == "core.W001" and "libharfbuzz-subset0" in warning.hint


def test_this_machine_has_libharfbuzz_subset_installed():
    """scripts/install-system-deps.sh installs it; without it every certificate takes ~8 s."""
    assert harfbuzz_subset_available()


@pytest.fixture(scope="module")
def signer():
    return demo_county_signer(county_name="测试县", passphrase=b"pass")


def _validate(pdf: bytes, signer):
    from pyhanko.keys import load_certs_from_pemder_data
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    roots = list(load_certs_from_pemder_data(signer.chain_pem.encode()))
    [signature] = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    return validate_pdf_signature(signature, ValidationContext(trust_roots=roots))


def _signed(signer) -> bytes:
    pdf = render_pdf(html=f'<html lang="zh-Hans"><body><p>{CHINESE}</p></body></html>')
    return sign_pdf(pdf=pdf, key_pem=signer.private_key_pem.encode(), passphrase=b"pass",
                    certificate_pem=signer.certificate_pem.encode(), chain_pem=signer.chain_pem.encode(),
                    reason="电子证照", location="测试县")


def test_a_signed_pdf_validates_with_pyhanko_against_the_county_ca(signer):
    status = _validate(_signed(signer), signer)
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert "测试县电子证照签章" in status.signing_cert.subject.human_friendly


def test_any_change_to_a_signed_pdf_is_detected(signer):
    pdf = bytearray(_signed(signer))
    position = pdf.index(b"/MediaBox") + len(b"/MediaBox [0 0 59")
    pdf[position] = ord("4") if pdf[position] != ord("4") else ord("3")
    status = _validate(bytes(pdf), signer)
    assert not status.intact and not status.bottom_line


def test_a_pdf_signed_by_another_ca_is_not_trusted(signer):
    other = demo_county_signer(county_name="别的县", passphrase=b"pass")
    status = _validate(_signed(other), signer)
    assert status.intact and not status.trusted and not status.bottom_line


def test_without_a_tsa_the_signature_has_no_timestamp(signer, settings):
    settings.PDF_TIMESTAMP_URL = ""
    assert _validate(_signed(signer), signer).timestamp_validity is None


def test_with_a_tsa_the_signature_carries_a_trusted_rfc3161_timestamp(signer, local_tsa):
    from pyhanko.keys import load_certs_from_pemder_data
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    before = datetime.datetime.now(datetime.UTC)
    pdf = _signed(signer)
    [signature] = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    status = validate_pdf_signature(
        signature, ValidationContext(trust_roots=list(load_certs_from_pemder_data(signer.chain_pem.encode()))),
        ts_validation_context=ValidationContext(trust_roots=list(load_certs_from_pemder_data(local_tsa.root_pem))))
    assert status.bottom_line and status.timestamp_validity.valid and status.timestamp_validity.trusted
    stamped = status.timestamp_validity.timestamp
    assert before - datetime.timedelta(seconds=5) <= stamped <= datetime.datetime.now(datetime.UTC)
    assert local_tsa.requests == ["application/timestamp-query"]


def test_a_tsa_that_is_down_fails_the_signing_instead_of_leaving_out_the_time(signer, local_tsa):
    local_tsa.failing = True
    with pytest.raises(TimestampUnavailable):
        _signed(signer)


def test_a_timestamp_from_an_unknown_tsa_is_not_trusted(signer, local_tsa):
    from pyhanko.keys import load_certs_from_pemder_data
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    [signature] = PdfFileReader(io.BytesIO(_signed(signer))).embedded_signatures
    roots = list(load_certs_from_pemder_data(signer.chain_pem.encode()))
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=roots),
                                    ts_validation_context=ValidationContext(trust_roots=roots))
    assert status.timestamp_validity.intact and not status.timestamp_validity.trusted
