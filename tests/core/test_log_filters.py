import logging

SIGNER = logging.getLogger("pyhanko.sign.signers.pdf_signer")


def test_pyhankos_notice_about_offline_validation_is_dropped_and_its_other_warnings_kept(caplog):
    with caplog.at_level(logging.WARNING):
        SIGNER.warning("Validation/revocation info will be embedded, but fetching is not allowed. "
                       "This may give rise to unexpected results.")
        SIGNER.warning("Signer certificate is expired")
    assert [record.getMessage() for record in caplog.records] == ["Signer certificate is expired"]
