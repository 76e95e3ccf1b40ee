//! "Did you mean": the closest known name by edit distance.

/// The edit distance (insertions, deletions, substitutions) between two
/// strings, ignoring case, counted in characters.
pub(crate) fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            let next = (row[j] + 1).min(row[j + 1] + 1).min(diag + cost);
            diag = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// The candidate closest to `word`, if it is close enough to be a likely
/// typo: at most one edit per four characters (at least one), and fewer
/// edits than the word has characters. Ties go
/// to the candidate that sorts first, so the answer does not depend on the
/// order of the candidates.
pub(crate) fn closest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let budget = 1 + word.chars().count() / 4;
    candidates
        .into_iter()
        .map(|c| (distance(word, c), c))
        // An answer as far as the word is long would be a guess.
        .filter(|&(d, _)| d <= budget && d < word.chars().count())
        .min()
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("Engineering", "engineering"), 0);
        assert_eq!(distance("Enginering", "Engineering"), 1);
    }

    #[test]
    fn suggestions_are_close_and_stable() {
        let known = ["Engineering", "Finance", "HR", "IT", "Sales"];
        assert_eq!(closest("Enginering", known), Some("Engineering"));
        assert_eq!(closest("Fnance", known), Some("Finance"));
        assert_eq!(closest("Marketing", known), None);
        assert_eq!(closest("4", ["0", "1"]), None);
        // "HR" and "IT" are both one edit from "HT": the first in order wins.
        assert_eq!(closest("HT", ["IT", "HR"]), Some("HR"));
    }
}
