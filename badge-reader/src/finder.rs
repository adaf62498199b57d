//! A fast look for QR finder patterns (the three nested squares) by run lengths along rows,
//! confirmed along columns, as zbar and ZXing do. It tells the decoder where a code is and
//! how big its modules are, so rqrr runs on a small crop instead of the whole frame, and a
//! frame without any finder pattern is dismissed in about a millisecond.

/// One finder pattern: centre and module size, in the image's pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Finder {
    /// Centre x.
    pub x: f32,
    /// Centre y.
    pub y: f32,
    /// Estimated module size in pixels.
    pub module: f32,
    /// How many scan lines confirmed it.
    pub hits: u32,
    /// How many of them were columns found without a row confirming them.
    pub column_hits: u32,
    /// Light-on-dark pattern.
    pub inverted: bool,
}

/// Whether five runs look like 1:1:3:1:1.
fn ratio_ok(runs: &[u32; 5], strict: bool) -> Option<f32> {
    let total: u32 = runs.iter().sum();
    // Under 9 pixels (modules of about a pixel) it is sensor noise far more often than a code.
    if total < 9 {
        return None;
    }
    let m = total as f32 / 7.0;
    let tol = m * 0.7;
    let ok = (runs[0] as f32 - m).abs() < tol
        && (runs[1] as f32 - m).abs() < tol
        && (runs[2] as f32 - 3.0 * m).abs() < 3.0 * tol
        && (runs[3] as f32 - m).abs() < tol
        && (runs[4] as f32 - m).abs() < tol
        && runs[2] >= runs[1].max(runs[3])
        // `strict`: the centre clearly wider than the outer runs (zxing-cpp asks twice as
        // wide). The even stripes of a shelf or a cable loom pass the loose ratios above, and
        // each costs cross-checks; a stream frame is better off without them, a single
        // photograph of a tiny or distorted code with them. Not for modules under two pixels,
        // where a pixel either way is half a module.
        && (!strict || total < 14 || 5 * runs[2] >= 8 * runs[0].max(runs[4]));
    ok.then_some(m)
}

/// Runs of equal colour along a line through the bitmap; `get(i)` is the pixel at position i,
/// judged by [`ratio_ok`] (`strict` or not). The walk gives up once the five runs exceed
/// `max_total` pixels: a pattern that long is not the one the scan line saw, and without the
/// limit the outer runs can follow a dark shelf or a light wall across half the frame for
/// every look-alike in a busy scene.
fn cross_check(
    strict: bool,
    len: usize,
    centre: usize,
    get: impl Fn(usize) -> bool,
    dark: bool,
    max_total: u32,
) -> Option<(f32, f32)> {
    // From the centre (which must be the pattern's colour) count the centre run, then two
    // runs either way.
    if get(centre) != dark {
        return None;
    }
    let mut runs = [0u32; 5];
    let mut i = centre as isize;
    // Upwards / leftwards.
    for (slot, colour) in [(2usize, dark), (1, !dark), (0, dark)] {
        while i >= 0 && get(i as usize) == colour {
            runs[slot] += 1;
            i -= 1;
            if runs[0] + runs[1] + runs[2] > max_total {
                return None;
            }
        }
        if runs[slot] == 0 {
            return None;
        }
    }
    let start = i + 1;
    let mut j = centre + 1;
    for (slot, colour) in [(2usize, dark), (3, !dark), (4, dark)] {
        while j < len && get(j) == colour {
            runs[slot] += 1;
            j += 1;
            if runs.iter().sum::<u32>() > max_total {
                return None;
            }
        }
        if slot != 2 && runs[slot] == 0 {
            return None;
        }
    }
    let m = ratio_ok(&runs, strict)?;
    let centre_pos = start as f32 + (runs[0] + runs[1]) as f32 + runs[2] as f32 / 2.0;
    Some((centre_pos, m))
}

