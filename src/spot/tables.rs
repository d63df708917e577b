//! Small per-language word tables for spotting beyond English: titles written before a
//! person's name, common given names, the lower-case words that may sit inside a place
//! name ("Frankfurt am Main", "Ростов-на-Дону"), words that head an organisation's name
//! ("Banco Santander", "جامعة دمشق", "北京大学"), Chinese family names and Arabic
//! function words. They are written for this repository from general knowledge of each
//! language, not taken from any corpus; none of them names a place.
//!
//! Entries are written as a reader would spell them and folded with
//! [`crate::text::fold_word`] when the tables are built, so that they meet the folded
//! tokens of a text (Arabic hamza seats and Russian "й" fold away).

use std::collections::{HashMap, HashSet};

use crate::text::fold_word;

/// One language's tables, folded.
#[derive(Debug, Default)]
pub struct LangTables {
    /// Titles and roles before a name ("президент", "ministre", "الرئيس").
    pub titles: HashSet<String>,
    /// Given names common in the language ("Сергей", "Santiago", "محمد").
    pub given_names: HashSet<String>,
    /// Lower-case words allowed inside a multi-word place name.
    pub connectors: HashSet<String>,
    /// Words that open an organisation's name, so a place right after them is part of
    /// that name ("Banco Santander", "جامعة دمشق").
    pub organisation_heads: HashSet<String>,
    /// Function words: a person's name after a title stops at one.
    pub stopwords: HashSet<String>,
    /// Demonyms and adjectives of countries, folded ("сирийская", "سوري", "sirio"),
    /// to the folded English demonym the gazetteer holds ("syrian"): the spotter looks
    /// them up as that demonym, so they tell resolution which country the text is
    /// about, as English demonyms do.
    pub demonyms: HashMap<String, String>,
    /// The English demonyms `demonyms` leads to, so that a word can be ruled out as a
    /// demonym reading by its key alone, without folding its surface again.
    pub demonym_targets: HashSet<String>,
}

/// Tables for every language the spotter knows, looked up by ISO 639-1 code.
#[derive(Debug)]
pub struct Tables {
    langs: Vec<(&'static str, LangTables)>,
    empty: LangTables,
    /// Chinese family names (single characters), for the unspaced-script person guard.
    pub chinese_surnames: HashSet<char>,
    /// Chinese words that end an organisation's name ("大学" university, "银行" bank):
    /// a place name right before one is part of that name.
    pub chinese_organisation_tails: Vec<&'static str>,
    /// Chinese titles and roles written right before a person's name ("总统", "外长"):
    /// a transliterated name after one is a person ("国务卿鲍威尔", "总统华盛顿").
    pub chinese_titles: Vec<&'static str>,
}

struct Raw {
    code: &'static str,
    titles: &'static [&'static str],
    given_names: &'static [&'static str],
    connectors: &'static [&'static str],
    organisation_heads: &'static [&'static str],
    stopwords: &'static [&'static str],
}

