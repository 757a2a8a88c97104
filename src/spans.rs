//! Where each entity and relation was seen, stored for corpus scale. A graph of a large
//! corpus holds millions of mentions and pieces of evidence; as owned strings in ordered
//! sets they made the graph several times the size of the corpus. Here each one is a
//! 20-byte record in one flat table, its source name and text interned once per graph, so
//! a merge appends records instead of cloning strings. Sorting, de-duplication and the
//! pruning of nested evidence happen once, in [`SpanStore::compact`], and give the same
//! result whatever order the records came in.
//!
//! With a cap, compaction also keeps at most that many spans per (node or edge, source):
//! the ones with the smallest [`sample_key`], with the number there were (see
//! [`SpanStore::set_cap`]). A bottom-k sample of a union is the bottom-k of the union of
//! bottom-k samples, so capping each document's graph and then the merged one gives the
//! same records as capping the whole at once, whatever the order and grouping.

use crate::model::Span;
use hashbrown::HashTable;
use rustc_hash::FxHasher;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::hash::Hasher;

/// A span borrowed from wherever it lives: a [`Span`], a JSON document being read, or a
/// graph's [`SpanStore`]. Serializes exactly as [`Span`] does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct SpanRef<'a> {
    pub source: &'a str,
    pub start: usize,
    pub end: usize,
    pub line: usize,
    pub text: &'a str,
}

impl<'a> From<&'a Span> for SpanRef<'a> {
    fn from(s: &'a Span) -> SpanRef<'a> {
        SpanRef {
            source: &s.source,
            start: s.start,
            end: s.end,
            line: s.line,
            text: &s.text,
        }
    }
}

impl SpanRef<'_> {
    /// An owned copy, for the JSON document types.
    pub fn to_span(self) -> Span {
        Span {
            source: self.source.to_string(),
            start: self.start,
            end: self.end,
            line: self.line,
            text: self.text.to_string(),
        }
    }
}

/// A span whose source and text are ids of one [`SpanStore`] (see [`SpanStore::push_ids`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct SpanIds {
    pub source: u32,
    pub text: u32,
    pub start: usize,
    pub end: usize,
    pub line: usize,
}

/// Which node or edge a record belongs to: a node index, or an edge index with the top bit
/// set, so that a node's records sort before every edge's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Owner(u32);

const EDGE_BIT: u32 = 1 << 31;

impl Owner {
    pub(crate) fn node(ix: usize) -> Owner {
        Owner(u32::try_from(ix).expect("fewer than 2^31 nodes"))
    }

    pub(crate) fn edge(ix: usize) -> Owner {
        Owner(u32::try_from(ix).expect("fewer than 2^31 edges") | EDGE_BIT)
    }

    /// Whether it is an edge, and its index.
    pub(crate) fn split(self) -> (bool, usize) {
        (self.is_edge(), (self.0 & !EDGE_BIT) as usize)
    }

    fn is_edge(self) -> bool {
        self.0 & EDGE_BIT != 0
    }
}

/// Strings stored once, numbered in arrival order, end to end in one buffer: a corpus
/// graph holds close to a million distinct evidence texts, and an allocation, a pointer
/// and a map entry of its own for each would cost more than the text.
#[derive(Debug, Clone, Default)]
struct Interner {
    buf: String,
    /// By id: where each string ends in `buf`.
    ends: Vec<usize>,
    /// Ids, found by the hash of their string.
    table: HashTable<u32>,
}

fn hash(s: &str) -> u64 {
    let mut h = FxHasher::default();
    h.write(s.as_bytes());
    h.finish()
}

/// String `id` of an interner's buffer.
fn nth<'a>(buf: &'a str, ends: &[usize], id: u32) -> &'a str {
    let i = id as usize;
    &buf[if i == 0 { 0 } else { ends[i - 1] }..ends[i]]
}

