//! A sorted set of words in a compact form that is read where it lies (a
//! file mapped read-only): a lookup touches the block index and one block,
//! not the whole set, so a dictionary costs memory only for the pages the
//! draft's words reach.
//!
//! Layout (all numbers little-endian `u32`):
//!
//! ```text
//! "GRAFTWS1"  blocks  words  extra_len  heads_len  data_len
//! head offsets [blocks + 1]   data offsets [blocks + 1]
//! extra bytes (the dictionary's TRY letters)
//! heads: the first word of each block, whole
//! data: the block's other words, each as (shared prefix length: u8,
//!       rest length: u8, rest) against the word before it
//! ```
//!
//! Every read is bounds-checked: a damaged file answers "not known", it
//! never panics.

use std::cmp::Ordering;

const MAGIC: &[u8; 8] = b"GRAFTWS1";
const HEADER: usize = 8 + 5 * 4;
/// Words in a block: a lookup reads at most this many after the search.
const BLOCK: usize = 32;
/// Longer words are left out (no language's word is this long).
pub(crate) const MAX_WORD: usize = 255;

/// The bytes of a set: owned, or a mapped file.
pub(crate) type Bytes = Box<dyn AsRef<[u8]> + Send + Sync>;

pub(crate) struct WordSet {
    bytes: Bytes,
    blocks: usize,
    words: usize,
    /// Where each region starts.
    head_offsets: usize,
    data_offsets: usize,
    extra: (usize, usize),
    heads: usize,
    data: usize,
}

fn u32_at(b: &[u8], at: usize) -> Option<usize> {
    let s = b.get(at..at + 4)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]) as usize)
}

