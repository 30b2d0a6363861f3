//! Sort keys for names: Chinese names sort by their pinyin (as a
//! dictionary would), Latin text case-insensitively, so "name" order is
//! the order a reader of either script expects.

use pinyin::ToPinyin;

/// The key `name` sorts by: each Chinese character as its toneless pinyin
/// syllable followed by a space, other characters lower-cased.
pub fn collate_key(name: &str) -> String {
    let mut key = String::with_capacity(name.len() * 3);
    for ch in name.chars() {
        match ch.to_pinyin() {
            Some(p) => {
                key.push_str(p.plain());
                key.push(' ');
            }
            None => key.extend(ch.to_lowercase()),
        }
    }
    key
}

#[cfg(test)]
mod tests {
    use super::collate_key;

    #[test]
    fn chinese_sorts_by_pinyin() {
        let mut names = vec!["中央商务区", "邮轮港", "人和路", "白沙河", "Apple"];
        names.sort_by_key(|n| collate_key(n));
        assert_eq!(names, ["Apple", "白沙河", "人和路", "邮轮港", "中央商务区"]);
        assert_eq!(
            collate_key("人和路B区"),
            "ren he lu b区".replace('区', "qu ")
        );
    }
}
