//! The provisions the engine cites, in Chinese and English.

use crate::trace::Article;

const fn reg(zh: &'static str, en: &'static str) -> Article {
    Article { zh, en }
}

pub const REG_15_3: Article = reg(
    "《工伤保险条例》第十五条第一款第（三）项、第二款",
    "Regulations Art 15(1)(3) and 15(2)",
);
pub const REG_30: Article = reg("《工伤保险条例》第三十条第四款", "Regulations Art 30(4)");
pub const REG_33: Article = reg("《工伤保险条例》第三十三条", "Regulations Art 33");
pub const REG_34: Article = reg("《工伤保险条例》第三十四条", "Regulations Art 34");
pub const REG_35: Article = reg("《工伤保险条例》第三十五条", "Regulations Art 35");
pub const REG_35_3: Article = reg(
    "《工伤保险条例》第三十五条第三款；《社会保险法》第四十条",
    "Regulations Art 35(3); Social Insurance Law Art 40",
);
pub const REG_36: Article = reg("《工伤保险条例》第三十六条", "Regulations Art 36");
pub const REG_45: Article = Article {
    zh: "《工伤保险条例》第四十五条",
    en: "Regulations Art 45",
};
pub const REG_37: Article = reg("《工伤保险条例》第三十七条", "Regulations Art 37");
pub const REG_39_1_1: Article = reg(
    "《工伤保险条例》第三十九条第一款第（一）项",
    "Regulations Art 39(1)(1)",
);
pub const REG_39_1_2: Article = reg(
    "《工伤保险条例》第三十九条第一款第（二）项",
    "Regulations Art 39(1)(2)",
);
pub const REG_39_1_3: Article = reg(
    "《工伤保险条例》第三十九条第一款第（三）项",
    "Regulations Art 39(1)(3)",
);
pub const REG_39_3: Article = reg("《工伤保险条例》第三十九条第三款", "Regulations Art 39(3)");
pub const REG_62_2: Article = reg("《工伤保险条例》第六十二条第二款", "Regulations Art 62(2)");
/// An enrolled unit in arrears on the accident day pays as an uninsured one.
pub const SIL_41_REG_62_2: Article = reg(
    "《社会保险法》第四十一条；《工伤保险条例》第六十二条第二款",
    "Social Insurance Law Art 41; Regulations Art 62(2)",
);
pub const REG_62_3: Article = reg(
    "《工伤保险条例》第六十二条第三款；人社部发〔2016〕29号第三条",
    "Regulations Art 62(3); MOHRSS 2016 No. 29 item 3",
);
pub const REG_64: Article = reg("《工伤保险条例》第六十四条第二款", "Regulations Art 64(2)");
pub const CONTRIBUTION: Article = reg(
    "《社会保险法》第三十四条、第三十五条；《工伤保险条例》第八条、第十条；人社部发〔2015〕71号",
    "Social Insurance Law Arts 34-35; Regulations Arts 8, 10; MOHRSS 2015 No. 71",
);

/// The article that sets the one-time disability subsidy and allowance of a grade.
pub const fn for_grade(grade: u8) -> Article {
    match grade {
        1..=4 => REG_35,
        5 | 6 => REG_36,
        _ => REG_37,
    }
}