impl Interner {
    fn intern(&mut self, s: &str) -> u32 {
        let h = hash(s);
        let (buf, ends) = (&self.buf, &self.ends);
        if let Some(&id) = self.table.find(h, |&id| nth(buf, ends, id) == s) {
            return id;
        }
        let id = u32::try_from(self.ends.len()).expect("fewer than 2^32 strings");
        self.buf.push_str(s);
        self.ends.push(self.buf.len());
        let (buf, ends) = (&self.buf, &self.ends);
        self.table
            .insert_unique(h, id, |&id| hash(nth(buf, ends, id)));
        id
    }

    fn get(&self, id: u32) -> &str {
        nth(&self.buf, &self.ends, id)
    }

    fn len(&self) -> usize {
        self.ends.len()
    }
}

/// One mention or piece of evidence. Its end and line share one word (see [`Place`]):
/// the record table is most of a corpus graph's memory, after the texts.
#[derive(Debug, Clone, Copy, Default)]
struct Rec {
    owner: Owner,
    source: u32,
    start: u32,
    text: u32,
    place: Place,
}

/// A record's end and line: the span's length in the low [`LEN_BITS`] bits under its
/// line, which fits nearly every span (shorter than 4 KiB, before line 2^19); any other
/// is [`WIDE`] plus an index into the store's table of wide places.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Place(u32);

const LEN_BITS: u32 = 12;
const WIDE: u32 = 1 << 31;

