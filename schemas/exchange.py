"""Disclosures read from the exchange (全国碳排放权交易系统, CCER trading system)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from marshmallow import Schema, fields, post_load, validate, validates_schema

from .base import DisclosureSchema
from .fields import Code, DecimalValue, Money, Quantity, StrictDate, meta
from .issues import typed_error

PARTNER, AGENCY = "partner", "agency"


class TradeSchema(DisclosureSchema):
    """One trade. Prices and volumes are partner-tier; counterparties agency-only."""

    kind = "trade"
    key_fields = ("trade_id",)
    label = {"zh": "成交", "en": "Trade"}
    source = "exchange /trades"

    trade_id = fields.String(required=True, data_key="tradeId",
                             validate=validate.Length(min=1, max=64),
                             metadata=meta("成交编号", "Trade id", PARTNER))
    trade_date = StrictDate(required=True, data_key="tradeDate",
                            metadata=meta("成交日期", "Trade date", PARTNER))
    trade_time = fields.String(required=True, data_key="tradeTime",
                               validate=validate.Regexp(r"^\d{2}:\d{2}:\d{2}$"),
                               metadata=meta("成交时间", "Trade time (UTC+8)", PARTNER))
    subject_code = Code("subject", required=True, data_key="subjectCode",
                        metadata=meta("交易标的", "Subject", PARTNER))
    trade_method = Code("trade_method", required=True, data_key="tradeMethod",
                        metadata=meta("交易方式", "Trading method", PARTNER))
    price = Money(required=True, data_key="dealPric",
                  metadata=meta("成交价", "Price", PARTNER, unit="CNY/t"))
    quantity = Quantity(required=True, data_key="dealQty",
                        metadata=meta("成交量", "Quantity", PARTNER, unit="t"))
    amount = Money(required=True, data_key="dealAmt",
                   metadata=meta("成交额", "Amount", PARTNER, unit="CNY"))
    buy_account = fields.String(required=True, data_key="buyAcct",
                                metadata=meta("买方账户", "Buyer account", AGENCY))
    sell_account = fields.String(required=True, data_key="sellAcct",
                                 metadata=meta("卖方账户", "Seller account", AGENCY))
    buy_uscc = fields.String(required=True, data_key="buyUscc",
                             metadata=meta("买方统一社会信用代码", "Buyer USCC", AGENCY))
    sell_uscc = fields.String(required=True, data_key="sellUscc",
                              metadata=meta("卖方统一社会信用代码", "Seller USCC", AGENCY))

    @validates_schema
    def _amount_matches(self, data: dict[str, Any], **kwargs: Any) -> None:
        expected = (data["price"] * data["quantity"]).quantize(Decimal("0.01"))
        if abs(expected - data["amount"]) > Decimal("0.01") * max(1, data["quantity"] // 1000):
            raise typed_error(
                "amount-mismatch",
                f"dealAmt {data['amount']} is not dealPric × dealQty ({expected})",
                f"成交额 {data['amount']} 不等于成交价×成交量（{expected}）")


class MethodTotalSchema(Schema):
    trade_method = Code("trade_method", required=True, data_key="tradeMethod",
                        metadata=meta("交易方式", "Trading method"))
    volume = Quantity(required=True, data_key="tradeVolume",
                      metadata=meta("成交量", "Volume", unit="t"))
    amount = Money(required=True, data_key="tradeAmount",
                   metadata=meta("成交额", "Amount", unit="CNY"))


def _price(zh: str, en: str, key: str) -> Money:
    return Money(required=True, data_key=key, allow_none=True,
                 metadata=meta(zh, en, unit="CNY/t"))


class MarketDaySchema(DisclosureSchema):
    """One subject's trading day, with per-method totals. Source: the exchange."""

    kind = "market_day"
    key_fields = ("trade_date", "subject_code")
    label = {"zh": "每日行情", "en": "Daily market data"}
    source = "exchange /market/daily (cite: 上海环境能源交易所 Shanghai Environment and Energy Exchange)"

    trade_date = StrictDate(required=True, data_key="tradeDate",
                            metadata=meta("交易日期", "Trading day"))
    subject_code = Code("subject", required=True, data_key="subjectCode",
                        metadata=meta("交易标的", "Subject"))
    open = _price("开盘价", "Open", "openPric")
    high = _price("最高价", "High", "highPric")
    low = _price("最低价", "Low", "lowPric")
    close = _price("收盘价", "Close", "closPric")
    prev_close = _price("前收盘价", "Previous close", "lastClosPric")
    change_pct = DecimalValue(signed=True, required=True, data_key="chanRate",
                              metadata=meta("涨跌幅", "Change", unit="%"))
    volume = Quantity(required=True, data_key="dealQty",
                      metadata=meta("成交量", "Volume", unit="t"))
    amount = Money(required=True, data_key="dealAmt",
                   metadata=meta("成交额", "Amount", unit="CNY"))
    methods = fields.List(fields.Nested(MethodTotalSchema), load_default=list,
                          metadata=meta("分交易方式统计", "Totals per trading method"))

    @post_load
    def _zero_means_none(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        """OHLC of 0.00 means "no listing trade that day", not a price of zero."""
        for name in ("open", "high", "low", "close"):
            if data[name] is not None and data[name] == 0:
                data[name] = None
        return data

    @validates_schema
    def _after_market_opened(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data["trade_date"] < dt.date(2021, 7, 16):
            raise typed_error("invalid-date", "before the first trading day (2021-07-16)",
                              "早于全国碳市场首个交易日（2021-07-16）")