const RAW: &[Raw] = &[
    Raw {
        code: "ru",
        titles: &[
            "президент",
            "премьер",
            "министр",
            "министра",
            "министром",
            "глава",
            "губернатор",
            "губернатора",
            "мэр",
            "генерал",
            "полковник",
            "посол",
            "секретарь",
            "спикер",
            "депутат",
            "сенатор",
            "лидер",
            "патриарх",
            "председатель",
            "директор",
            "ректор",
            "канцлер",
            "король",
            "принц",
            "шейх",
            "господин",
            "госпожа",
            "журналист",
            "корреспондент",
            "эксперт",
            "аналитик",
            "судья",
            "прокурор",
            "командующий",
        ],
        given_names: &[
            "Александр",
            "Алексей",
            "Анатолий",
            "Андрей",
            "Антон",
            "Аркадий",
            "Борис",
            "Вадим",
            "Валентин",
            "Валерий",
            "Василий",
            "Виктор",
            "Виталий",
            "Владимир",
            "Владислав",
            "Вячеслав",
            "Геннадий",
            "Георгий",
            "Григорий",
            "Денис",
            "Дмитрий",
            "Евгений",
            "Егор",
            "Иван",
            "Игорь",
            "Илья",
            "Кирилл",
            "Константин",
            "Леонид",
            "Максим",
            "Михаил",
            "Никита",
            "Николай",
            "Олег",
            "Павел",
            "Пётр",
            "Роман",
            "Рамзан",
            "Сергей",
            "Станислав",
            "Степан",
            "Тимур",
            "Фёдор",
            "Юрий",
            "Ярослав",
            "Алла",
            "Анастасия",
            "Анна",
            "Валентина",
            "Вера",
            "Вероника",
            "Виктория",
            "Галина",
            "Дарья",
            "Екатерина",
            "Елена",
            "Елизавета",
            "Зоя",
            "Ирина",
            "Карина",
            "Кира",
            "Ксения",
            "Лариса",
            "Людмила",
            "Любовь",
            "Марина",
            "Мария",
            "Надежда",
            "Наталья",
            "Нина",
            "Ольга",
            "Полина",
            "Светлана",
            "Софья",
            "Татьяна",
            "Юлия",
            "Эльвира",
        ],
        connectors: &["на", "де", "ла", "у", "эль", "ан", "ам"],
        organisation_heads: &[
            "университет",
            "банк",
            "компания",
            "корпорация",
            "завод",
            "газета",
            "журнал",
            "агентство",
            "театр",
            "музей",
            "клуб",
            "академия",
            "институт",
            "фонд",
        ],
        stopwords: &[],
    },
    Raw {
        code: "ar",
        titles: &[
            "الرئيس",
            "رئيس",
            "الوزير",
            "وزير",
            "وزيرة",
            "الملك",
            "الأمير",
            "الشيخ",
            "السيد",
            "السيدة",
            "الجنرال",
            "العميد",
            "اللواء",
            "العقيد",
            "المتحدث",
            "الناطق",
            "السفير",
            "المبعوث",
            "الناشر",
            "الكاتب",
            "الصحفي",
            "الدكتور",
            "القائد",
            "النائب",
            "المحافظ",
            "الزعيم",
            "الإمام",
            "البابا",
            "المستشار",
            "رئيسة",
            "الرئيسة",
        ],
        given_names: &[
            "محمد",
            "أحمد",
            "علي",
            "حسن",
            "حسين",
            "عمر",
            "خالد",
            "سعيد",
            "بشار",
            "ماهر",
            "سمير",
            "جمال",
            "فيصل",
            "عبد",
            "عبدالله",
            "يوسف",
            "إبراهيم",
            "مصطفى",
            "كريم",
            "طارق",
            "وليد",
            "رامي",
            "زياد",
            "نبيل",
            "هادي",
            "سلمان",
            "فاطمة",
            "عائشة",
            "مريم",
            "ليلى",
            "سارة",
            "نور",
            "هدى",
            "رنا",
            "لينا",
            "ريم",
            "أمل",
        ],
        connectors: &[],
        organisation_heads: &[
            "جامعة",
            "بنك",
            "مصرف",
            "شركة",
            "صحيفة",
            "جريدة",
            "مجلة",
            "مستشفى",
            "نادي",
            "قناة",
            "وكالة",
            "مؤسسة",
            "معهد",
            "أكاديمية",
            "متحف",
            "فندق",
            "مطار",
        ],
        stopwords: &[
            "في",
            "من",
            "إلى",
            "الى",
            "على",
            "عن",
            "مع",
            "أن",
            "إن",
            "ان",
            "قال",
            "قالت",
            "كان",
            "التي",
            "الذي",
            "هذا",
            "هذه",
            "بعد",
            "قبل",
            "حيث",
            "عند",
            "منذ",
            "ثم",
            "أو",
            "لا",
            "ما",
            "لم",
            "لن",
            "قد",
            "كما",
            "بين",
            "حول",
            "خلال",
            "نحو",
            "عبر",
            "أمس",
            "اليوم",
        ],
    },
    Raw {
        code: "es",
        titles: &[
            "presidente",
            "presidenta",
            "ministro",
            "ministra",
            "líder",
            "portavoz",
            "alcalde",
            "alcaldesa",
            "general",
            "embajador",
            "embajadora",
            "rey",
            "reina",
            "papa",
            "secretario",
            "secretaria",
            "canciller",
            "diputado",
            "diputada",
            "senador",
            "senadora",
            "señor",
            "señora",
            "don",
            "doña",
            "director",
            "directora",
            "juez",
            "jueza",
        ],
        given_names: &[
            "Santiago", "Pedro", "Pablo", "Alberto", "Isabel", "Mariano", "Felipe", "Javier",
            "José", "Juan", "Carlos", "Luis", "Miguel", "Jorge", "Andrés", "Nicolás", "Gustavo",
            "Victoria", "Lucía", "Carmen", "Dolores", "Mercedes", "Pilar", "Rocío", "Soledad",
            "Begoña", "Yolanda", "Inés", "Marta", "Ana", "María",
        ],
        connectors: &["de", "del", "la", "las", "los", "el", "y"],
        organisation_heads: &[
            "banco",
            "universidad",
            "real",
            "club",
            "hospital",
            "grupo",
            "instituto",
            "diario",
            "fundación",
            "compañía",
            "empresa",
            "museo",
            "teatro",
            "estadio",
            "aeropuerto",
            "atlético",
            "deportivo",
        ],
        stopwords: &[
            "el", "la", "los", "las", "un", "una", "unos", "unas", "lo", "en", "de", "del", "y",
            "e", "o", "a", "al", "con", "por", "para", "según", "tras", "sin", "sobre", "entre",
            "desde", "hasta", "que", "se", "su", "sus", "este", "esta", "estos", "estas", "ese",
            "esa", "pero", "como", "más", "muy", "ya", "no", "ni",
        ],
    },
    Raw {
        code: "fr",
        titles: &[
            "président",
            "présidente",
            "ministre",
            "premier",
            "maire",
            "général",
            "ambassadeur",
            "ambassadrice",
            "roi",
            "reine",
            "pape",
            "secrétaire",
            "porte-parole",
            "député",
            "députée",
            "sénateur",
            "sénatrice",
            "chancelier",
            "chancelière",
            "juge",
            "directeur",
            "directrice",
            "monsieur",
            "madame",
            "m",
            "mme",
        ],
        given_names: &[
            "Florence",
            "Jean",
            "Emmanuel",
            "François",
            "Nicolas",
            "Marine",
            "Ségolène",
            "Nancy",
            "Lorraine",
            "Pierre",
            "Jacques",
            "Michel",
            "Philippe",
            "Olivier",
            "Édouard",
            "Gérald",
            "Bruno",
            "Laurent",
            "Sophie",
            "Anne",
            "Isabelle",
            "Valérie",
            "Élisabeth",
            "Rachida",
        ],
        connectors: &[
            "de", "du", "des", "la", "le", "les", "sur", "en", "d", "l", "au", "aux", "et",
        ],
        organisation_heads: &[
            "banque",
            "université",
            "institut",
            "club",
            "olympique",
            "stade",
            "hôpital",
            "groupe",
            "musée",
            "théâtre",
            "aéroport",
            "lycée",
            "école",
            "journal",
        ],
        stopwords: &[
            "le", "la", "les", "l", "un", "une", "des", "du", "de", "d", "en", "et", "ou", "à",
            "au", "aux", "sur", "sous", "dans", "pour", "par", "avec", "sans", "selon", "entre",
            "vers", "chez", "que", "qui", "ce", "cette", "ces", "son", "sa", "ses", "il", "elle",
            "ils", "elles", "on", "nous", "vous", "mais", "plus", "très", "déjà", "ne", "pas",
        ],
    },
    Raw {
        code: "de",
        titles: &[
            "präsident",
            "präsidentin",
            "bundespräsident",
            "kanzler",
            "kanzlerin",
            "bundeskanzler",
            "bundeskanzlerin",
            "minister",
            "ministerin",
            "außenminister",
            "außenministerin",
            "gesundheitsminister",
            "gesundheitsministerin",
            "innenminister",
            "innenministerin",
            "finanzminister",
            "finanzministerin",
            "wirtschaftsminister",
            "verteidigungsminister",
            "ministerpräsident",
            "ministerpräsidentin",
            "bürgermeister",
            "bürgermeisterin",
            "oberbürgermeister",
            "general",
            "botschafter",
            "botschafterin",
            "könig",
            "königin",
            "papst",
            "sprecher",
            "sprecherin",
            "herr",
            "frau",
            "dr",
            "professor",
            "professorin",
            "chef",
            "chefin",
            "vorsitzende",
            "vorsitzender",
            "abgeordnete",
            "abgeordneter",
            "richter",
            "richterin",
        ],
        given_names: &[
            "Olaf",
            "Karl",
            "Angela",
            "Friedrich",
            "Markus",
            "Annalena",
            "Robert",
            "Christian",
            "Boris",
            "Nancy",
            "Horst",
            "Wolfgang",
            "Jürgen",
            "Frank",
            "Walter",
            "Sahra",
            "Ursula",
            "Heiko",
            "Hubertus",
            "Svenja",
            "Lars",
            "Saskia",
            "Cem",
            "Winfried",
        ],
        connectors: &[
            "am", "an", "der", "im", "in", "ob", "bei", "unter", "vor", "und",
        ],
        organisation_heads: &[
            "bank",
            "universität",
            "fc",
            "sc",
            "tsv",
            "vfb",
            "vfl",
            "klinikum",
            "krankenhaus",
            "flughafen",
            "hochschule",
            "institut",
            "museum",
            "theater",
            "zeitung",
            "verlag",
            "konzern",
            "gruppe",
        ],
        stopwords: &[
            "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer",
            "und", "oder", "aber", "in", "im", "am", "an", "auf", "aus", "bei", "mit", "nach",
            "von", "vom", "vor", "zu", "zum", "zur", "über", "unter", "um", "für", "gegen", "ohne",
            "durch", "seit", "bis", "als", "wie", "auch", "nicht", "noch", "schon", "sie", "er",
            "es", "wir", "ihr", "dieser", "diese", "dieses", "man", "so",
        ],
    },
    Raw {
        code: "zh",
        titles: &[],
        given_names: &[],
        connectors: &[],
        organisation_heads: &[],
        stopwords: &[],
    },
];

