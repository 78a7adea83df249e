#!/usr/bin/env python3
"""Rewrites html5gum's generated src/entities.rs (0.9.0) so that its table
holds no pointer: the same names and characters, in the same order, packed
into byte arrays while compiling. Usage: pack_html5gum_entities.py FILE"""
import re, sys

path = sys.argv[1]
src = open(path).read()
if "static PACKED" in src:
    sys.exit(f"{path} is already packed")
header = src[: src.index("pub(crate) struct CharRef")]
lit = r'"((?:[^"\\]|\\.)*)"'
rows = []
for m in re.finditer(r"fn branch_(\w)<E>\((.*?)branch_\1\(second_char, try_read\)", src, re.S):
    first, body = m.group(1), m.group(2)
    for arm in re.finditer(r"'(.)' => &\[(.*?)\],?\n", body, re.S):
        second = arm.group(1)
        for t in re.finditer(r"\(" + lit + ", " + lit + r"\)", arm.group(2)):
            rows.append((first, second, t.group(1), t.group(2)))
# Grouped by the first two characters (a stable sort keeps each group's order).
rows.sort(key=lambda r: (ord(r[0]), ord(r[1])))
assert len(rows) > 2000, len(rows)
table = "\n".join(f"    (b'{a}', b'{b}', \"{rest}\", \"{chars}\")," for a, b, rest, chars in rows)
out = header + '''// Packed: the generated table of slices was rewritten by
// vendor/pack_html5gum_entities.py into one list read only while compiling,
// and arrays of bytes and offsets built from it (see `PACKED`).

pub(crate) struct CharRef {
    /// Name as it appears escaped in HTML, without its first two characters
    pub(crate) name: &'static str,
    /// Unescaped character codepoints
    pub(crate) characters: &'static str,
}

/// Every name: its first two characters, the rest, and what it stands for;
/// grouped by the first two characters, each group in the order its names
/// are tried. Read only while compiling, to build [`PACKED`].
const ENTITIES: &[(u8, u8, &str, &str)] = &[
''' + table + '''
];

/// The table as bytes and offsets. A table of string slices is two
/// pointers an entry: in a position-independent binary each is relocated,
/// and each page of them copied, when every program using this crate
/// starts. These arrays hold no pointer.
struct Packed {
    /// The first two characters of each name, as `first << 8 | second`.
    keys: [u16; ENTITIES.len()],
    /// The rest of every name, one after the other.
    rest: [u8; REST_LEN],
    /// Where each name's rest ends.
    rest_ends: [u16; ENTITIES.len()],
    /// The characters of every name, one after the other.
    chars: [u8; CHARS_LEN],
    /// Where each name's characters end.
    chars_ends: [u16; ENTITIES.len()],
}

const fn total(rest: bool) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < ENTITIES.len() {
        n += if rest {
            ENTITIES[i].2.len()
        } else {
            ENTITIES[i].3.len()
        };
        i += 1;
    }
    n
}

const REST_LEN: usize = total(true);
const CHARS_LEN: usize = total(false);
// The ends are u16s.
const _: () = assert!(REST_LEN <= u16::MAX as usize && CHARS_LEN <= u16::MAX as usize);

const fn pack() -> Packed {
    let mut p = Packed {
        keys: [0; ENTITIES.len()],
        rest: [0; REST_LEN],
        rest_ends: [0; ENTITIES.len()],
        chars: [0; CHARS_LEN],
        chars_ends: [0; ENTITIES.len()],
    };
    let (mut r, mut c) = (0, 0);
    let mut i = 0;
    while i < ENTITIES.len() {
        let (first, second, rest, chars) = ENTITIES[i];
        p.keys[i] = (first as u16) << 8 | second as u16;
        // Grouped: a lookup finds a group's first name by binary search.
        assert!(i == 0 || p.keys[i - 1] <= p.keys[i]);
        let (rest, chars) = (rest.as_bytes(), chars.as_bytes());
        let mut j = 0;
        while j < rest.len() {
            p.rest[r] = rest[j];
            r += 1;
            j += 1;
        }
        j = 0;
        while j < chars.len() {
            p.chars[c] = chars[j];
            c += 1;
            j += 1;
        }
        p.rest_ends[i] = r as u16;
        p.chars_ends[i] = c as u16;
        i += 1;
    }
    p
}

static PACKED: Packed = pack();

fn piece(bytes: &'static [u8], ends: &[u16], i: usize) -> Option<&'static str> {
    let start = match i {
        0 => 0,
        _ => ends[i - 1] as usize,
    };
    core::str::from_utf8(&bytes[start..ends[i] as usize]).ok()
}

pub(crate) fn try_read_character_reference<E>(
    first_char: char,
    second_char: char,
    mut try_read: impl FnMut(&str) -> Result<bool, E>,
) -> Result<Option<CharRef>, E> {
    if !first_char.is_ascii() || !second_char.is_ascii() {
        return Ok(None);
    }
    let key = (first_char as u16) << 8 | second_char as u16;
    let p = &PACKED;
    let from = p.keys.partition_point(|&k| k < key);
    for i in (from..p.keys.len()).take_while(|&i| p.keys[i] == key) {
        let (Some(name), Some(characters)) = (
            piece(&p.rest, &p.rest_ends, i),
            piece(&p.chars, &p.chars_ends, i),
        ) else {
            return Ok(None);
        };
        if name.is_empty() || try_read(name)? {
            return Ok(Some(CharRef { name, characters }));
        }
    }
    Ok(None)
}
'''
open(path, "w").write(out)
print(f"{len(rows)} names packed")