/// Offsets beyond 4 GiB saturate; no document read whole into memory gets there.
fn narrow(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Every mention and piece of evidence of one graph.
#[derive(Debug, Clone, Default)]
pub(crate) struct SpanStore {
    sources: Interner,
    texts: Interner,
    recs: Vec<Rec>,
    /// (end, line) of the records whose [`Place`] is wide.
    wide: Vec<(u32, u32)>,
    /// Set by [`Self::compact`], dropped by any addition: where each owner's records
    /// start in `recs`, for nodes then edges (each with one extra entry at the end).
    index: Option<Index>,
    /// At most this many spans per (owner, source) after compaction; `None` keeps all.
    cap: Option<usize>,
    /// How many distinct spans each (owner, source id) had, for the pairs whose records
    /// are fewer than that (a sample). Few entries: only pairs over the cap.
    totals: BTreeMap<(Owner, u32), u64>,
    /// Whether records of several graphs were gathered since the last compaction (see
    /// [`Self::begin_merge`]).
    mixed: bool,
}

#[derive(Debug, Clone, Default)]
struct Index {
    nodes: Vec<u32>,
    edges: Vec<u32>,
}

impl SpanStore {
    /// Keeps at most `cap` spans per (owner, source) from the next compaction on (`None`:
    /// all of them).
    pub(crate) fn set_cap(&mut self, cap: Option<usize>) {
        // A cap of 0 would leave a sampled source nothing to show: it means no cap.
        let cap = cap.filter(|&c| c > 0);
        if self.cap != cap {
            self.cap = cap;
            self.index = None;
        }
    }

    pub(crate) fn cap(&self) -> Option<usize> {
        self.cap
    }

    /// Call before records of another graph join these. Until then the records are one
    /// graph's, each (owner, source) run complete or a sample with its total, so
    /// compaction counts a run exactly. Once several graphs' records meet, a run of k
    /// records may hold two samples of one source, and counting it would depend on
    /// which samples were merged first; so a merged run counts for at most cap + 1 (enough
    /// to say it was capped), and each graph brings its larger totals declared.
    pub(crate) fn begin_merge(&mut self, nodes: usize, edges: usize) {
        if !self.mixed {
            // This graph's own runs are counted while they are still its own.
            self.compact(nodes, edges);
            self.mixed = true;
        }
    }

    /// The count a run of `n` records of a merge stands for (see [`Self::begin_merge`]).
    fn run_count(&self, n: usize) -> u64 {
        match self.cap {
            Some(cap) if self.mixed => n.min(cap + 1) as u64,
            _ => n as u64,
        }
    }

    /// Records that an owner had `total` distinct spans from `source`, of which the store
    /// may hold only a sample. Of two totals for one pair the larger stays (see
    /// [`Self::compact`]).
    pub(crate) fn add_total(&mut self, owner: Owner, source: &str, total: u64) {
        let id = self.sources.intern(source);
        self.index = None;
        let t = self.totals.entry((owner, id)).or_default();
        *t = (*t).max(total);
    }

    /// The owner's sources whose spans here are a sample, each with how many spans it
    /// had, sorted by source. Empty unless compact and capped.
    pub(crate) fn totals(&self, owner: Owner) -> Vec<(&str, u64)> {
        if self.totals.is_empty() {
            return Vec::new();
        }
        let mut out: Vec<(&str, u64)> = self
            .totals
            .range((owner, 0)..=(owner, u32::MAX))
            .map(|(&(_, s), &n)| (self.sources.get(s), n))
            .collect();
        out.sort_unstable();
        out
    }

    pub(crate) fn push(&mut self, owner: Owner, span: SpanRef<'_>) {
        let ids = SpanIds {
            source: self.sources.intern(span.source),
            text: self.texts.intern(span.text),
            start: span.start,
            end: span.end,
            line: span.line,
        };
        self.push_ids(owner, ids);
    }

    /// The id of a source name, for [`Self::push_ids`].
    pub(crate) fn source_id(&mut self, source: &str) -> u32 {
        self.sources.intern(source)
    }

    /// The id of a text, for [`Self::push_ids`].
    pub(crate) fn text_id(&mut self, text: &str) -> u32 {
        self.texts.intern(text)
    }

    /// [`Self::push`] with the source and text already interned: a document's facts
    /// share one source and many quote the same line.
    pub(crate) fn push_ids(&mut self, owner: Owner, span: SpanIds) {
        self.index = None;
        let start = narrow(span.start);
        let place = self.place(start, narrow(span.end), narrow(span.line));
        self.recs.push(Rec {
            owner,
            source: span.source,
            start,
            text: span.text,
            place,
        });
    }

    fn place(&mut self, start: u32, end: u32, line: u32) -> Place {
        match end.checked_sub(start) {
            Some(len) if len < 1 << LEN_BITS && line < WIDE >> LEN_BITS => {
                Place(line << LEN_BITS | len)
            }
            _ => {
                let i = u32::try_from(self.wide.len())
                    .ok()
                    .filter(|i| i & WIDE == 0)
                    .expect("fewer than 2^31 spans of 4 KiB or more");
                self.wide.push((end, line));
                Place(WIDE | i)
            }
        }
    }

    /// A record's (start, end, line).
    fn at(&self, r: &Rec) -> (u32, u32, u32) {
        let p = r.place.0;
        if p & WIDE == 0 {
            (
                r.start,
                r.start + (p & ((1 << LEN_BITS) - 1)),
                p >> LEN_BITS,
            )
        } else {
            let (end, line) = self.wide[(p & !WIDE) as usize];
            (r.start, end, line)
        }
    }

    /// Whether two records of this store stand for the same span of the same owner.
    fn same(&self, a: &Rec, b: &Rec) -> bool {
        (a.owner, a.source, a.start, a.text) == (b.owner, b.source, b.start, b.text)
            && (a.place == b.place || self.at(a) == self.at(b))
    }

    /// Appends another store's records from the sources `source` accepts, their owners
    /// renumbered by `owner` (`None` drops the record), with their totals. `other` must
    /// be compact, and [`Self::begin_merge`] called first.
    pub(crate) fn append_filtered(
        &mut self,
        other: &SpanStore,
        owner: impl Fn(Owner) -> Option<Owner>,
        source: impl Fn(&str) -> bool,
    ) {
        let sources: Vec<u32> = (0..other.sources.len() as u32)
            .map(|id| {
                let name = other.sources.get(id);
                if source(name) {
                    self.sources.intern(name)
                } else {
                    u32::MAX
                }
            })
            .collect();
        let mut texts: Vec<u32> = vec![u32::MAX; other.texts.len()];
        self.index = None;
        self.recs.reserve(other.recs.len());
        for r in &other.recs {
            let src = sources[r.source as usize];
            let Some(o) = owner(r.owner).filter(|_| src != u32::MAX) else {
                continue;
            };
            let t = &mut texts[r.text as usize];
            if *t == u32::MAX {
                *t = self.texts.intern(other.texts.get(r.text));
            }
            let place = if r.place.0 & WIDE == 0 {
                r.place
            } else {
                let (start, end, line) = other.at(r);
                self.place(start, end, line)
            };
            self.recs.push(Rec {
                owner: o,
                source: src,
                start: r.start,
                text: *t,
                place,
            });
        }
        // The other graph's runs longer than this one's cap + 1 declare their length.
        if let Some(cap) = self.cap {
            let mut i = 0;
            while i < other.recs.len() {
                let (o, s) = (other.recs[i].owner, other.recs[i].source);
                let mut j = i + 1;
                while j < other.recs.len() && (other.recs[j].owner, other.recs[j].source) == (o, s)
                {
                    j += 1;
                }
                let src = sources[s as usize];
                if j - i > cap + 1
                    && let Some(o) = owner(o).filter(|_| src != u32::MAX)
                {
                    let t = self.totals.entry((o, src)).or_default();
                    *t = (*t).max((j - i) as u64);
                }
                i = j;
            }
        }
        for (&(owner_id, s), &n) in &other.totals {
            let src = sources[s as usize];
            if let Some(o) = owner(owner_id).filter(|_| src != u32::MAX) {
                let t = self.totals.entry((o, src)).or_default();
                *t = (*t).max(n);
            }
        }
    }

    fn view(&self, r: &Rec) -> SpanRef<'_> {
        let (start, end, line) = self.at(r);
        SpanRef {
            source: self.sources.get(r.source),
            start: start as usize,
            end: end as usize,
            line: line as usize,
            text: self.texts.get(r.text),
        }
    }

    /// Sorts the records by owner and then as [`Span`]s sort, drops repeats and, for
    /// edges, evidence that strictly contains other evidence from the same source (the
    /// same finding seen by two rules: the tightest span is kept), then indexes them.
    pub(crate) fn compact(&mut self, nodes: usize, edges: usize) {
        if self.is_compact(nodes, edges) {
            return;
        }
        let mut rank = vec![0u32; self.sources.len()];
        let mut order: Vec<u32> = (0..rank.len() as u32).collect();
        order.sort_unstable_by(|a, b| self.sources.get(*a).cmp(self.sources.get(*b)));
        for (r, id) in order.into_iter().enumerate() {
            rank[id as usize] = r as u32;
        }
        // Owners are dense indexes: counting each one's records gives where its bucket
        // starts once the table is sorted by owner, and only an owner's own few records
        // are then compared. Nodes come before edges, as `Owner` orders them.
        let slot = |o: Owner| match o.split() {
            (false, i) => i,
            (true, i) => nodes + i,
        };
        let mut starts = vec![0u32; nodes + edges + 1];
        for r in &self.recs {
            starts[slot(r.owner) + 1] += 1;
        }
        for i in 0..nodes + edges {
            starts[i + 1] += starts[i];
        }
        // Sorted in place by owner alone (cheap to compare): a counting sort's scatter
        // would need a second table as large as this one, doubling the memory the graph
        // needs at its largest, when the whole corpus's records are compacted.
        let mut recs = std::mem::take(&mut self.recs);
        recs.sort_unstable_by_key(|r| r.owner);
        // Each owner's records are normalized where they lie and moved down over what was
        // dropped; `starts` becomes the index of what is kept.
        let (mut kept, mut scratch) = (0, Vec::new());
        let old_totals = std::mem::take(&mut self.totals);
        let source_keys: Vec<u64> = match self.cap {
            Some(_) => (0..rank.len() as u32)
                .map(|id| fnv1a(self.sources.get(id).as_bytes()))
                .collect(),
            None => Vec::new(),
        };
        let mut sampler = Sampler::default();
        for i in 0..nodes + edges {
            let (from, to) = (starts[i] as usize, starts[i + 1] as usize);
            starts[i] = kept as u32;
            let n = self.normalize(&mut recs[from..to], &mut scratch, |a, b| {
                rank[a as usize].cmp(&rank[b as usize])
            });
            let n = if self.cap.is_none() && old_totals.is_empty() {
                n
            } else {
                self.cap_owner(
                    &mut recs[from..from + n],
                    &old_totals,
                    &source_keys,
                    &mut sampler,
                )
            };
            recs.copy_within(from..from + n, kept);
            kept += n;
        }
        starts[nodes + edges] = kept as u32;
        recs.truncate(kept);
        self.recs = recs;
        let edges_start = starts.split_off(nodes);
        let mut nodes_start = starts;
        nodes_start.push(edges_start[0]);
        self.index = Some(Index {
            nodes: nodes_start,
            edges: edges_start,
        });
        self.mixed = false;
    }

    /// Caps each source's run of one owner's normalized records at the store's cap, moving
    /// what is kept to the front (in order), and records in `self.totals` how many each
    /// sampled source had: the largest of the totals `old` gives and the number of
    /// records, so totals merge by max like the samples by union. A total for a source
    /// with no records is dropped: nothing is left to stand for. Returns how many are kept.
    fn cap_owner(
        &mut self,
        recs: &mut [Rec],
        old: &BTreeMap<(Owner, u32), u64>,
        source_keys: &[u64],
        sampler: &mut Sampler,
    ) -> usize {
        let (mut i, mut kept) = (0, 0);
        while i < recs.len() {
            let (owner, src) = (recs[i].owner, recs[i].source);
            let mut j = i + 1;
            while j < recs.len() && recs[j].source == src {
                j += 1;
            }
            let n = j - i;
            let total = old
                .get(&(owner, src))
                .copied()
                .unwrap_or(0)
                .max(self.run_count(n));
            let keep = match self.cap {
                Some(cap) if n > cap => {
                    sampler.choose(self, &recs[i..j], cap, source_keys[src as usize]);
                    for (k, &at) in sampler.chosen.iter().enumerate() {
                        recs[kept + k] = recs[i + at];
                    }
                    cap
                }
                _ => {
                    recs.copy_within(i..j, kept);
                    n
                }
            };
            if total > keep as u64 {
                self.totals.insert((owner, src), total);
            }
            kept += keep;
            i = j;
        }
        kept
    }

    /// Whether the records are sorted and indexed for this many nodes and edges.
    pub(crate) fn is_compact(&self, nodes: usize, edges: usize) -> bool {
        self.index
            .as_ref()
            .is_some_and(|i| i.nodes.len() == nodes + 1 && i.edges.len() == edges + 1)
    }

    /// Sorts one owner's records as [`Span`]s sort (`source` compares source ids by
    /// name), drops repeats, and drops edge evidence that strictly contains other
    /// evidence from the same source. What is kept ends up first; returns how many.
    /// `keep` is scratch space.
    fn normalize(
        &self,
        recs: &mut [Rec],
        keep: &mut Vec<bool>,
        source: impl Fn(u32, u32) -> std::cmp::Ordering,
    ) -> usize {
        let Some(first) = recs.first() else {
            return 0;
        };
        if recs.len() == 1 {
            return 1;
        }
        let texts = &self.texts;
        let is_edge = first.owner.is_edge();
        recs.sort_unstable_by(|a, b| {
            source(a.source, b.source)
                .then_with(|| self.at(a).cmp(&self.at(b)))
                .then_with(|| texts.get(a.text).cmp(texts.get(b.text)))
        });
        let mut n = 1;
        for i in 1..recs.len() {
            if !self.same(&recs[i], &recs[n - 1]) {
                recs[n] = recs[i];
                n += 1;
            }
        }
        if !is_edge || n == 1 {
            return n;
        }
        keep.clear();
        let mut i = 0;
        while i < n {
            let src = recs[i].source;
            let mut j = i + 1;
            while j < n && recs[j].source == src {
                j += 1;
            }
            let group = &recs[i..j];
            keep_tightest(
                group.len(),
                |k| {
                    let (start, end, _) = self.at(&group[k]);
                    (start, end)
                },
                keep,
            );
            i = j;
        }
        let mut kept = 0;
        for i in 0..n {
            if keep[i] {
                recs[kept] = recs[i];
                kept += 1;
            }
        }
        kept
    }

    /// The spans of one owner, sorted. Read in place once compact; otherwise the owner's
    /// records are gathered and normalized on the spot.
    pub(crate) fn spans(&self, owner: Owner) -> Spans<'_> {
        if let Some(index) = &self.index {
            let (edge, i) = owner.split();
            let starts = if edge { &index.edges } else { &index.nodes };
            if i + 1 < starts.len() {
                let recs = &self.recs[starts[i] as usize..starts[i + 1] as usize];
                return Spans {
                    store: self,
                    recs: Cow::Borrowed(recs),
                    at: 0,
                };
            }
        }
        let mut recs: Vec<Rec> = self
            .recs
            .iter()
            .filter(|r| r.owner == owner)
            .copied()
            .collect();
        let sources = &self.sources;
        let n = self.normalize(&mut recs, &mut Vec::new(), |a, b| {
            sources.get(a).cmp(sources.get(b))
        });
        recs.truncate(n);
        Spans {
            store: self,
            recs: Cow::Owned(recs),
            at: 0,
        }
    }
}