/// Common Chinese family names. Characters that are also everyday function words
/// ("于" at, "向" towards, "和" and) are left out: before a place name they are far
/// more often those words.
const CHINESE_SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金廖贾夏韦付邹孟熊秦邱尹薛闫段雷侯龙史陶贺顾毛郝龚邵万钱严覃戴莫孔汤习";

/// Chinese words that end an organisation's name.
const CHINESE_ORGANISATION_TAILS: &[&str] = &[
    "大学",
    "银行",
    "公司",
    "集团",
    "日报",
    "晚报",
    "时报",
    "电视台",
    "医院",
    "航空",
    "学院",
    "研究所",
    "研究院",
    "博物馆",
    "体育场",
    "机场",
    "俱乐部",
    "证券",
    "交易所",
];

/// Chinese titles and roles that stand right before a person's name.
const CHINESE_TITLES: &[&str] = &[
    "总统",
    "副总统",
    "主席",
    "总理",
    "首相",
    "部长",
    "外长",
    "防长",
    "国务卿",
    "秘书长",
    "发言人",
    "大使",
    "将军",
    "司令",
    "指挥官",
    "议员",
    "议长",
    "市长",
    "州长",
    "省长",
    "总督",
    "国王",
    "王子",
    "女王",
    "教皇",
    "上校",
    "少将",
    "中将",
    "记者",
    "教练",
    "球员",
    "演员",
    "歌手",
    "作家",
    "导演",
    "总裁",
    "首席执行官",
    "主教",
    "法官",
    "律师",
];