/// Finder patterns in a bitmap (`true` = dark) of `w`×`h`: every row is scanned for a
/// 1:1:3:1:1 run pattern, each hit confirmed along its column and again along its row through
/// the refined centre ([`find_rows`]). Then every column is scanned the same way
/// ([`add_columns`]), so a pattern smeared along the rows (a badge moving sideways) is still
/// found by its clean vertical runs; such a column-only pattern needs several columns to
/// agree.
///
/// Finder patterns found by the row scan alone (cheaper; enough for a sharp code), and the
/// state to add the column scan to later with [`add_columns`]. With `diagonals`, each pattern
/// must also show along a diagonal ([`diagonal_ok`]): cheaper frames in cluttered scenes, for
/// a stream where the next frame comes a moment later; single photographs leave it out, since
/// blur there can spoil the diagonal of a finder that the decoder could still read.
pub fn find_rows(bits: &[bool], w: usize, h: usize, diagonals: bool) -> (Vec<Finder>, Found) {
    let mut found = Found::new(w, h);
    found.diagonals = diagonals;
    scan(&mut found, bits, w, h, Axis::Rows);
    (found.clone().keep(), found)
}

/// Add the column scan to a row scan's state: every finder pattern [`find`] returns.
pub fn add_columns(mut found: Found, bits: &[bool], w: usize, h: usize) -> Vec<Finder> {
    scan(&mut found, bits, w, h, Axis::Columns);
    found.keep()
}

fn scan(found: &mut Found, bits: &[bool], w: usize, h: usize, pass: Axis) {
    // Stream frames (which also check diagonals) take the strict ratios.
    let strict = found.diagonals;
    let at = |x: usize, y: usize| bits[y * w + x];
    let mut runs: Vec<(bool, u32)> = Vec::with_capacity(256);
    let transposed = match pass {
        Axis::Rows => Vec::new(),
        Axis::Columns => transpose(bits, w, h),
    };
    {
        let lines = match pass {
            Axis::Rows => h,
            Axis::Columns => w,
        };
        for l in 0..lines {
            let scan: &[bool] = match pass {
                Axis::Rows => &bits[l * w..(l + 1) * w],
                Axis::Columns => &transposed[l * h..(l + 1) * h],
            };
            run_lengths(scan, &mut runs);
            let mut pos = 0usize;
            for k in 0..runs.len() {
                if k + 5 <= runs.len() {
                    let window = [
                        runs[k].1,
                        runs[k + 1].1,
                        runs[k + 2].1,
                        runs[k + 3].1,
                        runs[k + 4].1,
                    ];
                    let dark = runs[k].0;
                    if ratio_ok(&window, strict).is_some() {
                        let c = pos + (window[0] + window[1]) as usize + window[2] as usize / 2;
                        // Across the scan line the pattern may be up to three times as long
                        // (perspective, a code tipped away) but not more.
                        let max_total = window.iter().sum::<u32>() * 3 + 6;
                        match pass {
                            Axis::Rows => {
                                let (cx, y) = (c, l);
                                if let Some((cy, m1)) =
                                    cross_check(strict, h, y, |i| at(cx, i), dark, max_total)
                                {
                                    let cyi = (cy as usize).min(h - 1);
                                    if let Some((cx2, m2)) =
                                        cross_check(strict, w, cx, |i| at(i, cyi), dark, max_total)
                                        && (!found.diagonals
                                            || diagonal_ok(bits, w, h, (cx2, cy), m1.max(m2), dark))
                                    {
                                        found.add(cx2, cy, (m1 + m2) / 2.0, !dark, false);
                                    }
                                }
                            }
                            Axis::Columns => {
                                let (x, cy) = (l, c);
                                let m = (window.iter().sum::<u32>()) as f32 / 7.0;
                                // Already found from the rows: nothing to add.
                                let known = found.near(x as f32, cy as f32, m).any(|f| {
                                    f.inverted != dark
                                        && (f.x - x as f32).abs() < f.module * 2.0
                                        && (f.y - cy as f32).abs() < f.module * 2.0
                                        && f.hits > f.column_hits
                                });
                                if known {
                                    pos += runs[k].1 as usize;
                                    continue;
                                }
                                if let Some((cy2, m1)) =
                                    cross_check(strict, h, cy, |i| at(x, i), dark, max_total)
                                    && (!found.diagonals
                                        || diagonal_ok(
                                            bits,
                                            w,
                                            h,
                                            (x as f32, cy2),
                                            m1.max(m),
                                            dark,
                                        ))
                                {
                                    found.add(x as f32 + 0.5, cy2, m1.max(m), !dark, true);
                                }
                            }
                        }
                    }
                }
                pos += runs[k].1 as usize;
            }
        }
    }
}

