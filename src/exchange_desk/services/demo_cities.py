"""Sample partner cities for the demo data set; relations to them are invented (flagged as sample)
except Kfar Saba, which the seed states."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SampleCity:
    name_en: str
    name_zh: str
    name_he: str
    name_local: str
    country: str
    region: str
    latitude: float
    longitude: float
    population: int
    established_year: int


# fmt: off
SAMPLE_SISTER_CITIES: tuple[SampleCity, ...] = (
    SampleCity(
        "Wakayama", "和歌山", "ואקאיאמה", "和歌山", "JP", "Wakayama Prefecture",
        34.23, 135.17, 360000, 1983,
    ),
    SampleCity(
        "Sacramento", "萨克拉门托", "סקרמנטו", "Sacramento", "US", "California",
        38.58, -121.49, 520000, 1984,
    ),
    SampleCity(
        "Yamaguchi", "山口", "יאמאגוצ'י", "山口", "JP", "Yamaguchi Prefecture",
        34.19, 131.47, 190000, 1985,
    ),
    SampleCity(
        "Regina", "里贾纳", "רג'יינה", "Regina", "CA", "Saskatchewan",
        50.45, -104.62, 230000, 1987,
    ),
    SampleCity(
        "Vantaa", "万塔", "ונטה", "Vantaa", "FI", "Uusimaa",
        60.29, 25.04, 240000, 1989,
    ),
    SampleCity(
        "Suwon", "水原", "סוון", "수원", "KR", "Gyeonggi Province",
        37.26, 127.03, 1200000, 1993,
    ),
    SampleCity(
        "Nizhny Novgorod", "下诺夫哥罗德", "ניז'ני נובגורוד", "Нижний Новгород", "RU",
        "Nizhny Novgorod Oblast", 56.33, 44.01, 1200000, 1994,
    ),
    SampleCity(
        "Coventry", "考文垂", "קובנטרי", "Coventry", "GB", "England",
        52.41, -1.51, 350000, 1996,
    ),
    SampleCity(
        "Alexandria", "亚历山大", "אלכסנדריה", "الإسكندرية", "EG", "Alexandria Governorate",
        31.20, 29.92, 5400000, 1998,
    ),
    SampleCity(
        "Rennes", "雷恩", "רן", "Rennes", "FR", "Brittany",
        48.11, -1.68, 220000, 1999,
    ),
    SampleCity(
        "Christchurch", "克赖斯特彻奇", "קרייסטצ'רץ'", "Christchurch", "NZ", "Canterbury",
        -43.53, 172.64, 390000, 2000,
    ),
    SampleCity(
        "Adelaide", "阿德莱德", "אדלייד", "Adelaide", "AU", "South Australia",
        -34.93, 138.60, 1400000, 2001,
    ),
    SampleCity(
        "Augsburg", "奥格斯堡", "אאוגסבורג", "Augsburg", "DE", "Bavaria",
        48.37, 10.90, 300000, 2004,
    ),
    SampleCity(
        "Parma", "帕尔马", "פארמה", "Parma", "IT", "Emilia-Romagna",
        44.80, 10.33, 200000, 2006,
    ),
    SampleCity(
        "Curitiba", "库里蒂巴", "קוריטיבה", "Curitiba", "BR", "Paraná",
        -25.43, -49.27, 1800000, 2008,
    ),
    SampleCity(
        "Gwangju", "光州", "גוואנגג'ו", "광주", "KR", "Gwangju",
        35.16, 126.85, 1400000, 2009,
    ),
    SampleCity(
        "Thessaloniki", "塞萨洛尼基", "סלוניקי", "Θεσσαλονίκη", "GR", "Central Macedonia",
        40.64, 22.94, 320000, 2009,
    ),
    SampleCity(
        "Rosario", "罗萨里奥", "רוסאריו", "Rosario", "AR", "Santa Fe",
        -32.95, -60.64, 1300000, 2010,
    ),
    SampleCity(
        "Zaragoza", "萨拉戈萨", "סרגוסה", "Zaragoza", "ES", "Aragon",
        41.65, -0.89, 680000, 2011,
    ),
    SampleCity(
        "Guadalajara", "瓜达拉哈拉", "גוודלחרה", "Guadalajara", "MX", "Jalisco",
        20.67, -103.35, 1400000, 2012,
    ),
    SampleCity(
        "Durban", "德班", "דרבן", "Durban", "ZA", "KwaZulu-Natal",
        -29.86, 31.02, 600000, 2013,
    ),
    SampleCity(
        "Łódź", "罗兹", "לודז'", "Łódź", "PL", "Łódź Voivodeship",
        51.76, 19.46, 660000, 2014,
    ),
    SampleCity(
        "Brno", "布尔诺", "ברנו", "Brno", "CZ", "South Moravian Region",
        49.20, 16.61, 380000, 2015,
    ),
    SampleCity(
        "Debrecen", "德布勒森", "דברצן", "Debrecen", "HU", "Hajdú-Bihar",
        47.53, 21.63, 200000, 2016,
    ),
)

SAMPLE_FRIENDLY_CITIES: tuple[SampleCity, ...] = (
    SampleCity(
        "Kitakyushu", "北九州", "קיטאקיושו", "北九州", "JP", "Fukuoka Prefecture",
        33.88, 130.88, 930000, 2000,
    ),
    SampleCity(
        "Brisbane", "布里斯班", "בריסביין", "Brisbane", "AU", "Queensland",
        -27.47, 153.03, 1300000, 2001,
    ),
    SampleCity(
        "Leipzig", "莱比锡", "לייפציג", "Leipzig", "DE", "Saxony",
        51.34, 12.37, 600000, 2003,
    ),
    SampleCity(
        "Bologna", "博洛尼亚", "בולוניה", "Bologna", "IT", "Emilia-Romagna",
        44.49, 11.34, 390000, 2004,
    ),
    SampleCity(
        "Bandung", "万隆", "בנדונג", "Bandung", "ID", "West Java",
        -6.92, 107.62, 2500000, 2004,
    ),
    SampleCity(
        "Rotterdam", "鹿特丹", "רוטרדם", "Rotterdam", "NL", "South Holland",
        51.92, 4.48, 650000, 2005,
    ),
    SampleCity(
        "Isfahan", "伊斯法罕", "אספהאן", "اصفهان", "IR", "Isfahan Province",
        32.65, 51.67, 2000000, 2005,
    ),
    SampleCity(
        "Daegu", "大邱", "דאגו", "대구", "KR", "Daegu",
        35.87, 128.60, 2400000, 2006,
    ),
    SampleCity(
        "Gothenburg", "哥德堡", "גטבורג", "Göteborg", "SE", "Västra Götaland",
        57.71, 11.97, 600000, 2007,
    ),
    SampleCity(
        "Wellington", "惠灵顿", "ולינגטון", "Wellington", "NZ", "Wellington Region",
        -41.29, 174.78, 210000, 2007,
    ),
    SampleCity(
        "Chiang Mai", "清迈", "צ'יאנג מאי", "เชียงใหม่", "TH", "Chiang Mai Province",
        18.79, 98.99, 130000, 2008,
    ),
    SampleCity(
        "Almaty", "阿拉木图", "אלמטי", "Алматы", "KZ", "Almaty",
        43.24, 76.89, 2200000, 2008,
    ),
    SampleCity(
        "Luxor", "卢克索", "לוקסור", "الأقصر", "EG", "Luxor Governorate",
        25.69, 32.64, 500000, 2008,
    ),
    SampleCity(
        "Haiphong", "海防", "האיפונג", "Hải Phòng", "VN", "Haiphong",
        20.84, 106.69, 2000000, 2008,
    ),
    SampleCity(
        "Izmir", "伊兹密尔", "איזמיר", "İzmir", "TR", "İzmir Province",
        38.42, 27.14, 3000000, 2009,
    ),
    SampleCity(
        "Lyon", "里昂", "ליון", "Lyon", "FR", "Auvergne-Rhône-Alpes",
        45.76, 4.84, 520000, 2009,
    ),
    SampleCity(
        "Da Nang", "岘港", "דה נאנג", "Đà Nẵng", "VN", "Da Nang",
        16.05, 108.20, 1200000, 2010,
    ),
    SampleCity(
        "Valparaíso", "瓦尔帕莱索", "ולפראיסו", "Valparaíso", "CL", "Valparaíso Region",
        -33.05, -71.61, 300000, 2010,
    ),
    SampleCity(
        "Kazan", "喀山", "קאזאן", "Казань", "RU", "Tatarstan",
        55.80, 49.11, 1300000, 2010,
    ),
    SampleCity(
        "Malacca", "马六甲", "מלאקה", "Melaka", "MY", "Malacca",
        2.19, 102.25, 500000, 2011,
    ),
    SampleCity(
        "Pittsburgh", "匹兹堡", "פיטסבורג", "Pittsburgh", "US", "Pennsylvania",
        40.44, -80.00, 300000, 2011,
    ),
    SampleCity(
        "Cape Town", "开普敦", "קייפטאון", "Cape Town", "ZA", "Western Cape",
        -33.92, 18.42, 4700000, 2011,
    ),
    SampleCity(
        "Nairobi", "内罗毕", "ניירובי", "Nairobi", "KE", "Nairobi County",
        -1.29, 36.82, 4400000, 2012,
    ),
    SampleCity(
        "Surabaya", "泗水", "סורבאיה", "Surabaya", "ID", "East Java",
        -7.26, 112.75, 2900000, 2012,
    ),
    SampleCity(
        "Edinburgh", "爱丁堡", "אדינבורו", "Edinburgh", "GB", "Scotland",
        55.95, -3.19, 520000, 2012,
    ),
    SampleCity(
        "Monterrey", "蒙特雷", "מונטריי", "Monterrey", "MX", "Nuevo León",
        25.69, -100.32, 1100000, 2012,
    ),
    SampleCity(
        "Pune", "浦那", "פונה", "पुणे", "IN", "Maharashtra",
        18.52, 73.86, 3100000, 2013,
    ),
    SampleCity(
        "Antwerp", "安特卫普", "אנטוורפן", "Antwerpen", "BE", "Flanders",
        51.22, 4.40, 530000, 2013,
    ),
    SampleCity(
        "Porto Alegre", "阿雷格里港", "פורטו אלגרה", "Porto Alegre", "BR", "Rio Grande do Sul",
        -30.03, -51.22, 1400000, 2013,
    ),
    SampleCity(
        "Arequipa", "阿雷基帕", "ארקיפה", "Arequipa", "PE", "Arequipa Region",
        -16.41, -71.54, 1100000, 2014,
    ),
    SampleCity(
        "Lahore", "拉合尔", "לאהור", "لاہور", "PK", "Punjab",
        31.55, 74.34, 13000000, 2014,
    ),
    SampleCity(
        "Lagos", "拉各斯", "לאגוס", "Lagos", "NG", "Lagos State",
        6.52, 3.38, 15000000, 2015,
    ),
    SampleCity(
        "Halifax", "哈利法克斯", "הליפקס", "Halifax", "CA", "Nova Scotia",
        44.65, -63.58, 440000, 2015,
    ),
    SampleCity(
        "Kolkata", "加尔各答", "קולקטה", "কলকাতা", "IN", "West Bengal",
        22.57, 88.36, 4500000, 2015,
    ),
    SampleCity(
        "Tbilisi", "第比利斯", "טביליסי", "თბილისი", "GE", "Tbilisi",
        41.72, 44.79, 1200000, 2015,
    ),
    SampleCity(
        "Bergen", "卑尔根", "ברגן", "Bergen", "NO", "Vestland",
        60.39, 5.32, 290000, 2016,
    ),
    SampleCity(
        "Samarkand", "撒马尔罕", "סמרקנד", "Samarqand", "UZ", "Samarqand Region",
        39.65, 66.96, 550000, 2016,
    ),
    SampleCity(
        "Dubai", "迪拜", "דובאי", "دبي", "AE", "Emirate of Dubai",
        25.20, 55.27, 3600000, 2016,
    ),
    SampleCity(
        "Córdoba", "科尔多瓦", "קורדובה", "Córdoba", "AR", "Córdoba Province",
        -31.42, -64.19, 1500000, 2016,
    ),
    SampleCity(
        "Khon Kaen", "孔敬", "קון קאן", "ขอนแก่น", "TH", "Khon Kaen Province",
        16.43, 102.83, 120000, 2016,
    ),
    SampleCity(
        "Porto", "波尔图", "פורטו", "Porto", "PT", "Norte",
        41.16, -8.63, 230000, 2017,
    ),
    SampleCity(
        "Marrakesh", "马拉喀什", "מרקש", "مراكش", "MA", "Marrakesh-Safi",
        31.63, -7.98, 930000, 2017,
    ),
    SampleCity(
        "Siem Reap", "暹粒", "סיאם ריפ", "សៀមរាប", "KH", "Siem Reap Province",
        13.36, 103.86, 250000, 2017,
    ),
    SampleCity(
        "Valencia", "巴伦西亚", "ולנסיה", "València", "ES", "Valencian Community",
        39.47, -0.38, 800000, 2018,
    ),
    SampleCity(
        "Mombasa", "蒙巴萨", "מומבסה", "Mombasa", "KE", "Mombasa County",
        -4.04, 39.67, 1200000, 2018,
    ),
)
# fmt: on
