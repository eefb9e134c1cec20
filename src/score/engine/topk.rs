//! A bounded top-K list with the engine's total order: score descending, index ascending.

use std::collections::BinaryHeap;

use super::EPS;

/// A bounded top-K: keeps the K best `(index, score)` by score descending, index ascending.
pub(super) struct TopK {
    k: usize,
    min_score: f64,
    heap: BinaryHeap<Worst>,
}

/// Heap entry ordered so that the heap's top is the worst kept item.
#[derive(Debug, Clone, Copy)]
pub(super) struct Worst(u32, f64);

impl PartialEq for Worst {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == std::cmp::Ordering::Equal
    }
}
impl Eq for Worst {}
impl PartialOrd for Worst {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Worst {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        better(&(self.0, self.1), &(o.0, o.1))
    }
}

impl TopK {
    /// An empty list keeping `k` items scoring at least `min_score` (and above zero).
    pub(super) fn new(k: usize, min_score: f64) -> TopK {
        TopK { k, min_score, heap: BinaryHeap::with_capacity(k + 1) }
    }

    /// Whether an item whose score is at most `upper` could still enter.
    pub(super) fn reachable(&self, upper: f64) -> bool {
        if upper + EPS < self.min_score || upper <= 0.0 {
            return false;
        }
        match self.heap.peek() {
            Some(w) if self.heap.len() >= self.k => upper + EPS >= w.1,
            _ => true,
        }
    }

    /// The smallest upper bound [`TopK::reachable`] still accepts (up to the `EPS` slack).
    pub(super) fn floor(&self) -> f64 {
        let floor = self.min_score - EPS;
        match self.heap.peek() {
            Some(w) if self.heap.len() >= self.k => floor.max(w.1 - EPS),
            _ => floor,
        }
    }

    /// Keeps item `i` if it ranks among the best `k` so far.
    pub(super) fn offer(&mut self, i: u32, score: f64) {
        if score <= 0.0 || score < self.min_score {
            return;
        }
        if self.heap.len() < self.k {
            self.heap.push(Worst(i, score));
        } else if let Some(w) = self.heap.peek()
            && better(&(i, score), &(w.0, w.1)) == std::cmp::Ordering::Less
        {
            self.heap.pop();
            self.heap.push(Worst(i, score));
        }
    }

    /// The kept items, best first.
    pub(super) fn into_sorted(self) -> Vec<(u32, f64)> {
        let mut v: Vec<(u32, f64)> = self.heap.into_iter().map(|w| (w.0, w.1)).collect();
        v.sort_by(better);
        v
    }
}

/// Orders by score descending, then by index ascending (ids are sorted, so ties break by id).
pub(super) fn better(a: &(u32, f64), b: &(u32, f64)) -> std::cmp::Ordering {
    b.1.total_cmp(&a.1).then(a.0.cmp(&b.0))
}
