//! Name matching shared by analysis (within an article) and storage (across articles): when are
//! two canonical name keys spellings of one name?

/// Evidence that two canonical name keys (lower case, words separated by single spaces, as
/// `analyze::entities::canonical_key` makes them) name the same entity, if they do: the same key;
/// the same surname with first names one edit apart ("barrack obama" ~ "barack obama") or one an
/// initial of the other; the same first name with surnames one edit apart.
pub fn variant_evidence_keys(ka: &str, kb: &str) -> Option<String> {
    if ka == kb {
        return Some(format!("same canonical key \"{ka}\""));
    }
    let wa: Vec<&str> = ka.split(' ').collect();
    let wb: Vec<&str> = kb.split(' ').collect();
    if wa.len() < 2 || wa.len() != wb.len() {
        return None;
    }
    let (la, lb) = (wa[wa.len() - 1], wb[wb.len() - 1]);
    let (fa, fb) = (wa[0], wb[0]);
    if la == lb && fa != fb {
        if fa.len() >= 4 && fb.len() >= 4 && edit_distance(fa, fb) == 1 {
            return Some(format!(
                "same surname \"{la}\"; first names \"{fa}\" and \"{fb}\" differ by one edit"
            ));
        }
        if fa.len() == 1 && fb.starts_with(fa) || fb.len() == 1 && fa.starts_with(fb) {
            return Some(format!("same surname \"{la}\"; first name \"{fa}\"/\"{fb}\" initial"));
        }
    }
    if fa == fb && la != lb && la.len() >= 5 && lb.len() >= 5 && edit_distance(la, lb) == 1 {
        return Some(format!(
            "same first name \"{fa}\"; surnames \"{la}\" and \"{lb}\" differ by one edit"
        ));
    }
    None
}

/// The surname under which spelling variants of a multi-word name are looked up (its last word).
pub fn surname_key(key: &str) -> Option<&str> {
    let mut words = key.split(' ');
    let first = words.next()?;
    let last = words.next_back()?;
    (!first.is_empty() && !last.is_empty()).then_some(last)
}

/// Levenshtein distance over chars.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let c = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + c);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants() {
        assert!(variant_evidence_keys("barrack obama", "barack obama").is_some());
        assert!(variant_evidence_keys("b obama", "barack obama").is_some());
        assert!(variant_evidence_keys("michelle obama", "barack obama").is_none());
        assert!(variant_evidence_keys("obama", "barack obama").is_none());
        assert_eq!(surname_key("barack obama"), Some("obama"));
        assert_eq!(surname_key("obama"), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