/// One country's demonym: the English word, and the forms that read as it.
type Demonym = (&'static str, &'static [&'static str]);

/// Demonyms per language: (code, [(English demonym as the gazetteer has it, forms)]).
/// A form may hold one brace group of alternatives, "siri{o,a,os,as}", or two,
/// "{,ال}سوري{,ة,ون,ين}" (with and without the article). The countries are those
/// news names most. Left out on purpose: adjectives that also name the language
/// itself ("deutsch", "français", "español", "русский": "auf Deutsch" is no
/// evidence for Germany), and Chinese, which uses the country's name as its
/// adjective ("叙利亚军队"), already a mention of the country.
const DEMONYMS: &[(&str, &[Demonym])] = &[
    (
        "ru",
        &[
            (
                "Syrian",
                &["сирийск{ий,ая,ое,ие,ого,ой,ому,ую,им,ом,их,ими}"],
            ),
            (
                "Russian",
                &["российск{ий,ая,ое,ие,ого,ой,ому,ую,им,ом,их,ими}"],
            ),
            (
                "Ukrainian",
                &["украинск{ий,ая,ое,ие,ого,ой,ому,ую,им,ом,их,ими}"],
            ),
            (
                "Turkish",
                &["турецк{ий,ая,ое,ие,ого,ой,ому,ую,им,ом,их,ими}"],
            ),
            (
                "Iranian",
                &["иранск{ий,ая,ое,ие,ого,ой,ому,ую,им,ом,их,ими}"],
            ),
            ("Iraqi", &["иракск{ий,ая,ое,ие,ого,ой,ому,ую,им,ом,их,ими}"]),
            (
                "Israeli",
                &["израильск{ий,ая,ое,ие,ого,ой,ому,ую,им,ом,их,ими}"],
            ),
            (
                "Lebanese",
                &["ливанск{ий,ая,ое,ие,ого,ой,ому,ую,им,ом,их,ими}"],
            ),
            (
                "Egyptian",
                &["египетск{ий,ая,ое,ие,ого,ой,ому,ую,им,ом,их,ими}"],
            ),
            (
                "Chinese",
                &["китайск{ий,ая,ое,ие,ого,ой,ому,ую,им,ом,их,ими}"],
            ),
            (
                "Japanese",
                &["японск{ий,ая,ое,ие,ого,ой,ому,ую,им,ом,их,ими}"],
            ),
            (
                "American",
                &["американск{ий,ая,ое,ие,ого,ой,ому,ую,им,ом,их,ими}"],
            ),
            (
                "British",
                &["британск{ий,ая,ое,ие,ого,ой,ому,ую,им,ом,их,ими}"],
            ),
            (
                "French",
                &["французск{ий,ая,ое,ие,ого,ой,ому,ую,им,ом,их,ими}"],
            ),
            (
                "German",
                &["немецк{ий,ая,ое,ие,ого,ой,ому,ую,им,ом,их,ими}"],
            ),
            (
                "Afghan",
                &["афганск{ий,ая,ое,ие,ого,ой,ому,ую,им,ом,их,ими}"],
            ),
            (
                "Indian",
                &["индийск{ий,ая,ое,ие,ого,ой,ому,ую,им,ом,их,ими}"],
            ),
            (
                "Palestinian",
                &["палестинск{ий,ая,ое,ие,ого,ой,ому,ую,им,ом,их,ими}"],
            ),
        ],
    ),
    (
        "ar",
        &[
            ("Syrian", &["{,ال}سوري{,ة,ون,ين}"]),
            ("Russian", &["{,ال}روسي{,ة,ون,ين}"]),
            ("Ukrainian", &["{,ال}أوكراني{,ة,ون,ين}"]),
            ("Turkish", &["{,ال}تركي{,ة}"]),
            ("Iranian", &["{,ال}إيراني{,ة,ون,ين}"]),
            ("Iraqi", &["{,ال}عراقي{,ة,ون,ين}"]),
            ("Israeli", &["{,ال}إسرائيلي{,ة,ون,ين}"]),
            ("Lebanese", &["{,ال}لبناني{,ة,ون,ين}"]),
            ("Jordanian", &["{,ال}أردني{,ة,ون,ين}"]),
            ("Egyptian", &["{,ال}مصري{,ة,ون,ين}"]),
            ("Yemeni", &["{,ال}يمني{,ة,ون,ين}"]),
            ("Chinese", &["{,ال}صيني{,ة,ون,ين}"]),
            (
                "American",
                &["{,ال}أمريكي{,ة,ون,ين}", "{,ال}أميركي{,ة,ون,ين}"],
            ),
            ("British", &["{,ال}بريطاني{,ة,ون,ين}"]),
            ("French", &["{,ال}فرنسي{,ة,ون,ين}"]),
            ("German", &["{,ال}ألماني{,ة,ون,ين}"]),
            ("Libyan", &["{,ال}ليبي{,ة,ون,ين}"]),
            ("Sudanese", &["{,ال}سوداني{,ة,ون,ين}"]),
            ("Palestinian", &["{,ال}فلسطيني{,ة,ون,ين}"]),
        ],
    ),
    (
        "es",
        &[
            ("Syrian", &["siri{o,a,os,as}"]),
            ("Russian", &["rus{o,a,os,as}"]),
            ("Ukrainian", &["ucranian{o,a,os,as}"]),
            ("Turkish", &["turc{o,a,os,as}"]),
            ("Iranian", &["iran{í,íes,ís}"]),
            ("Iraqi", &["iraqu{í,íes,ís}"]),
            ("Israeli", &["israel{í,íes,ís}"]),
            ("Lebanese", &["liban{és,esa,eses,esas}"]),
            ("Egyptian", &["egipci{o,a,os,as}"]),
            ("Chinese", &["chin{o,os,as}"]),
            ("Japanese", &["japon{és,esa,eses,esas}"]),
            ("American", &["estadounidense{,s}"]),
            ("British", &["británic{o,a,os,as}"]),
            ("French", &["franc{és,esa,eses,esas}"]),
            ("German", &["alem{án,ana,anes,anas}"]),
            ("Mexican", &["mexican{o,a,os,as}"]),
            ("Colombian", &["colombian{o,a,os,as}"]),
            ("Venezuelan", &["venezolan{o,a,os,as}"]),
            ("Palestinian", &["palestin{o,a,os,as}"]),
        ],
    ),
    (
        "fr",
        &[
            ("Syrian", &["syrien{,ne,s,nes}"]),
            ("Russian", &["russe{,s}"]),
            ("Ukrainian", &["ukrainien{,ne,s,nes}"]),
            ("Turkish", &["turc{,s}", "turque{,s}"]),
            ("Iranian", &["iranien{,ne,s,nes}"]),
            ("Iraqi", &["irakien{,ne,s,nes}"]),
            ("Israeli", &["israélien{,ne,s,nes}"]),
            ("Lebanese", &["libanais{,e,es}"]),
            ("Egyptian", &["égyptien{,ne,s,nes}"]),
            ("Chinese", &["chinois{,e,es}"]),
            ("Japanese", &["japonais{,e,es}"]),
            ("American", &["américain{,e,s,es}"]),
            ("British", &["britannique{,s}"]),
            ("German", &["allemand{,e,s,es}"]),
            ("Spanish", &["espagnol{,e,s,es}"]),
            ("Libyan", &["libyen{,ne,s,nes}"]),
            ("Palestinian", &["palestinien{,ne,s,nes}"]),
        ],
    ),
    (
        "de",
        &[
            ("Syrian", &["syrisch{,e,en,er,es,em}", "syrer{,n,in,innen}"]),
            (
                "Russian",
                &["russisch{,e,en,er,es,em}", "russe{,n}", "russin{,nen}"],
            ),
            (
                "Ukrainian",
                &["ukrainisch{,e,en,er,es,em}", "ukrainer{,n,in,innen}"],
            ),
            ("Turkish", &["türkisch{,e,en,er,es,em}"]),
            ("Iranian", &["iranisch{,e,en,er,es,em}"]),
            ("Iraqi", &["irakisch{,e,en,er,es,em}"]),
            ("Israeli", &["israelisch{,e,en,er,es,em}"]),
            ("Lebanese", &["libanesisch{,e,en,er,es,em}"]),
            ("Egyptian", &["ägyptisch{,e,en,er,es,em}"]),
            ("Chinese", &["chinesisch{,e,en,er,es,em}"]),
            ("Japanese", &["japanisch{,e,en,er,es,em}"]),
            (
                "American",
                &[
                    "amerikanisch{,e,en,er,es,em}",
                    "us-amerikanisch{,e,en,er,es,em}",
                ],
            ),
            ("British", &["britisch{,e,en,er,es,em}"]),
            ("French", &["französisch{,e,en,er,es,em}"]),
            ("Spanish", &["spanisch{,e,en,er,es,em}"]),
            ("Italian", &["italienisch{,e,en,er,es,em}"]),
            ("Palestinian", &["palästinensisch{,e,en,er,es,em}"]),
        ],
    ),
];

/// Every word a form stands for: each brace group "{a,b}" multiplies the forms by its
/// alternatives.
fn expand(form: &str) -> Vec<String> {
    let Some(open) = form.find('{') else {
        return vec![form.to_string()];
    };
    let Some(close) = form[open..].find('}').map(|c| open + c) else {
        return vec![form.to_string()];
    };
    let (head, tail) = (&form[..open], &form[close + 1..]);
    form[open + 1..close]
        .split(',')
        .flat_map(|alt| expand(&format!("{head}{alt}{tail}")))
        .collect()
}

/// The folded demonym forms of language `code`, to the folded English demonym.
fn demonyms_of(code: &str) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for (_, countries) in DEMONYMS.iter().filter(|(c, _)| *c == code) {
        for (english, forms) in countries.iter() {
            for form in forms.iter().flat_map(|f| expand(f)) {
                out.insert(fold_word(&form), fold_word(english));
            }
        }
    }
    out
}

fn fold_set(words: &[&str]) -> HashSet<String> {
    words.iter().map(|w| fold_word(w)).collect()
}

impl Tables {
    /// Builds every table (a few hundred words, folded once).
    pub fn new() -> Tables {
        Tables {
            langs: RAW
                .iter()
                .map(|r| {
                    let demonyms = demonyms_of(r.code);
                    (
                        r.code,
                        LangTables {
                            titles: fold_set(r.titles),
                            given_names: fold_set(r.given_names),
                            connectors: fold_set(r.connectors),
                            organisation_heads: fold_set(r.organisation_heads),
                            stopwords: fold_set(r.stopwords),
                            demonym_targets: demonyms.values().cloned().collect(),
                            demonyms,
                        },
                    )
                })
                .collect(),
            empty: LangTables::default(),
            chinese_surnames: CHINESE_SURNAMES.chars().collect(),
            chinese_organisation_tails: CHINESE_ORGANISATION_TAILS.to_vec(),
            chinese_titles: CHINESE_TITLES.to_vec(),
        }
    }

    /// The tables of a language (ISO 639-1), empty for languages without tables.
    pub fn get(&self, code: &str) -> &LangTables {
        self.langs
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, t)| t)
            .unwrap_or(&self.empty)
    }
}

