"""Mainland provinces (GB/T 2260), a few cities each, and sector weights per province.

Weights are rough shares of key emitting units per sector (power, steel, cement,
aluminium); they shape the synthetic population, not any official statistic.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Province:
    code: str
    name: str
    short: str
    weights: tuple[float, float, float, float]  # POWER, STEEL, CEMENT, ALUMINIUM
    cities: tuple[tuple[str, str], ...]  # (zh, pinyin); the i-th city has area code XX0i00


PROVINCES: tuple[Province, ...] = (
    Province("110000", "北京市", "北京", (0.8, 0, 0.3, 0), (("北京", "Beijing"),)),
    Province("120000", "天津市", "天津", (1.5, 2.5, 0.5, 0), (("天津", "Tianjin"),)),
    Province("130000", "河北省", "河北", (6, 20, 4.5, 0), (("石家庄", "Shijiazhuang"), ("唐山", "Tangshan"), ("秦皇岛", "Qinhuangdao"), ("邯郸", "Handan"), ("邢台", "Xingtai"))),
    Province("140000", "山西省", "山西", (7, 6, 3, 4), (("太原", "Taiyuan"), ("大同", "Datong"), ("阳泉", "Yangquan"), ("长治", "Changzhi"))),
    Province("150000", "内蒙古自治区", "内蒙古", (8, 3, 2.5, 13), (("呼和浩特", "Hohhot"), ("包头", "Baotou"), ("乌海", "Wuhai"), ("赤峰", "Chifeng"))),
    Province("210000", "辽宁省", "辽宁", (4.5, 6, 2.5, 1), (("沈阳", "Shenyang"), ("大连", "Dalian"), ("鞍山", "Anshan"), ("抚顺", "Fushun"))),
    Province("220000", "吉林省", "吉林", (3, 1.5, 1.5, 0), (("长春", "Changchun"), ("吉林", "Jilin"), ("四平", "Siping"))),
    Province("230000", "黑龙江省", "黑龙江", (3.5, 1, 1.5, 0), (("哈尔滨", "Harbin"), ("齐齐哈尔", "Qiqihar"), ("鸡西", "Jixi"))),
    Province("310000", "上海市", "上海", (1.2, 0.5, 0.2, 0), (("上海", "Shanghai"),)),
    Province("320000", "江苏省", "江苏", (9, 9, 5, 0), (("南京", "Nanjing"), ("无锡", "Wuxi"), ("徐州", "Xuzhou"), ("常州", "Changzhou"), ("苏州", "Suzhou"))),
    Province("330000", "浙江省", "浙江", (5, 1.5, 4.5, 0), (("杭州", "Hangzhou"), ("宁波", "Ningbo"), ("温州", "Wenzhou"), ("嘉兴", "Jiaxing"))),
    Province("340000", "安徽省", "安徽", (4, 3, 7, 0), (("合肥", "Hefei"), ("芜湖", "Wuhu"), ("蚌埠", "Bengbu"), ("淮南", "Huainan"))),
    Province("350000", "福建省", "福建", (2.5, 2.5, 3.5, 1), (("福州", "Fuzhou"), ("厦门", "Xiamen"), ("莆田", "Putian"))),
    Province("360000", "江西省", "江西", (1.5, 2.5, 4, 0), (("南昌", "Nanchang"), ("景德镇", "Jingdezhen"), ("萍乡", "Pingxiang"))),
    Province("370000", "山东省", "山东", (13, 8, 6, 15), (("济南", "Jinan"), ("青岛", "Qingdao"), ("淄博", "Zibo"), ("枣庄", "Zaozhuang"), ("东营", "Dongying"), ("烟台", "Yantai"))),
    Province("410000", "河南省", "河南", (6, 3, 5, 7), (("郑州", "Zhengzhou"), ("开封", "Kaifeng"), ("洛阳", "Luoyang"), ("平顶山", "Pingdingshan"))),
    Province("420000", "湖北省", "湖北", (2.5, 3, 4, 1), (("武汉", "Wuhan"), ("黄石", "Huangshi"), ("十堰", "Shiyan"), ("宜昌", "Yichang"))),
    Province("430000", "湖南省", "湖南", (2, 2, 4.5, 1), (("长沙", "Changsha"), ("株洲", "Zhuzhou"), ("湘潭", "Xiangtan"))),
    Province("440000", "广东省", "广东", (7, 2.5, 6, 0), (("广州", "Guangzhou"), ("韶关", "Shaoguan"), ("深圳", "Shenzhen"), ("珠海", "Zhuhai"), ("汕头", "Shantou"))),
    Province("450000", "广西壮族自治区", "广西", (1.5, 2.5, 5, 7), (("南宁", "Nanning"), ("柳州", "Liuzhou"), ("桂林", "Guilin"))),
    Province("460000", "海南省", "海南", (0.5, 0, 0.8, 0), (("海口", "Haikou"), ("三亚", "Sanya"))),
    Province("500000", "重庆市", "重庆", (1, 1, 2.5, 2), (("重庆", "Chongqing"),)),
    Province("510000", "四川省", "四川", (1.5, 2, 6, 3), (("成都", "Chengdu"), ("自贡", "Zigong"), ("攀枝花", "Panzhihua"))),
    Province("520000", "贵州省", "贵州", (2, 0.8, 4.5, 4), (("贵阳", "Guiyang"), ("六盘水", "Liupanshui"), ("遵义", "Zunyi"))),
    Province("530000", "云南省", "云南", (1, 2.5, 5, 10), (("昆明", "Kunming"), ("曲靖", "Qujing"), ("玉溪", "Yuxi"))),
    Province("540000", "西藏自治区", "西藏", (0.05, 0, 0.5, 0), (("拉萨", "Lhasa"),)),
    Province("610000", "陕西省", "陕西", (3.5, 1.5, 3, 2), (("西安", "Xi'an"), ("铜川", "Tongchuan"), ("宝鸡", "Baoji"))),
    Province("620000", "甘肃省", "甘肃", (2, 1, 2.5, 6), (("兰州", "Lanzhou"), ("嘉峪关", "Jiayuguan"), ("金昌", "Jinchang"))),
    Province("630000", "青海省", "青海", (0.4, 0.3, 1, 6), (("西宁", "Xining"), ("海东", "Haidong"))),
    Province("640000", "宁夏回族自治区", "宁夏", (2, 0.5, 1.5, 4), (("银川", "Yinchuan"), ("石嘴山", "Shizuishan"))),
    Province("650000", "新疆维吾尔自治区", "新疆", (5, 1.5, 3, 15), (("乌鲁木齐", "Urumqi"), ("克拉玛依", "Karamay"), ("昌吉", "Changji"))),
)

SECTORS = ("POWER", "STEEL", "CEMENT", "ALUMINIUM")


def area_code(province: Province, city_index: int) -> str:
    """The 6-digit code of a province's ``city_index``-th city (municipalities: XX0100)."""
    return f"{province.code[:2]}{city_index + 1:02d}00"