/// Whether a 1:1:3:1:1 pattern also crosses `centre` along one of the two diagonals, as it
/// does through a real finder pattern however it is rotated or foreshortened (an affine view
/// keeps the ratios along any line through the centre). Text, shelves and other clutter with
/// horizontal and vertical edges mostly fail it, which saves the costly triple reads later.
/// Modules under two pixels are too coarse to judge along a diagonal: they pass.
fn diagonal_ok(
    bits: &[bool],
    w: usize,
    h: usize,
    centre: (f32, f32),
    module: f32,
    dark: bool,
) -> bool {
    if module < 2.0 {
        return true;
    }
    let (cx, cy) = (centre.0 as isize, centre.1 as isize);
    if cx < 0 || cy < 0 || cx >= w as isize || cy >= h as isize {
        return false;
    }
    // Far enough for the whole pattern at the steepest foreshortening the triples allow.
    let reach = (module * 9.0).ceil() as isize;
    let mut line = Vec::with_capacity(2 * reach as usize + 1);
    [1isize, -1].iter().any(|&slope| {
        line.clear();
        let mut centre_index = 0;
        for t in -reach..=reach {
            let (x, y) = (cx + t, cy + slope * t);
            if x < 0 || y < 0 || x >= w as isize || y >= h as isize {
                continue;
            }
            if t == 0 {
                centre_index = line.len();
            }
            line.push(bits[y as usize * w + x as usize]);
        }
        cross_check(true, line.len(), centre_index, |i| line[i], dark, u32::MAX).is_some()
    })
}

/// The bitmap's columns as rows (cache-friendly column scans), in 64-pixel tiles.
fn transpose(bits: &[bool], w: usize, h: usize) -> Vec<bool> {
    let mut out = vec![false; w * h];
    const T: usize = 64;
    for y0 in (0..h).step_by(T) {
        let y1 = (y0 + T).min(h);
        for x0 in (0..w).step_by(T) {
            for x in x0..(x0 + T).min(w) {
                let column = &mut out[x * h + y0..x * h + y1];
                for (k, d) in column.iter_mut().enumerate() {
                    *d = bits[(y0 + k) * w + x];
                }
            }
        }
    }
    out
}

/// Runs of equal colour along a line, as (colour, length); eight pixels at a time across
/// stretches of one colour.
fn run_lengths(line: &[bool], runs: &mut Vec<(bool, u32)>) {
    runs.clear();
    let Some(&first) = line.first() else {
        return;
    };
    let (mut colour, mut len) = (first, 0u32);
    let mut i = 0;
    while i < line.len() {
        // Eight of one colour compare as one eight-byte word.
        if line.get(i..i + 8) == Some(&[colour; 8][..]) {
            len += 8;
            i += 8;
            continue;
        }
        if line[i] == colour {
            len += 1;
        } else {
            runs.push((colour, len));
            colour = line[i];
            len = 1;
        }
        i += 1;
    }
    runs.push((colour, len));
}

#[derive(Debug, Clone, Copy)]
enum Axis {
    Rows,
    Columns,
}

/// Finder patterns found so far, indexed by 16-pixel cells so that merging a scan-line hit
/// into the pattern it belongs to stays cheap on a noisy frame with thousands of hits.
#[derive(Debug, Clone)]
pub struct Found {
    all: Vec<Finder>,
    cells: Vec<Vec<u32>>,
    cols: usize,
    rows: usize,
    largest: f32,
    /// Whether hits must pass [`diagonal_ok`] too.
    diagonals: bool,
}

const CELL: f32 = 16.0;

impl Found {
    /// The patterns confirmed well enough. Column-only patterns need several columns to agree
    /// (a stray vertical 1:1:3:1:1 is common in clutter).
    fn keep(self) -> Vec<Finder> {
        let mut all = self.all;
        all.retain(|f| {
            if f.column_hits == f.hits {
                f.hits >= 3
            } else {
                f.hits >= 2 || f.module >= 3.0
            }
        });
        all
    }

    fn new(w: usize, h: usize) -> Self {
        let (cols, rows) = (w.div_ceil(16).max(1), h.div_ceil(16).max(1));
        Found {
            all: Vec::new(),
            cells: vec![Vec::new(); cols * rows],
            cols,
            rows,
            largest: 0.0,
            diagonals: false,
        }
    }

