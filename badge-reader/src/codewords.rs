//! Whether a sampled module grid would survive error correction, found out in microseconds
//! before rqrr is asked to decode it.
//!
//! rqrr decodes a grid by Reed–Solomon correction of each block, and when that fails it tries
//! the grid mirrored too; its syndromes raise the field's generator to a power for every
//! codeword, so a grid that does not decode costs about half a millisecond. The sampler tries
//! several ways of judging the modules and several grids per code, most of which do not
//! decode: this check (syndromes from log tables, Berlekamp–Massey, a root count) tells which
//! ones rqrr would correct, so only those go to rqrr, which still does the decoding.
//!
//! The codewords are read as the standard lays them out (and as rqrr reads them): the format
//! information for the level and mask, then the data modules two columns at a time, up and
//! down from the bottom right, around the fixed patterns.

/// GF(256) with the QR polynomial x⁸ + x⁴ + x³ + x² + 1: antilogarithms (doubled, so that a
/// sum of two logarithms needs no reduction) and logarithms.
struct Field {
    exp: [u8; 512],
    log: [u8; 256],
}

const FIELD: Field = {
    let mut exp = [0u8; 512];
    let mut log = [0u8; 256];
    let mut x: u16 = 1;
    let mut i = 0;
    while i < 255 {
        exp[i] = x as u8;
        log[x as usize] = i as u8;
        x <<= 1;
        if x & 0x100 != 0 {
            x ^= 0x11d;
        }
        i += 1;
    }
    while i < 512 {
        exp[i] = exp[i - 255];
        i += 1;
    }
    Field { exp, log }
};

fn mul(a: u8, b: u8) -> u8 {
    if a == 0 || b == 0 {
        0
    } else {
        FIELD.exp[usize::from(FIELD.log[usize::from(a)]) + usize::from(FIELD.log[usize::from(b)])]
    }
}

fn div(a: u8, b: u8) -> u8 {
    if a == 0 || b == 0 {
        0
    } else {
        FIELD.exp
            [usize::from(FIELD.log[usize::from(a)]) + 255 - usize::from(FIELD.log[usize::from(b)])]
    }
}

/// Number of errors in one Reed–Solomon block (codewords highest degree first, the last
/// `npar` of them parity), or `None` when there are more than it can correct.
fn block_errors(block: &[u8], npar: usize) -> Option<usize> {
    // Syndromes S_i = r(α^i), i = 0 .. npar-1 (Horner).
    let mut s = vec![0u8; npar];
    let mut any = false;
    for (i, si) in s.iter_mut().enumerate() {
        let x = FIELD.exp[i % 255];
        let mut acc = 0u8;
        for &c in block {
            acc = mul(acc, x) ^ c;
        }
        *si = acc;
        any |= acc != 0;
    }
    if !any {
        return Some(0);
    }
    // Berlekamp–Massey: the shortest error locator Λ generating the syndromes.
    let mut lambda = vec![0u8; npar + 1];
    let mut prev = vec![0u8; npar + 1];
    lambda[0] = 1;
    prev[0] = 1;
    let (mut l, mut m, mut b) = (0usize, 1usize, 1u8);
    for n in 0..npar {
        let mut d = s[n];
        for i in 1..=l.min(n) {
            d ^= mul(lambda[i], s[n - i]);
        }
        if d == 0 {
            m += 1;
            continue;
        }
        let coef = div(d, b);
        let before = lambda.clone();
        for i in 0..=npar - m {
            lambda[i + m] ^= mul(coef, prev[i]);
        }
        if 2 * l <= n {
            l = n + 1 - l;
            prev = before;
            b = d;
            m = 1;
        } else {
            m += 1;
        }
    }
    if 2 * l > npar {
        return None;
    }
    // Chien search: the locator must have all its roots at positions inside the block.
    let roots = (0..block.len())
        .filter(|&i| {
            // Λ(α^-i)
            let xinv = FIELD.exp[(255 - i % 255) % 255];
            let mut acc = 0u8;
            for &c in lambda[..=l].iter().rev() {
                acc = mul(acc, xinv) ^ c;
            }
            acc == 0
        })
        .count();
    (roots == l).then_some(l)
}

