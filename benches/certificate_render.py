"""Certificate PDFs: our issue path (fill the layout, seal, signed QR, render through core/pdf.py, PAdES
sign) against bare WeasyPrint rendering the very same HTML, in the same warm process.

Figures: certificates per second (higher is better; the issue asks for a ratio of at least 0.8) and the
warm time per PDF (lower is better). Renders are interleaved ours / bare so drift hits both alike.
The work runs in a child process (`python -m benches.certificate_render --child`) with Django set up
(no database is touched); it prints one JSON line. BENCH_CERTIFICATE_RENDERS sets the count (default 20;
3 under --short).
"""

from __future__ import annotations

import json
import os
import sys
import time

from benches.harness import Context, Row, child_json, progress, project_env

RENDERS = int(os.environ.get("BENCH_CERTIFICATE_RENDERS", "20"))


def run(ctx: Context) -> list[Row]:
    renders = ctx.scaled(RENDERS, 3)
    env = project_env(BENCH_CERTIFICATE_RENDERS=str(renders))
    progress(f"certificate render: {renders} PDFs ours and {renders} bare, interleaved")
    result = child_json("benches.certificate_render", "--child", env=env)
    ctx.note(
        f"certificate render: one A4 page, Noto Serif CJK SC, seal PNG, QR SVG; PAdES ECDSA P-256; "
        f"harfbuzz subsetting {'on' if result['harfbuzz'] else 'OFF (install libharfbuzz-subset0)'}"
    )
    ratio = result["ours_per_s"] / result["bare_per_s"]
    return [
        Row(
            "certificates per second (render + sign)",
            result["ours_per_s"],
            result["bare_per_s"],
            fmt="{:,.2f} /s",
            note=f"vs bare WeasyPrint, same HTML; {renders} each",
            goal="≥ 0.8×",
            met=ctx.judge(ratio >= 0.8),
        ),
        Row(
            "warm time per certificate PDF",
            result["ours_ms"],
            result["bare_ms"],
            fmt="{:,.0f} ms",
            better="lower",
            note="median",
        ),
    ]


def _child() -> None:
    import statistics

    import django

    django.setup()
    import base64

    import weasyprint

    from core.pdf import harfbuzz_subset_available, render_pdf, sign_pdf
    from demo.seeding.certificates import seal_image
    from gov_services.certificates import layout
    from gov_services.certificates.pki import demo_county_signer
    from gov_services.certificates.services.issue import qr_html

    seal = f'<img class="cz-cert-seal" src="data:image/png;base64,{base64.b64encode(seal_image("县公安局")).decode()}">'
    values = {
        "title": "户籍证明",
        "serial": "130225-2026-000123",
        "holder_name": "王秀英",
        "holder_id_masked": "130225********001X",
        "issue_date": "2026年1月5日",
        "department": "乐亭县公安局",
        "form.purpose": "就业",
    }
    token = "CZ1.LT-GAJ-K1.130225-2026-000123.HJZM.20260105.0.BAddWsnrmfF_MKZhoKTJmw." + "A" * 86
    signer = demo_county_signer(county_name="乐亭县", passphrase=b"bench")

    def ours() -> bytes:
        body = layout.fill(layout.DEFAULT_BODY, values, seal_html=seal, qr_html=qr_html(token))
        html = layout.document(title="户籍证明", body=body, css=layout.DEFAULT_CSS)
        pdf = render_pdf(html=html)
        return sign_pdf(
            pdf=pdf,
            key_pem=signer.private_key_pem.encode(),
            passphrase=b"bench",
            certificate_pem=signer.certificate_pem.encode(),
            chain_pem=signer.chain_pem.encode(),
        )

    html = layout.document(
        title="户籍证明",
        body=layout.fill(layout.DEFAULT_BODY, values, seal_html=seal, qr_html=qr_html(token)),
        css=layout.DEFAULT_CSS,
    )

    def bare() -> bytes:
        return weasyprint.HTML(string=html).write_pdf()

    ours(), bare()  # warm: imports, fonts, first layout
    times = {"ours": [], "bare": []}
    for _ in range(RENDERS):
        for name, call in (("ours", ours), ("bare", bare)):
            start = time.perf_counter()
            call()
            times[name].append(time.perf_counter() - start)
    print(
        json.dumps(
            {
                "ours_per_s": RENDERS / sum(times["ours"]),
                "bare_per_s": RENDERS / sum(times["bare"]),
                "ours_ms": statistics.median(times["ours"]) * 1000,
                "bare_ms": statistics.median(times["bare"]) * 1000,
                "harfbuzz": harfbuzz_subset_available(),
            }
        )
    )


if __name__ == "__main__":
    if "--child" in sys.argv:
        _child()
    else:
        from benches.harness import format_table

        print(format_table(run(Context())))