    fn cell(&self, x: f32, y: f32) -> (usize, usize) {
        (
            ((x / CELL).max(0.0) as usize).min(self.cols - 1),
            ((y / CELL).max(0.0) as usize).min(self.rows - 1),
        )
    }

    /// Cells to search either way for a pattern a hit of `module` may belong to: the largest
    /// pattern so far can have pulled its hits from 2.5 of its modules away, but only up to
    /// twice the hit's own module size (a finder's hits agree on the size that closely);
    /// otherwise one large look-alike in clutter makes every later lookup search half the
    /// frame.
    fn reach(&self, module: f32) -> usize {
        (module.max(self.largest.min(module * 2.0)) * 2.5 / CELL).ceil() as usize + 1
    }

    /// Patterns whose centre may lie within 2.5 module sizes of (x, y).
    fn near(&self, x: f32, y: f32, module: f32) -> impl Iterator<Item = &Finder> {
        let reach = self.reach(module);
        let (cx, cy) = self.cell(x, y);
        let (x0, x1) = (cx.saturating_sub(reach), (cx + reach).min(self.cols - 1));
        let (y0, y1) = (cy.saturating_sub(reach), (cy + reach).min(self.rows - 1));
        (y0..=y1)
            .flat_map(move |yy| (x0..=x1).map(move |xx| yy * self.cols + xx))
            .flat_map(move |c| self.cells[c].iter())
            .map(move |&i| &self.all[i as usize])
    }

    fn add(&mut self, x: f32, y: f32, module: f32, inverted: bool, column: bool) {
        let reach = self.reach(module);
        let (cx, cy) = self.cell(x, y);
        let (x0, x1) = (cx.saturating_sub(reach), (cx + reach).min(self.cols - 1));
        let (y0, y1) = (cy.saturating_sub(reach), (cy + reach).min(self.rows - 1));
        let mut hit = None;
        'search: for yy in y0..=y1 {
            for xx in x0..=x1 {
                for &i in &self.cells[yy * self.cols + xx] {
                    let f = &self.all[i as usize];
                    let d = ((f.x - x).powi(2) + (f.y - y).powi(2)).sqrt();
                    if f.inverted == inverted && d < f.module.max(module) * 2.5 {
                        hit = Some(i as usize);
                        break 'search;
                    }
                }
            }
        }
        self.largest = self.largest.max(module);
        if let Some(i) = hit {
            let f = &mut self.all[i];
            let n = f.hits as f32;
            f.x = (f.x * n + x) / (n + 1.0);
            f.y = (f.y * n + y) / (n + 1.0);
            f.module = (f.module * n + module) / (n + 1.0);
            f.hits += 1;
            f.column_hits += u32::from(column);
            // The cell index keeps the first position; moves are small against the reach.
            return;
        }
        let (cx, cy) = self.cell(x, y);
        self.cells[cy * self.cols + cx].push(self.all.len() as u32);
        self.all.push(Finder {
            x,
            y,
            module,
            hits: 1,
            column_hits: u32::from(column),
            inverted,
        });
    }
}

/// A region likely to hold a code.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// (x, y, width, height) in the bitmap's pixels.
    pub region: (u32, u32, u32, u32),
    /// Light-on-dark code.
    pub inverted: bool,
    /// Module size in pixels.
    pub module: f32,
    /// The finder patterns of the group (three for a whole code).
    pub finders: Vec<Finder>,
}