/// Error-correction blocks per version (index 1–40) and level, in rqrr's order of the
/// level bits (M, L, H, Q): parity codewords per block and number of blocks (ISO/IEC 18004
/// table 9).
const BLOCKS: [[(u8, u8); 4]; 41] = [
    [(0, 0); 4],
    [(10, 1), (7, 1), (17, 1), (13, 1)],
    [(16, 1), (10, 1), (28, 1), (22, 1)],
    [(26, 1), (15, 1), (22, 2), (18, 2)],
    [(18, 2), (20, 1), (16, 4), (26, 2)],
    [(24, 2), (26, 1), (22, 4), (18, 4)],
    [(16, 4), (18, 2), (28, 4), (24, 4)],
    [(18, 4), (20, 2), (26, 5), (18, 6)],
    [(22, 4), (24, 2), (26, 6), (22, 6)],
    [(22, 5), (30, 2), (24, 8), (20, 8)],
    [(26, 5), (18, 4), (28, 8), (24, 8)],
    [(30, 5), (20, 4), (24, 11), (28, 8)],
    [(22, 8), (24, 4), (28, 11), (26, 10)],
    [(22, 9), (26, 4), (22, 16), (24, 12)],
    [(24, 9), (30, 4), (24, 16), (20, 16)],
    [(24, 10), (22, 6), (24, 18), (30, 12)],
    [(28, 10), (24, 6), (30, 16), (24, 17)],
    [(28, 11), (28, 6), (28, 19), (28, 16)],
    [(26, 13), (30, 6), (28, 21), (28, 18)],
    [(26, 14), (28, 7), (26, 25), (26, 21)],
    [(26, 16), (28, 8), (28, 25), (30, 20)],
    [(26, 17), (28, 8), (30, 25), (28, 23)],
    [(28, 17), (28, 9), (24, 34), (30, 23)],
    [(28, 18), (30, 9), (30, 30), (30, 25)],
    [(28, 20), (30, 10), (30, 32), (30, 27)],
    [(28, 21), (26, 12), (30, 35), (30, 29)],
    [(28, 23), (28, 12), (30, 37), (28, 34)],
    [(28, 25), (30, 12), (30, 40), (30, 34)],
    [(28, 26), (30, 13), (30, 42), (30, 35)],
    [(28, 28), (30, 14), (30, 45), (30, 38)],
    [(28, 29), (30, 15), (30, 48), (30, 40)],
    [(28, 31), (30, 16), (30, 51), (30, 43)],
    [(28, 33), (30, 17), (30, 54), (30, 45)],
    [(28, 35), (30, 18), (30, 57), (30, 48)],
    [(28, 37), (30, 19), (30, 60), (30, 51)],
    [(28, 38), (30, 19), (30, 63), (30, 53)],
    [(28, 40), (30, 20), (30, 66), (30, 56)],
    [(28, 43), (30, 21), (30, 70), (30, 59)],
    [(28, 45), (30, 22), (30, 74), (30, 62)],
    [(28, 47), (30, 24), (30, 77), (30, 65)],
    [(28, 49), (30, 25), (30, 81), (30, 68)],
];

/// All codewords (data and parity) of a version: the data modules divided by eight.
fn total_codewords(version: usize) -> usize {
    let v = version;
    let mut modules = (16 * v + 128) * v + 64;
    if v >= 2 {
        let align = v / 7 + 2;
        modules -= 25 * align * align - 10 * align - 55;
        if v >= 7 {
            modules -= 36;
        }
    }
    modules / 8
}

