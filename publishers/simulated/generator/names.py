"""Realistic Chinese organisation names (synthetic; any likeness to a real entity is chance)."""

from __future__ import annotations

import random

_POWER_GROUPS = (
    ("华能", "Huaneng"), ("大唐", "Datang"), ("华电", "Huadian"), ("国能", "CHN Energy"),
    ("国家电投", "SPIC"), ("华润电力", "China Resources Power"), ("京能", "Jingneng"),
    ("浙能", "Zheneng"), ("粤电", "Yuedian"), ("皖能", "Wanneng"), ("晋能", "Jinneng"),
)
_STEEL_GROUPS = (("宝武", "Baowu"), ("河钢", "HBIS"), ("鞍钢", "Ansteel"), ("沙钢", "Shagang"), ("建龙", "Jianlong"))
_CEMENT_GROUPS = (
    ("海螺", "Conch"), ("南方水泥", "South Cement"), ("华新", "Huaxin"), ("冀东", "Jidong"),
    ("金隅", "BBMG"), ("华润水泥", "CR Cement"), ("红狮", "Hongshi"), ("天瑞", "Tianrui"),
)
_ALU_GROUPS = (("中铝", "Chalco"), ("魏桥", "Weiqiao"), ("信发", "Xinfa"), ("东方希望", "East Hope"), ("神火", "Shenhuo"))
_LOCAL_WORDS = (
    "恒源", "华盛", "宏达", "金鑫", "瑞丰", "永盛", "东方", "新源", "鑫泰", "晨阳", "兴业", "泰和",
    "广汇", "天元", "中泰", "荣信", "旭阳", "正大", "长城", "昌盛", "汇丰", "德源", "嘉禾", "利民",
)
_SUFFIX = {
    "POWER": (("发电有限责任公司", "Power Generation Co., Ltd."), ("热电有限公司", "Thermal Power Co., Ltd."),
              ("电厂", "Power Plant"), ("能源有限公司", "Energy Co., Ltd."), ("热电联产有限公司", "Cogeneration Co., Ltd.")),
    "STEEL": (("钢铁有限公司", "Iron and Steel Co., Ltd."), ("特钢有限公司", "Special Steel Co., Ltd."),
              ("钢铁集团有限公司", "Iron and Steel Group Co., Ltd.")),
    "CEMENT": (("水泥有限公司", "Cement Co., Ltd."), ("水泥有限责任公司", "Cement Co., Ltd.")),
    "ALUMINIUM": (("铝业有限公司", "Aluminium Co., Ltd."), ("铝电有限公司", "Aluminium and Power Co., Ltd.")),
}
_GROUPS = {"POWER": _POWER_GROUPS, "STEEL": _STEEL_GROUPS, "CEMENT": _CEMENT_GROUPS, "ALUMINIUM": _ALU_GROUPS}


def unit_name(rnd: random.Random, sector: str, city: tuple[str, str], used: set[str]) -> tuple[str, str]:
    """A unique (Chinese name, English name or "") for a key emitting unit in ``city``."""
    grouped = rnd.random() < 0.55
    head, head_en = rnd.choice(_GROUPS[sector]) if grouped else (rnd.choice(_LOCAL_WORDS), "")
    tail, tail_en = rnd.choice(_SUFFIX[sector])
    name = f"{head}{city[0]}{tail}" if grouped else f"{city[0]}{head}{tail}"
    english = f"{head_en} {city[1]} {tail_en}" if grouped and rnd.random() < 0.7 else ""
    while name in used:
        word = rnd.choice(_LOCAL_WORDS)
        name = f"{head}{city[0]}{word}{tail}" if grouped else f"{city[0]}{head}{word}{tail}"
        english = ""
    used.add(name)
    return name, english


BANKS = (
    "中国工商银行股份有限公司", "中国农业银行股份有限公司", "中国银行股份有限公司",
    "中国建设银行股份有限公司", "交通银行股份有限公司", "兴业银行股份有限公司",
    "上海浦东发展银行股份有限公司", "中信银行股份有限公司", "招商银行股份有限公司",
)

VERIFIERS = (
    "中国质量认证中心有限公司", "中国船级社质量认证有限公司", "中环联合（北京）认证中心有限公司",
    "广州赛宝认证中心服务有限公司", "中国林业科学研究院林业科技信息研究所", "北京中创碳投科技有限公司",
    "上海环境能源交易所股份有限公司", "深圳市标准技术研究院", "湖北省碳排放权交易中心有限公司",
    "广东省环境科学研究院", "江苏省环境科学研究院", "山东省环境规划研究院",
)
VALIDATION_BODIES = VERIFIERS[:5]  # the CCER validation and verification bodies (batch 1)

CCER_OWNER_WORDS = ("绿能", "碳汇", "新能源", "清洁能源", "林业发展", "生态科技", "海上风电", "节能科技")


def ccer_owner_name(rnd: random.Random, city: str) -> str:
    """A plausible CCER project owner name."""
    return f"{city}{rnd.choice(_LOCAL_WORDS)}{rnd.choice(CCER_OWNER_WORDS)}有限公司"