/// Regions likely to hold a code: around groups of finder patterns of similar module size
/// (three for a whole code, fewer for a partly hidden one). Each region is (x, y, w, h) in the
/// bitmap's pixels, with whether the code is light-on-dark and the module size, best
/// candidates first.
pub fn regions(finders: &[Finder], w: usize, h: usize) -> Vec<Candidate> {
    let mut order: Vec<&Finder> = finders.iter().collect();
    order.sort_by_key(|f| std::cmp::Reverse(f.hits));
    order.truncate(MAX_FINDERS);
    let mut used = vec![false; order.len()];
    let mut out = Vec::new();
    // Whole codes first: the triples that look most like the corners of a square.
    while let Some((i, j, k)) = best_triple(&order, &used) {
        used[i] = true;
        used[j] = true;
        used[k] = true;
        push_candidate(&mut out, &[order[i], order[j], order[k]], w, h);
        if out.len() >= 4 {
            return out;
        }
    }
    // Then what is left: a code with a finder hidden or missed.
    for i in 0..order.len() {
        if used[i] {
            continue;
        }
        let a = order[i];
        used[i] = true;
        let mut group = vec![a];
        for j in (i + 1)..order.len() {
            let b = order[j];
            if used[j] || b.inverted != a.inverted || group.len() >= 2 {
                continue;
            }
            let d = ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt();
            // Finder centres of one code are 14 to ~170 modules apart (versions 1–40).
            if similar(a, b) && d > a.module * 10.0 && d < a.module * 180.0 {
                group.push(b);
                used[j] = true;
            }
        }
        push_candidate(&mut out, &group, w, h);
        if out.len() >= 4 {
            break;
        }
    }
    out
}

/// Finders considered at most (best-confirmed first); beyond that it is clutter.
const MAX_FINDERS: usize = 14;

fn similar(a: &Finder, b: &Finder) -> bool {
    a.inverted == b.inverted && (a.module / b.module).max(b.module / a.module) < 1.6
}

/// How far a triple of finders is from three corners of a square, or `None` when it cannot
/// be one code: sizes too different, legs more than 3.2 : 1 apart (a badge tipped 70° on a
/// lanyard still passes), an angle outside 45°–135° or an impossible module count. Smaller is
/// better.
fn triple_score(a: &Finder, b: &Finder, c: &Finder) -> Option<f32> {
    let close = |p: &Finder, q: &Finder| {
        p.inverted == q.inverted && (p.module / q.module).max(q.module / p.module) < 2.5
    };
    if !close(a, b) || !close(a, c) || !close(b, c) {
        return None;
    }
    let d = |p: &Finder, q: &Finder| ((p.x - q.x).powi(2) + (p.y - q.y).powi(2)).sqrt();
    let mut sides = [d(a, b), d(b, c), d(c, a)];
    sides.sort_by(f32::total_cmp);
    let (l1, l2, hyp) = (sides[0], sides[1], sides[2]);
    let module = (a.module + b.module + c.module) / 3.0;
    let count = (l1 + l2) / (2.0 * module) + 7.0;
    if !(18.0..=260.0).contains(&count) || l2 > 3.2 * l1 {
        return None;
    }
    let cos = (l1 * l1 + l2 * l2 - hyp * hyp) / (2.0 * l1 * l2);
    if cos.abs() > 0.71 {
        return None;
    }
    Some((l2 - l1) / l2 + 2.0 * cos.abs())
}

/// How well the scan lines confirm a finder, 0 to 1: a real pattern's three-module centre is
/// crossed by about three scan lines per pixel of module size; a look-alike in a code's data
/// or in clutter by one or two. A strongly foreshortened real pattern (a badge tipped on its
/// lanyard) is no more square-like than a triple with a look-alike in it, but far better
/// confirmed.
fn confirmation(f: &Finder) -> f32 {
    (f.hits as f32 / (1.5 * f.module).max(1.0)).min(1.0)
}

/// Whether a triple holds a finder confirmed by under half as many scan lines per pixel of
/// module size as the best finder in `finders`. A real pattern in the open is crossed by about
/// three lines per pixel; beside two such patterns of a code whose third one a highlight
/// hides, a candidate with one line per pixel is a look-alike in the code's data far more
/// often than the hidden pattern (which the pair search finds by its shape instead).
pub fn doubtful(triple: &[Finder; 3], finders: &[Finder]) -> bool {
    let lines = |f: &Finder| f.hits as f32 / f.module.max(1.0);
    let best = finders.iter().map(lines).fold(0.0, f32::max);
    triple.iter().any(|f| lines(f) < 0.5 * best)
}