/// Scratch space for choosing a bottom-k sample of one run of records.
#[derive(Debug, Default)]
struct Sampler {
    keys: Vec<(u64, usize)>,
    /// Positions of the chosen records in the run, ascending.
    chosen: Vec<usize>,
}

impl Sampler {
    /// The `k` records of `run` (one owner and source, sorted) with the smallest
    /// [`sample_key`]; ties (one place, two texts) go to the earlier record, so the choice
    /// depends only on the records, never on their arrival order.
    fn choose(&mut self, store: &SpanStore, run: &[Rec], k: usize, source_key: u64) {
        self.keys.clear();
        self.keys.extend(run.iter().enumerate().map(|(i, r)| {
            let (start, end, _) = store.at(r);
            (sample_key(source_key, start, end), i)
        }));
        self.chosen.clear();
        if k == 0 {
            return;
        }
        self.keys.select_nth_unstable(k - 1);
        self.chosen.extend(self.keys[..k].iter().map(|&(_, i)| i));
        self.chosen.sort_unstable();
    }
}

/// FNV-1a 64 of a source name. Spelled out rather than taken from a hashing crate: which
/// spans a capped graph keeps must not change with a dependency's version, or a graph
/// updated with `--into` by a newer build would differ from one made afresh.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

/// The order in which a capped (owner, source) keeps its spans: a hash of (source, start,
/// end), so the sample is spread over the document rather than its first lines, and is
/// the same whatever the thread count or input order. Within one source the mix is a
/// bijection of (start, end), so two places never tie.
fn sample_key(source_key: u64, start: u32, end: u32) -> u64 {
    let mut x = source_key ^ (u64::from(start) << 32 | u64::from(end));
    // splitmix64's finalizer.
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58476d1ce4e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d049bb133111eb);
    x ^ (x >> 31)
}

