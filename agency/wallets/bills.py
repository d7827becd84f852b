"""The wallets' daily bill files, read into rows to compare with our records.

* WeChat Pay's trade bill (交易账单, bill_type ALL): UTF-8 CSV, a header row, one row per payment or refund,
  every field prefixed with a backquote (`), then a summary header (总交易单数 …) and its row.
* Alipay's business bill (业务明细): GBK CSV inside a zip (or the CSV alone), comment lines starting with "#",
  a header row, one row per 交易 (payment) or 退款 (refund; amounts negative).
Unreadable files raise BillUnreadable with a message for the admin (already in words, not a traceback).
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class BillRow:
    out_trade_no: str
    transaction_id: str
    kind: str  # "payment" | "refund"
    amount_fen: int  # positive for both kinds
    at: str
    line: int  # the row's line in the file (1-based), for the report


class BillUnreadable(ValueError):
    pass


def _fen(text: str, line: int) -> int:
    try:
        return abs(int((Decimal(text.strip() or "0") * 100).to_integral_value()))
    except InvalidOperation as error:
        raise BillUnreadable(_("Line %(line)s: “%(value)s” is not an amount.") % {"line": line, "value": text[:20]}) \
            from error


def parse_wechat_tradebill(content: bytes) -> list[BillRow]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BillUnreadable(_("This is not a WeChat Pay trade bill (it is not UTF-8 text).")) from error
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    needed = ("交易时间", "微信订单号", "商户订单号", "交易状态", "应结订单总金额", "退款金额")
    if not header or any(name not in header for name in needed):
        raise BillUnreadable(_("This is not a WeChat Pay trade bill: its first line lacks the columns %(names)s.")
                             % {"names": "、".join(needed)})
    col = {name: header.index(name) for name in needed}
    rows = []
    for line, raw in enumerate(reader, start=2):
        if not raw:
            continue
        if raw[0].startswith("总交易单数"):
            break
        if len(raw) < len(header):
            raise BillUnreadable(_("Line %(line)s has too few fields.") % {"line": line})
        values = [v.strip().lstrip("`") for v in raw]
        refund = values[col["交易状态"]] == "REFUND"
        amount = _fen(values[col["退款金额"]] if refund else values[col["应结订单总金额"]], line)
        rows.append(BillRow(out_trade_no=values[col["商户订单号"]], transaction_id=values[col["微信订单号"]],
                            kind="refund" if refund else "payment", amount_fen=amount, at=values[col["交易时间"]],
                            line=line))
    return rows


def _alipay_csv(content: bytes) -> str:
    if content[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = [n for n in archive.namelist() if n.endswith(".csv") and "汇总" not in n]
                if not names:
                    raise BillUnreadable(_("The zip holds no business detail CSV (…_业务明细.csv)."))
                content = archive.read(names[0])
        except zipfile.BadZipFile as error:
            raise BillUnreadable(_("The zip file is damaged.")) from error
    for encoding in ("gbk", "utf-8-sig"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise BillUnreadable(_("This is not an Alipay bill (neither GBK nor UTF-8 text)."))


def parse_alipay_bill(content: bytes) -> list[BillRow]:
    lines = [(n, line) for n, line in enumerate(_alipay_csv(content).splitlines(), start=1)
             if line.strip() and not line.startswith("#")]
    if not lines:
        raise BillUnreadable(_("This Alipay bill has no rows."))
    header_line, header_text = lines[0]
    header = [h.strip() for h in next(csv.reader([header_text]))]
    needed = ("支付宝交易号", "商户订单号", "业务类型", "完成时间", "订单金额（元）")
    if any(name not in header for name in needed):
        raise BillUnreadable(_("This is not an Alipay business bill: line %(line)s lacks the columns %(names)s.")
                             % {"line": header_line, "names": "、".join(needed)})
    col = {name: header.index(name) for name in needed}
    rows = []
    for line, text in lines[1:]:
        values = [v.strip() for v in next(csv.reader([text]))]
        if len(values) < len(header):
            raise BillUnreadable(_("Line %(line)s has too few fields.") % {"line": line})
        kind = {"交易": "payment", "退款": "refund"}.get(values[col["业务类型"]])
        if kind is None:
            continue  # other business types (e.g. 冻结) are not payments of ours
        rows.append(BillRow(out_trade_no=values[col["商户订单号"]], transaction_id=values[col["支付宝交易号"]], kind=kind,
                            amount_fen=_fen(values[col["订单金额（元）"]], line), at=values[col["完成时间"]], line=line))
    return rows


PARSERS = {"wechat": parse_wechat_tradebill, "alipay": parse_alipay_bill}