/// Whether module (row `y`, column `x`) is inverted by mask pattern `mask` (the standard's
/// eight rules, numbered as in the format information).
fn masked(mask: u8, y: usize, x: usize) -> bool {
    match mask {
        0 => (y + x).is_multiple_of(2),
        1 => y.is_multiple_of(2),
        2 => x.is_multiple_of(3),
        3 => (y + x).is_multiple_of(3),
        4 => (y / 2 + x / 3).is_multiple_of(2),
        5 => (y * x) % 2 + (y * x) % 3 == 0,
        6 => ((y * x) % 2 + (y * x) % 3).is_multiple_of(2),
        _ => ((y * x) % 3 + (y + x) % 2).is_multiple_of(2),
    }
}

/// The 15-bit format word for 5 bits of level and mask: BCH(15, 5) with generator 0x537, then
/// XOR 0x5412.
fn format_word(data: u16) -> u16 {
    let mut rem = data << 10;
    for bit in (10..15).rev() {
        if rem >> bit & 1 == 1 {
            rem ^= 0x537 << (bit - 10);
        }
    }
    ((data << 10) | rem) ^ 0x5412
}

/// Level bits and mask from a read format word: the valid word within three bits of it.
fn decode_format(word: u16) -> Option<(u8, u8)> {
    (0..32u16)
        .find(|&d| (format_word(d) ^ word).count_ones() <= 3)
        .map(|d| ((d >> 3) as u8, (d & 7) as u8))
}

/// Centres of the alignment patterns along either axis of a version (none for version 1).
fn alignment_centres(version: usize) -> Vec<usize> {
    if version < 2 {
        return Vec::new();
    }
    let size = 17 + 4 * version;
    let count = version / 7 + 2;
    let step = if version == 32 {
        26
    } else {
        (version * 4 + count * 2 + 1) / (count * 2 - 2) * 2
    };
    let mut out: Vec<usize> = (0..count - 1).map(|i| size - 7 - i * step).collect();
    out.push(6);
    out.reverse();
    out
}

/// Which modules of a version hold no data: finder patterns with separators and format
/// information, timing patterns, version information and alignment patterns.
fn reserved(version: usize) -> Vec<bool> {
    let size = 17 + 4 * version;
    let mut out = vec![false; size * size];
    let centres = alignment_centres(version);
    let last = centres.len().saturating_sub(1);
    for y in 0..size {
        for x in 0..size {
            // Finder patterns, separators and format information at three corners.
            let corner = (y < 9 && (x < 9 || x + 8 >= size)) || (y + 8 >= size && x < 9);
            let timing = y == 6 || x == 6;
            let info = version >= 7 && ((y < 6 && x + 11 >= size) || (y + 11 >= size && x < 6));
            let near = |c: usize| centres.iter().position(|&p| p.abs_diff(c) <= 2);
            // Every combination of centres but the three on the finder patterns.
            let alignment = match (near(y), near(x)) {
                (Some(a), Some(b)) => {
                    let on_finder = (a == 0 && (b == 0 || b == last)) || (a == last && b == 0);
                    !on_finder
                }
                _ => false,
            };
            out[y * size + x] = corner || timing || info || alignment;
        }
    }
    out
}

/// Where a version's codewords lie: the data modules in reading order (two columns at a
/// time from the right, up then down, skipping the vertical timing pattern and every
/// reserved module), eight to a codeword, and how the codewords form blocks.
struct Layout {
    size: usize,
    version: usize,
    /// (row, column) of each data bit, in order, for the codewords' bits only.
    order: Vec<(usize, usize)>,
}

impl Layout {
    fn new(size: usize) -> Option<Layout> {
        if size < 21 || !(size - 17).is_multiple_of(4) || size > 177 {
            return None;
        }
        let version = (size - 17) / 4;
        let reserved = reserved(version);
        let bits = total_codewords(version) * 8;
        let mut order = Vec::with_capacity(bits);
        let mut right = size - 1;
        let mut upward = true;
        while right > 0 {
            if right == 6 {
                right -= 1;
            }
            for k in 0..size {
                let y = if upward { size - 1 - k } else { k };
                for x in [right, right - 1] {
                    if !reserved[y * size + x] && order.len() < bits {
                        order.push((y, x));
                    }
                }
            }
            upward = !upward;
            right = right.saturating_sub(2);
        }
        (order.len() == bits).then_some(Layout {
            size,
            version,
            order,
        })
    }