impl WordSet {
    /// Writes the set of `words` (sorted bytewise, no repeats) with `extra`.
    pub(crate) fn build<'a>(words: impl IntoIterator<Item = &'a [u8]>, extra: &[u8]) -> Vec<u8> {
        let mut heads = Vec::new();
        let mut data = Vec::new();
        let (mut head_offsets, mut data_offsets) = (Vec::new(), Vec::new());
        let mut prev: &[u8] = &[];
        let mut count = 0usize;
        for w in words
            .into_iter()
            .filter(|w| !w.is_empty() && w.len() <= MAX_WORD)
        {
            debug_assert!(prev < w, "words are sorted and distinct");
            if count % BLOCK == 0 {
                head_offsets.push(heads.len() as u32);
                data_offsets.push(data.len() as u32);
                heads.extend_from_slice(w);
            } else {
                let shared = prev.iter().zip(w).take_while(|(a, b)| a == b).count();
                data.push(shared as u8);
                data.push((w.len() - shared) as u8);
                data.extend_from_slice(&w[shared..]);
            }
            prev = w;
            count += 1;
        }
        head_offsets.push(heads.len() as u32);
        data_offsets.push(data.len() as u32);
        let blocks = head_offsets.len() - 1;
        let mut out =
            Vec::with_capacity(HEADER + 8 * (blocks + 1) + extra.len() + heads.len() + data.len());
        out.extend_from_slice(MAGIC);
        for n in [blocks, count, extra.len(), heads.len(), data.len()] {
            out.extend_from_slice(&(n as u32).to_le_bytes());
        }
        for o in head_offsets.iter().chain(&data_offsets) {
            out.extend_from_slice(&o.to_le_bytes());
        }
        out.extend_from_slice(extra);
        out.extend_from_slice(&heads);
        out.extend_from_slice(&data);
        out
    }

    /// Reads a set written by [`WordSet::build`]; `None` when the bytes are
    /// not one (another version, cut short).
    pub(crate) fn open(bytes: Bytes) -> Option<WordSet> {
        let b = (*bytes).as_ref();
        if b.get(..8)? != MAGIC {
            return None;
        }
        let blocks = u32_at(b, 8)?;
        let words = u32_at(b, 12)?;
        let extra_len = u32_at(b, 16)?;
        let heads_len = u32_at(b, 20)?;
        let data_len = u32_at(b, 24)?;
        let head_offsets = HEADER;
        let data_offsets = head_offsets + 4 * (blocks + 1);
        let extra = data_offsets + 4 * (blocks + 1);
        let heads = extra + extra_len;
        let data = heads + heads_len;
        if data + data_len != b.len() {
            return None;
        }
        Some(WordSet {
            bytes,
            blocks,
            words,
            head_offsets,
            data_offsets,
            extra: (extra, extra_len),
            heads,
            data,
        })
    }

    fn b(&self) -> &[u8] {
        (*self.bytes).as_ref()
    }

    /// How many words the set holds.
    pub(crate) fn len(&self) -> usize {
        self.words
    }

    /// The bytes kept beside the words.
    pub(crate) fn extra(&self) -> &[u8] {
        self.b()
            .get(self.extra.0..self.extra.0 + self.extra.1)
            .unwrap_or(&[])
    }

    fn head(&self, i: usize) -> Option<&[u8]> {
        let b = self.b();
        let from = u32_at(b, self.head_offsets + 4 * i)?;
        let to = u32_at(b, self.head_offsets + 4 * (i + 1))?;
        b.get(self.heads + from..self.heads + to)
    }

    /// Whether `word` is in the set.
    pub(crate) fn contains(&self, word: &str) -> bool {
        let w = word.as_bytes();
        if self.blocks == 0 || w.is_empty() || w.len() > MAX_WORD {
            return false;
        }
        // The last block whose first word is at or before `word`.
        let (mut lo, mut hi) = (0, self.blocks);
        while hi - lo > 1 {
            let mid = (lo + hi) / 2;
            match self.head(mid).map(|h| h.cmp(w)) {
                Some(Ordering::Greater) => hi = mid,
                Some(Ordering::Equal) => return true,
                Some(Ordering::Less) => lo = mid,
                None => return false,
            }
        }
        let Some(head) = self.head(lo) else {
            return false;
        };
        match head.cmp(w) {
            Ordering::Equal => return true,
            Ordering::Greater => return false,
            Ordering::Less => {}
        }
        let b = self.b();
        let (Some(from), Some(to)) = (
            u32_at(b, self.data_offsets + 4 * lo),
            u32_at(b, self.data_offsets + 4 * (lo + 1)),
        ) else {
            return false;
        };
        let Some(block) = b.get(self.data + from..self.data + to) else {
            return false;
        };
        let mut cur: Vec<u8> = head.to_vec();
        let mut at = 0;
        while at + 2 <= block.len() {
            let (shared, len) = (block[at] as usize, block[at + 1] as usize);
            let Some(rest) = block.get(at + 2..at + 2 + len) else {
                return false;
            };
            if shared > cur.len() {
                return false;
            }
            cur.truncate(shared);
            cur.extend_from_slice(rest);
            match cur.as_slice().cmp(w) {
                Ordering::Equal => return true,
                Ordering::Greater => return false,
                Ordering::Less => {}
            }
            at += 2 + len;
        }
        false
    }

    /// Every word, in order (for tests and checks of a built set).
    #[cfg(test)]
    pub(crate) fn words(&self) -> Vec<String> {
        let mut out = Vec::new();
        let b = self.b();
        for i in 0..self.blocks {
            let head = self.head(i).unwrap_or_default().to_vec();
            out.push(String::from_utf8_lossy(&head).into_owned());
            let from = u32_at(b, self.data_offsets + 4 * i).unwrap_or(0);
            let to = u32_at(b, self.data_offsets + 4 * (i + 1)).unwrap_or(0);
            let block = &b[self.data + from..self.data + to];
            let (mut cur, mut at) = (head, 0);
            while at + 2 <= block.len() {
                let (shared, len) = (block[at] as usize, block[at + 1] as usize);
                cur.truncate(shared);
                cur.extend_from_slice(&block[at + 2..at + 2 + len]);
                out.push(String::from_utf8_lossy(&cur).into_owned());
                at += 2 + len;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(words: &[&str]) -> WordSet {
        let mut v: Vec<&str> = words.to_vec();
        v.sort();
        v.dedup();
        let bytes = WordSet::build(v.iter().map(|w| w.as_bytes()), "esia".as_bytes());
        WordSet::open(Box::new(bytes)).unwrap()
    }

    #[test]
    fn every_word_is_found_and_no_other() {
        // Enough words for many blocks, with long shared prefixes.
        let mut words: Vec<String> = (0..1000)
            .map(|i| format!("w{}{}", "ab".repeat(i % 7), i))
            .collect();
        words.extend(["a", "zebra", "zebras", "café", "don't"].map(String::from));
        let refs: Vec<&str> = words.iter().map(String::as_str).collect();
        let s = set(&refs);
        assert_eq!(s.len(), 1005);
        for w in &words {
            assert!(s.contains(w), "{w}");
        }
        for w in [
            "", "b", "w", "zebr", "zebrass", "cafe", "w1000", "dont", "aa",
        ] {
            assert!(!s.contains(w), "{w}");
        }
        let mut sorted = words.clone();
        sorted.sort();
        assert_eq!(s.words(), sorted);
        assert_eq!(s.extra(), b"esia");
    }

    #[test]
    fn damaged_bytes_are_refused_or_answer_not_known() {
        let good = WordSet::build(["alpha".as_bytes(), b"beta"], b"");
        assert!(WordSet::open(Box::new(good[..good.len() - 1].to_vec())).is_none());
        assert!(WordSet::open(Box::new(b"GRAFTWS0".to_vec())).is_none());
        assert!(WordSet::open(Box::new(Vec::new())).is_none());
        // Offsets pointing anywhere: lookups say no, nothing panics.
        let mut bad = good.clone();
        for b in &mut bad[HEADER..HEADER + 16] {
            *b = 0xff;
        }
        let s = WordSet::open(Box::new(bad)).unwrap();
        assert!(!s.contains("alpha") && !s.contains("beta"));
        let empty = WordSet::open(Box::new(WordSet::build([], b""))).unwrap();
        assert!(!empty.contains("alpha"));
    }
}