/// Every triple of finders that could be one code, most square-like and best confirmed
/// first, at most `max`.
pub fn triples(finders: &[Finder], max: usize) -> Vec<[Finder; 3]> {
    let mut order: Vec<&Finder> = finders.iter().collect();
    // Patterns confirmed both ways first: inside a code's data, column-only look-alikes are
    // common and can have more hits than a foreshortened real finder.
    order.sort_by_key(|f| std::cmp::Reverse((f.hits > f.column_hits, f.hits)));
    order.truncate(MAX_FINDERS);
    let mut scored = Vec::new();
    let n = order.len();
    for i in 0..n {
        for j in (i + 1)..n {
            for k in (j + 1)..n {
                if let Some(s) = triple_score(order[i], order[j], order[k]) {
                    let doubt: f32 = [order[i], order[j], order[k]]
                        .iter()
                        .map(|f| 1.0 - confirmation(f))
                        .sum();
                    scored.push((s + 1.5 * doubt, [*order[i], *order[j], *order[k]]));
                }
            }
        }
    }
    scored.sort_by(|a, b| a.0.total_cmp(&b.0));
    scored.into_iter().take(max).map(|(_, t)| t).collect()
}

/// Whether a finder is confirmed well enough to stand for a real pattern on its own.
fn well_confirmed(f: &Finder) -> bool {
    confirmation(f) >= 0.6
}

/// Whether two finders could be two corners of one code along a side: one polarity, similar
/// module size, centres 14 (version 1) to 170 modules apart.
fn side_pair(a: &Finder, b: &Finder) -> bool {
    let d = ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt();
    let module = (a.module + b.module) / 2.0;
    similar(a, b)
        && (a.module / b.module).max(b.module / a.module) < 1.4
        && (13.0..=175.0).contains(&(d / module))
}

/// Whether two well-confirmed finders could be two corners of one code ([`pairs`] starts
/// with them).
pub fn has_confirmed_pair(finders: &[Finder]) -> bool {
    pairs(finders, 1)
        .first()
        .is_some_and(|[a, b]| well_confirmed(a) && well_confirmed(b))
}

/// Pairs of finders that could be two corners of one code along a side, at most `max`: for a
/// code whose third finder pattern a highlight, a shadow or a thumb hides from the scan. Pairs
/// of well-confirmed finders first, best confirmed first; then a well-confirmed finder with a
/// weakly confirmed one (a highlight can leave a second pattern one or two scan lines), the
/// better confirmed partners first.
pub fn pairs(finders: &[Finder], max: usize) -> Vec<[Finder; 2]> {
    let mut order: Vec<&Finder> = finders.iter().filter(|f| well_confirmed(f)).collect();
    order.sort_by(|a, b| confirmation(b).total_cmp(&confirmation(a)));
    order.truncate(MAX_FINDERS / 2);
    let mut out = Vec::new();
    for (i, a) in order.iter().enumerate() {
        for b in &order[i + 1..] {
            if side_pair(a, b) {
                out.push([**a, **b]);
            }
        }
    }
    let mut weak: Vec<[Finder; 2]> = Vec::new();
    for a in &order {
        for b in finders.iter().filter(|f| !well_confirmed(f)) {
            if side_pair(a, b) {
                weak.push([**a, *b]);
            }
        }
    }
    weak.sort_by(|p, q| confirmation(&q[1]).total_cmp(&confirmation(&p[1])));
    out.extend(weak);
    out.truncate(max);
    out
}

/// The unused triple most like three corners of a square, or `None`.
fn best_triple(order: &[&Finder], used: &[bool]) -> Option<(usize, usize, usize)> {
    let n = order.len();
    let mut best: Option<((usize, usize, usize), f32)> = None;
    for i in 0..n {
        for j in (i + 1)..n {
            for k in (j + 1)..n {
                if used[i] || used[j] || used[k] {
                    continue;
                }
                if let Some(score) = triple_score(order[i], order[j], order[k])
                    && best.is_none_or(|(_, s)| score < s)
                {
                    best = Some(((i, j, k), score));
                }
            }
        }
    }
    best.map(|(t, _)| t)
}