    /// Parity codewords per block and the block each codeword (in reading order) belongs to,
    /// for a level: the short blocks first, the long ones one data codeword longer; data
    /// codewords interleaved block by block, then the parity codewords likewise.
    fn blocks(&self, level: u8) -> (usize, Vec<Vec<usize>>) {
        let (npar, count) = BLOCKS[self.version][usize::from(level)];
        let (npar, count) = (usize::from(npar), usize::from(count));
        let total = total_codewords(self.version);
        let short = total / count;
        let short_count = count - total % count;
        let short_data = short - npar;
        let data_total = total - npar * count;
        let blocks = (0..count)
            .map(|i| {
                let mut block: Vec<usize> = (0..short_data).map(|j| j * count + i).collect();
                if i >= short_count {
                    block.push(short_data * count + (i - short_count));
                }
                block.extend((0..npar).map(|j| data_total + j * count + i));
                block
            })
            .collect();
        (npar, blocks)
    }
}

thread_local! {
    /// The last layout worked out: a read tries many grids of one size in a row.
    static LAST: std::cell::RefCell<Option<std::rc::Rc<Layout>>> =
        const { std::cell::RefCell::new(None) };
}

/// The layout of a `size` grid, worked out once per size in a row.
fn layout(size: usize) -> Option<std::rc::Rc<Layout>> {
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        if let Some(l) = last.as_ref().filter(|l| l.size == size) {
            return Some(l.clone());
        }
        let l = std::rc::Rc::new(Layout::new(size)?);
        *last = Some(l.clone());
        Some(l)
    })
}

/// A grid seen as sampled or mirrored (rows and columns swapped): the index of module
/// (row, column) in the row-major bits.
fn index(size: usize, mirrored: bool, y: usize, x: usize) -> usize {
    if mirrored { x * size + y } else { y * size + x }
}

/// Level bits and mask from the format information: beside the top-left finder, else its
/// copy beside the other two.
fn format(bits: &[bool], size: usize, mirrored: bool) -> Option<(u8, u8)> {
    let at = |y: usize, x: usize| bits[index(size, mirrored, y, x)];
    let (mut first, mut second) = (0u16, 0u16);
    const XS: [usize; 15] = [8, 8, 8, 8, 8, 8, 8, 8, 7, 5, 4, 3, 2, 1, 0];
    const YS: [usize; 15] = [0, 1, 2, 3, 4, 5, 7, 8, 8, 8, 8, 8, 8, 8, 8];
    for i in (0..15).rev() {
        first = (first << 1) | u16::from(at(YS[i], XS[i]));
    }
    for i in 0..7 {
        second = (second << 1) | u16::from(at(size - 1 - i, 8));
    }
    for i in 0..8 {
        second = (second << 1) | u16::from(at(8, size - 8 + i));
    }
    decode_format(first).or_else(|| decode_format(second))
}

/// The unmasked codewords of a grid.
fn codewords(bits: &[bool], layout: &Layout, mirrored: bool, mask: u8) -> Vec<u8> {
    let mut data = vec![0u8; layout.order.len() / 8];
    for (n, &(y, x)) in layout.order.iter().enumerate() {
        if bits[index(layout.size, mirrored, y, x)] != masked(mask, y, x) {
            data[n / 8] |= 0x80 >> (n % 8);
        }
    }
    data
}

/// Errors per block of a grid's codewords, `None` for a block beyond correction.
fn block_errors_of(data: &[u8], npar: usize, blocks: &[Vec<usize>]) -> Vec<Option<usize>> {
    blocks
        .iter()
        .map(|b| {
            let block: Vec<u8> = b.iter().map(|&k| data[k]).collect();
            block_errors(&block, npar)
        })
        .collect()
}