/// The spans of one node or edge, in order.
#[derive(Debug, Clone)]
pub struct Spans<'a> {
    store: &'a SpanStore,
    recs: Cow<'a, [Rec]>,
    at: usize,
}

impl<'a> Iterator for Spans<'a> {
    type Item = SpanRef<'a>;

    fn next(&mut self) -> Option<SpanRef<'a>> {
        let r = self.recs.get(self.at)?;
        self.at += 1;
        Some(self.store.view(r))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.recs.len() - self.at;
        (n, Some(n))
    }
}

impl ExactSizeIterator for Spans<'_> {}

/// Appends to `keep`, for each of `n` spans (`span(k)` is the k-th (start, end), sorted by
/// start), whether no other span of them lies inside it: a different (start, end) with start ≥ its start and
/// end ≤ its end. One sweep from the right: a crafted graph can give one edge 100,000
/// pieces of evidence from one source, and comparing every pair of them took minutes.
fn keep_tightest(n: usize, span: impl Fn(usize) -> (u32, u32), keep: &mut Vec<bool>) {
    let from = keep.len();
    keep.resize(from + n, true);
    // The smallest end among the spans that start after the current run's start.
    let mut min_end_after = u32::MAX;
    let mut j = n;
    while j > 0 {
        let start = span(j - 1).0;
        let mut i = j - 1;
        while i > 0 && span(i - 1).0 == start {
            i -= 1;
        }
        let run_min = (i..j).map(|k| span(k).1).min().unwrap_or(u32::MAX);
        for k in i..j {
            // Same start: only a strictly smaller end is a different span inside it.
            // A later start: any end up to this one is.
            let end = span(k).1;
            keep[from + k] = !(run_min < end || min_end_after <= end);
        }
        min_end_after = min_end_after.min(run_min);
        j = i;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(source: &'static str, start: usize, end: usize) -> SpanRef<'static> {
        SpanRef {
            source,
            start,
            end,
            line: 1,
            text: "t",
        }
    }

    fn all(store: &SpanStore, owner: Owner) -> Vec<(String, usize, usize)> {
        store
            .spans(owner)
            .map(|s| (s.source.to_string(), s.start, s.end))
            .collect()
    }

    #[test]
    fn compaction_sorts_dedups_and_keeps_the_tightest_evidence_in_any_order() {
        let recs = [
            (Owner::edge(0), at("b", 0, 10)),
            (Owner::node(1), at("b", 4, 5)),
            (Owner::edge(0), at("a", 0, 10)),
            (Owner::edge(0), at("b", 2, 6)),
            (Owner::node(1), at("a", 9, 12)),
            (Owner::node(1), at("b", 4, 5)),
            (Owner::node(0), at("c", 0, 1)),
            (Owner::edge(0), at("b", 20, 30)),
        ];
        let mut forward = SpanStore::default();
        let mut backward = SpanStore::default();
        for (o, s) in recs {
            forward.push(o, s);
        }
        for (o, s) in recs.iter().rev() {
            backward.push(*o, *s);
        }
        // Before compaction the slow path gives the same answers.
        let slow = all(&forward, Owner::edge(0));
        forward.compact(2, 1);
        backward.compact(2, 1);
        let edge = vec![
            ("a".to_string(), 0, 10),
            ("b".to_string(), 2, 6),
            ("b".to_string(), 20, 30),
        ];
        assert_eq!(all(&forward, Owner::edge(0)), edge);
        assert_eq!(slow, edge);
        assert_eq!(all(&backward, Owner::edge(0)), edge);
        assert_eq!(
            all(&forward, Owner::node(1)),
            [("a".to_string(), 9, 12), ("b".to_string(), 4, 5)]
        );
        assert_eq!(all(&backward, Owner::node(0)), [("c".to_string(), 0, 1)]);
        // Node mentions are never pruned, only repeats dropped.
        let mut nested = SpanStore::default();
        nested.push(Owner::node(0), at("a", 0, 10));
        nested.push(Owner::node(0), at("a", 2, 3));
        nested.compact(1, 0);
        assert_eq!(all(&nested, Owner::node(0)).len(), 2);
    }

    /// The pairwise definition `keep_tightest` must agree with.
    fn keep_tightest_naive(spans: &[(u32, u32)]) -> Vec<bool> {
        spans
            .iter()
            .map(|&(a_start, a_end)| {
                !spans.iter().any(|&(b_start, b_end)| {
                    (b_start, b_end) != (a_start, a_end) && b_start >= a_start && b_end <= a_end
                })
            })
            .collect()
    }

    proptest::proptest! {
        #[test]
        fn the_tightest_evidence_sweep_agrees_with_comparing_every_pair(
            mut spans in proptest::collection::vec((0u32..40, 0u32..40), 0..60),
            sorted_by_end in proptest::bool::ANY,
        ) {
            // Sorted by start as `normalize` hands them over; within a start, in either order
            // (ends below starts included: a store accepts them).
            if sorted_by_end {
                spans.sort();
            } else {
                spans.sort_by_key(|s| s.0);
            }
            let mut keep = vec![false];
            keep_tightest(spans.len(), |k| spans[k], &mut keep);
            let mut want = vec![false];
            want.extend(keep_tightest_naive(&spans));
            proptest::prop_assert_eq!(keep, want);
        }
    }

    #[test]
    fn long_spans_and_far_lines_keep_their_end_and_line_through_append_and_compaction() {
        // (20, 30, 1) has the same length and line as (0, 10, 1): only its start differs.
        let spans = [
            (0, 10, 1),
            (20, 30, 1),
            (0, 4095, 2),
            (0, 4096, 3),
            (7, 100_007, (1 << 19) - 1),
            (7, 17, 1 << 19),
            (5, 3, 4),
            (9, 9, u32::MAX as usize),
        ];
        let mut part = SpanStore::default();
        // Every span twice, wide ones included: one record each after compaction.
        for (start, end, line) in spans.iter().chain(&spans).copied() {
            part.push(
                Owner::node(0),
                SpanRef {
                    source: "doc",
                    start,
                    end,
                    line,
                    text: "t",
                },
            );
        }
        let mut whole = SpanStore::default();
        whole.push(Owner::node(0), at("doc", 1, 2));
        whole.append_filtered(&part, Some, |_| true);
        whole.compact(1, 0);
        let mut want: Vec<(usize, usize, usize)> = spans.to_vec();
        want.push((1, 2, 1));
        want.sort();
        let got: Vec<(usize, usize, usize)> = whole
            .spans(Owner::node(0))
            .map(|s| (s.start, s.end, s.line))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn appending_renumbers_owners_and_shares_strings() {
        let mut part = SpanStore::default();
        part.push(Owner::node(0), at("doc", 1, 2));
        part.push(Owner::edge(0), at("doc", 1, 2));
        part.push(Owner::node(1), at("doc", 3, 4));
        let mut whole = SpanStore::default();
        whole.push(Owner::node(0), at("doc", 5, 6));
        whole.append_filtered(
            &part,
            |o| match o.split() {
                (false, 0) => Some(Owner::node(1)),
                (false, _) => None,
                (true, i) => Some(Owner::edge(i + 2)),
            },
            |_| true,
        );
        whole.compact(2, 3);
        assert_eq!(whole.sources.len(), 1);
        assert_eq!(whole.texts.len(), 1);
        assert_eq!(all(&whole, Owner::node(1)), [("doc".to_string(), 1, 2)]);
        assert_eq!(all(&whole, Owner::edge(2)), [("doc".to_string(), 1, 2)]);
        assert!(all(&whole, Owner::edge(0)).is_empty());
        assert_eq!(whole.recs.len(), 3);
    }
}