/// The region around a group of finders, added to `out` if it is big enough.
fn push_candidate(out: &mut Vec<Candidate>, group: &[&Finder], w: usize, h: usize) {
    let Some(a) = group.first() else {
        return;
    };
    // The module size of the best-confirmed finder: false candidates inside a code are
    // confirmed by few scan lines.
    let module = a.module;
    let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    for f in group {
        x0 = x0.min(f.x);
        y0 = y0.min(f.y);
        x1 = x1.max(f.x);
        y1 = y1.max(f.y);
    }
    // Around the finder centres: the quiet zone and finder halves, more when a finder is
    // missing (the code extends beyond the ones seen).
    let margin = if group.len() >= 3 {
        module * 8.0
    } else {
        module * 8.0 + (x1 - x0).max(y1 - y0).max(module * 25.0)
    };
    let rx0 = (x0 - margin).max(0.0) as u32;
    let ry0 = (y0 - margin).max(0.0) as u32;
    let rx1 = ((x1 + margin) as u32).min(w as u32);
    let ry1 = ((y1 + margin) as u32).min(h as u32);
    if rx1 > rx0 + 20 && ry1 > ry0 + 20 {
        out.push(Candidate {
            region: (rx0, ry0, rx1 - rx0, ry1 - ry0),
            inverted: a.inverted,
            module,
            finders: group.iter().map(|f| **f).collect(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn even_stripes_are_no_finder_in_a_stream() {
        assert!(ratio_ok(&[4, 4, 12, 4, 4], true).is_some());
        assert!(
            ratio_ok(&[5, 3, 11, 4, 5], true).is_some(),
            "a blurred finder"
        );
        // Five equal stripes fit the loose ratios, not the strict ones.
        assert!(ratio_ok(&[4, 4, 4, 4, 4], false).is_some());
        assert!(ratio_ok(&[4, 4, 4, 4, 4], true).is_none());
    }

    #[test]
    fn a_look_alike_beside_two_real_patterns_is_doubtful() {
        let f = |x: f32, y: f32, module: f32, hits: u32| Finder {
            x,
            y,
            module,
            hits,
            column_hits: 0,
            inverted: false,
        };
        // Two patterns of a sleeved badge and a look-alike in its data under the highlight
        // that hides the third (figures from a benchmark frame).
        let (a, b) = (f(215.0, 213.0, 5.7, 18), f(214.0, 364.0, 5.8, 18));
        let look_alike = f(282.0, 341.0, 7.3, 9);
        let hidden = f(364.0, 213.0, 5.7, 13);
        let all = [a, b, look_alike, hidden];
        assert!(doubtful(&[a, b, look_alike], &all));
        assert!(!doubtful(&[a, b, hidden], &all));
    }

    #[test]
    fn pairs_of_confirmed_finders_come_before_those_with_a_weak_partner() {
        let f = |x: f32, y: f32, hits: u32| Finder {
            x,
            y,
            module: 5.0,
            hits,
            column_hits: 0,
            inverted: false,
        };
        let (a, b) = (f(100.0, 100.0, 15), f(100.0, 250.0, 15));
        let (weak, weaker) = (f(250.0, 100.0, 3), f(250.0, 250.0, 1));
        let all = [weaker, a, weak, b];
        let found = pairs(&all, 6);
        let at = |p: &[Finder; 2]| [(p[0].x, p[0].y), (p[1].x, p[1].y)];
        assert_eq!(at(&found[0]), [(100.0, 100.0), (100.0, 250.0)]);
        assert!(found[1..3].iter().all(|p| p[1].hits == 3), "{found:?}");
        assert!(found[3..].iter().all(|p| p[1].hits == 1), "{found:?}");
        assert_eq!(found.len(), 5, "each confirmed finder with each weak one");
        assert!(has_confirmed_pair(&all));
        assert!(!has_confirmed_pair(&[a, weak, weaker]));
    }

    #[test]
    fn finds_a_drawn_finder_pattern() {
        // A 7-module finder with 4-pixel modules on white, centre (40, 40).
        let (w, h) = (80usize, 80usize);
        let mut bits = vec![false; w * h];
        for y in 0..28 {
            for x in 0..28 {
                let (mx, my) = (x / 4, y / 4);
                let ring = mx.min(my).min(6 - mx).min(6 - my);
                bits[(26 + y) * w + 26 + x] = ring != 1;
            }
        }
        let find = |bits: &[bool]| add_columns(find_rows(bits, w, h, true).1, bits, w, h);
        let f = find(&bits);
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(
            (f[0].x - 40.0).abs() < 1.5 && (f[0].y - 40.0).abs() < 1.5,
            "{f:?}"
        );
        assert!((f[0].module - 4.0).abs() < 0.8);
        assert!(find(&vec![false; w * h]).is_empty());
    }
}