impl Default for Tables {
    fn default() -> Self {
        Tables::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_folded_like_text_tokens() {
        let t = Tables::new();
        // "й" folds to "и", Arabic hamza seats fold away: the tables must agree.
        assert!(t.get("ru").given_names.contains(&fold_word("Сергей")));
        assert!(t.get("ar").titles.contains(&fold_word("الرئيس")));
        assert!(t.get("fr").titles.contains("president"));
        assert!(t.get("en").titles.is_empty());
        assert!(t.chinese_surnames.contains(&'李'));
        assert!(!t.chinese_surnames.contains(&'于'));
    }

    #[test]
    fn demonym_forms_expand_and_fold() {
        assert_eq!(expand("siri{o,a}"), ["sirio", "siria"]);
        assert_eq!(expand("{,al-}x{1,2}"), ["x1", "x2", "al-x1", "al-x2"]);
        let t = Tables::new();
        let syrian = Some(&"syrian".to_string());
        assert_eq!(t.get("ru").demonyms.get(&fold_word("сирийской")), syrian);
        assert_eq!(t.get("ar").demonyms.get(&fold_word("السورية")), syrian);
        assert_eq!(t.get("de").demonyms.get(&fold_word("syrischen")), syrian);
        assert_eq!(t.get("fr").demonyms.get(&fold_word("syrienne")), syrian);
        assert_eq!(
            t.get("es").demonyms.get(&fold_word("alemanes")),
            Some(&"german".to_string())
        );
        // Words that name the language itself are no evidence for its country.
        assert!(!t.get("de").demonyms.contains_key("deutsche"));
        assert!(t.get("zh").demonyms.is_empty());
    }
}