/// Whether rqrr's error correction would accept the `size`×`size` grid `bits` (row-major,
/// `true` dark), as sampled or mirrored, as rqrr tries it: the number of corrected
/// codewords of the way that corrects, or `None`.
pub fn correctable(bits: &[bool], size: usize) -> Option<usize> {
    if bits.len() != size * size {
        return None;
    }
    let layout = layout(size)?;
    [false, true].into_iter().find_map(|mirrored| {
        let (level, mask) = format(bits, size, mirrored)?;
        let (npar, blocks) = layout.blocks(level);
        let data = codewords(bits, &layout, mirrored, mask);
        block_errors_of(&data, npar, &blocks)
            .into_iter()
            .sum::<Option<usize>>()
    })
}

/// One grid from several readings of the same code (`size`×`size`, row-major): each error
/// correction block's modules taken from a reading that gets that block right enough to
/// correct, the fewest errors first, the rest from the first reading. A highlight band or a
/// smear spoils different blocks for different thresholds; a grid no single reading makes
/// correctable can still be put together. `None` when some block is beyond every reading.
pub fn combine(readings: &[Vec<bool>], size: usize) -> Option<Vec<bool>> {
    let first = readings.first()?;
    if readings.iter().any(|r| r.len() != size * size) {
        return None;
    }
    let layout = layout(size)?;
    [false, true].into_iter().find_map(|mirrored| {
        let (level, mask) = readings.iter().find_map(|r| format(r, size, mirrored))?;
        let (npar, blocks) = layout.blocks(level);
        let errors: Vec<Vec<Option<usize>>> = readings
            .iter()
            .map(|r| block_errors_of(&codewords(r, &layout, mirrored, mask), npar, &blocks))
            .collect();
        let mut out = first.clone();
        for (b, block) in blocks.iter().enumerate() {
            let best = (0..readings.len())
                .filter_map(|r| errors[r][b].map(|e| (e, r)))
                .min()?
                .1;
            for &k in block {
                for &(y, x) in &layout.order[k * 8..k * 8 + 8] {
                    let i = index(size, mirrored, y, x);
                    out[i] = readings[best][i];
                }
            }
        }
        Some(out)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use qrcode::{EcLevel, QrCode, Version};
    use rqrr::BitGrid;

    fn grid(text: &str, version: i16, level: EcLevel) -> (Vec<bool>, usize) {
        let code = QrCode::with_version(text.as_bytes(), Version::Normal(version), level)
            .expect("encodable");
        let size = code.width();
        let bits = code
            .to_colors()
            .iter()
            .map(|c| *c == qrcode::Color::Dark)
            .collect();
        (bits, size)
    }

    #[test]
    fn alignment_centres_follow_the_standard_table() {
        assert_eq!(alignment_centres(1), Vec::<usize>::new());
        assert_eq!(alignment_centres(2), vec![6, 18]);
        assert_eq!(alignment_centres(7), vec![6, 22, 38]);
        assert_eq!(alignment_centres(21), vec![6, 28, 50, 72, 94]);
        assert_eq!(alignment_centres(32), vec![6, 34, 60, 86, 112, 138]);
        assert_eq!(alignment_centres(40), vec![6, 30, 58, 86, 114, 142, 170]);
        // The version 1 format word for level M, mask 0 (ISO/IEC 18004 table C.1).
        assert_eq!(format_word(0), 0x5412);
        assert_eq!(decode_format(0x5412 ^ 0b101), Some((0, 0)));
    }

    #[test]
    fn the_field_tables_agree_with_multiplication() {
        assert_eq!(mul(2, 128), 0x1d);
        for a in 1..=255u8 {
            assert_eq!(div(mul(a, 7), 7), a);
        }
    }

    #[test]
    fn clean_grids_of_every_size_and_level_check_out() {
        // Versions from 1 to 40 at every level: every block of a clean grid checks out,
        // as sampled and mirrored.
        for version in [1, 2, 4, 6, 7, 10, 15, 22, 27, 33, 40] {
            for level in [EcLevel::L, EcLevel::M, EcLevel::Q, EcLevel::H] {
                // Seven bytes fit every version at every level.
                let (bits, size) = grid("q0Jv3mV", version, level);
                assert_eq!(size, 17 + 4 * version as usize);
                assert_eq!(correctable(&bits, size), Some(0), "v{version} {level:?}");
                // Mirrored, as a camera showing the code from behind would.
                let mirrored: Vec<bool> = (0..size * size)
                    .map(|i| bits[(i % size) * size + i / size])
                    .collect();
                assert_eq!(
                    correctable(&mirrored, size),
                    Some(0),
                    "v{version} {level:?} mirrored"
                );
            }
        }
    }

    #[test]
    fn combines_readings_that_each_spoil_a_different_block() {
        // Version 4-M has two blocks: one reading ruins the first, another the second; neither
        // corrects alone, together they make a grid rqrr decodes.
        let url = "https://caliber.plant.local/b/q0Jv3mV8pZ1xA4nR7tYc2w";
        let (clean, size) = grid(url, 4, EcLevel::M);
        let layout = Layout::new(size).expect("layout");
        let (level, mask) = format(&clean, size, false).expect("format");
        assert_eq!(mask, mask & 7);
        let (_, blocks) = layout.blocks(level);
        assert_eq!(blocks.len(), 2);
        let spoil = |b: usize| {
            let mut bits = clean.clone();
            // Every other data codeword of block b gets one flipped module: 16 errors, more
            // than the 9 a block corrects.
            for &k in blocks[b].iter().step_by(2).take(16) {
                let (y, x) = layout.order[k * 8];
                bits[y * size + x] = !bits[y * size + x];
            }
            bits
        };
        let (a, b) = (spoil(0), spoil(1));
        assert_eq!(correctable(&a, size), None);
        assert_eq!(correctable(&b, size), None);
        let both = combine(&[a, b], size).expect("each block is fine in one reading");
        assert_eq!(correctable(&both, size), Some(0));
        assert_eq!(rqrr_decode(&both, size).as_deref(), Some(url));
    }

    fn rqrr_decode(bits: &[bool], size: usize) -> Option<String> {
        struct G<'a>(&'a [bool], usize);
        impl BitGrid for G<'_> {
            fn size(&self) -> usize {
                self.1
            }
            fn bit(&self, y: usize, x: usize) -> bool {
                self.0[y * self.1 + x]
            }
        }
        rqrr::Grid::new(G(bits, size)).decode().ok().map(|(_, t)| t)
    }

    #[test]
    fn agrees_with_rqrr_on_damaged_grids() {
        // Codes with more and more modules flipped away from the top-left format bits:
        // whenever rqrr decodes, the check passes, and the other way round.
        struct G<'a>(&'a [bool], usize);
        impl BitGrid for G<'_> {
            fn size(&self) -> usize {
                self.1
            }
            fn bit(&self, y: usize, x: usize) -> bool {
                self.0[y * self.1 + x]
            }
        }
        let url = "https://caliber.plant.local/b/q0Jv3mV8pZ1xA4nR7tYc2w";
        let mut x = 7u32;
        for (version, level, most) in [
            (4, EcLevel::M, 120),
            (5, EcLevel::L, 80),
            (7, EcLevel::Q, 200),
            (10, EcLevel::H, 400),
        ] {
            let (clean, size) = grid(url, version, level);
            let mut seen = (false, false);
            for flips in (0..most).step_by(3) {
                let mut bits = clean.clone();
                for _ in 0..flips {
                    x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                    let r = 12 + (x >> 8) as usize % (size - 12);
                    let c = 12 + (x >> 20) as usize % (size - 12);
                    bits[r * size + c] = !bits[r * size + c];
                }
                let rqrr = rqrr::Grid::new(G(&bits, size)).decode().is_ok();
                let ours = correctable(&bits, size).is_some();
                assert_eq!(ours, rqrr, "v{version} {level:?}, {flips} flips");
                seen = (seen.0 || ours, seen.1 || !ours);
            }
            assert!(seen.0 && seen.1, "v{version}: both outcomes must occur");
        }
    }
}
