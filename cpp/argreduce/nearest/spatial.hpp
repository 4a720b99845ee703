// Pruning for few dimensions. With d <= kPruneMaxD and enough queries to pay for it, the screen's
// points are put in Z order (each panel of W points, and each group of panels, mostly a compact
// cell of space; linear time, for millions of points) and the queries in k-d order (each
// micro-panel of MR queries a compact cell: median splits, tighter than Z order's, n log n on the
// side that costs more). A tile whose point box lies too far from the query box for any of its
// costs to pass is never computed (pruned_kernel.hpp). For low-dimensional or clustered data that
// skips nearly every tile: the search costs about what a tree's does, and the fused kernel's
// exactness argument is unchanged. Where the boxes do not separate (queries far from every point,
// few queries spread out), a task goes back to the full sweep after a few micro-panels.
//
// Why a skipped tile cannot matter (the screen's costs, screen.py's l2_screen): the cost of query
// x and point y is G = -2 xf.yf + fl(|yf|^2) computed in the screening dtype, xf and yf the shifted,
// scaled factors. As real numbers -2 xf.yf + |yf|^2 = |xf - yf|^2 - |xf|^2, and the query's bound
// B covers the product's rounding, that of fl(|yf|^2) and that of n2, the float64 |xf|^2 (the first
// three terms of screen.py's _l2_bound), so G >= |xf - yf|^2 - n2 - B >= L^2 - (n2 + B), L the
// distance between the boxes. If L^2 > t + n2 + B, every cost of the tile is above the threshold t,
// the tile would have failed its test: skipping it changes nothing. Thresholds only fall, so the
// pairs skipped are above the final threshold too, and (being above the k-th smallest cost seen)
// never among a query's k smallest: the heaps, and so the thresholds, are what a full sweep gives.
#pragma once
#include <cstdint>
#include <vector>

#include "../aligned.hpp"

namespace argreduce::nearest {

// Pruning pays where boxes of 32 points are small: a few dimensions. On normal data (10,000 queries,
// 100,000 points) it computed 1%, 3%, 6% and 14-98% of the tiles for d = 2 to 5 and took 0.4-0.5x,
// 0.5-0.6x and 0.7-1.15x of the full screen's time at d = 3, 4 and 5; at d = 6 it saves nothing.
inline constexpr int64_t kPruneMaxD = 4;
// Whether n queries and m points of d dimensions pay for the set-up: the points' Z order and boxes
// take a few passes over the points (about what a full screen of 1,500 queries in three dimensions
// costs: from kPruneMinWork query factors, 2,048 queries at d = 3, pruning saved time), the queries' k-d order some 20 ns per query and level
// (what a full screen of each query against some 5,000 points costs: with far fewer points than
// kPruneMinPoints nothing is left to save).
inline constexpr int64_t kPruneMinWork = 8192;
inline constexpr int64_t kPruneMinPoints = 16384;
inline bool worth_pruning(int64_t n, int64_t m, int64_t d) {
    return d >= 1 && d <= kPruneMaxD && n * (d + 1) >= kPruneMinWork && m >= kPruneMinPoints;
}

// Panels per group: a micro-panel first ranks the groups by their boxes' distance, then skips a
// whole group (or, within a group, a panel) at once.
inline constexpr int64_t kGroupPanels = 16;

// The points' boxes in factor units (the first d of d + 1 factors): lo[0..d) then hi[0..d) per
// panel, and the same per group of kGroupPanels panels.
template <class T>
struct Boxes {
    int64_t d;
    const T* panel;
    const T* group;
};

// Which sweep screens a problem (kernel.hpp): the row sweep, the lane sweep (k = 1 against few
// points, lanes_kernel.hpp) or the pruned sweep (few dimensions, pruned_kernel.hpp). Auto picks by
// size; the others are asked for by the tests (any of them gives the same candidates).
enum class SweepKind : int { Auto = 0, Rows = 1, Lanes = 2, Pruned = 3 };

// Whether the lane sweep pays: k = 1, few points (past some thousands the row sweep's thresholds
// settle early and most of its tiles fail at once, cheaper than the lane sweep's kept costs), and
// queries enough to fill the lane panels of every thread. Measured (bench/nearest_sweep_probe.py).
inline constexpr int64_t kLanesMaxPoints = 2048;
inline constexpr int64_t kLanesMinQueries = 1024;
inline bool worth_lanes(int64_t n, int64_t m, int64_t k) {
    return k == 1 && m <= kLanesMaxPoints && n >= kLanesMinQueries;
}

// The sweep `asked` resolves to: Auto by the rules above; Lanes needs k = 1 and Pruned
// 1 <= d <= kPruneMaxD (asked otherwise, the row sweep).
inline SweepKind resolve_sweep(SweepKind asked, int64_t n, int64_t m, int64_t d, int64_t k) {
    const bool can_prune = d >= 1 && d <= kPruneMaxD;
    switch (asked) {
        case SweepKind::Auto:
            if (worth_pruning(n, m, d)) return SweepKind::Pruned;
            return worth_lanes(n, m, k) ? SweepKind::Lanes : SweepKind::Rows;
        case SweepKind::Lanes: return k == 1 ? SweepKind::Lanes : SweepKind::Rows;
        case SweepKind::Pruned: return can_prune ? SweepKind::Pruned : SweepKind::Rows;
        default: return SweepKind::Rows;
    }
}

// The points as the screen reads them: the panels (the kernel's layout: point panels, or
// micro-panels for the lane sweep), and for the pruned sweep their Z order (order[i]: the point at
// position i of the panels) and the boxes; order empty otherwise.
template <class T>
struct PreparedPoints {
    SweepKind sweep = SweepKind::Rows;
    AlignedVector<T> panels;
    std::vector<int64_t> order;
    std::vector<T> panel_boxes, group_boxes;
    int64_t d = 0;
    bool pruned() const { return !order.empty(); }
    Boxes<T> boxes() const { return {d, panel_boxes.data(), group_boxes.data()}; }
};

// ys: m x dp factors, C order (the last column the squared norm), laid out for `sweep` (resolved:
// not Auto) with the instruction set in use.
template <class T>
void prepare_points(const T* ys, int64_t m, int64_t dp, SweepKind sweep, PreparedPoints<T>& out);

// A permutation of the n rows (row i at rows + i * stride, d values) in Z order (Morton order) on a
// grid of 2^(32/d) cells a side over the rows' range: nearby rows end up near each other, so a run
// of rows (a panel of points, a micro-panel of queries) is mostly a compact cell. Values that are not
// finite go to the grid's edges (queries are read before they are checked); any order is correct.
template <class In>
void z_order(const In* rows, int64_t n, int64_t d, int64_t stride, std::vector<int64_t>& order);

// A permutation in which each run of `leaf` rows is a compact cell: split at the median of the
// widest dimension, recursively, into halves holding whole leaves. NaN counts as +inf.
template <class In>
void kd_order(const In* rows, int64_t n, int64_t d, int64_t stride, int64_t leaf, std::vector<int64_t>& order);

}  // namespace argreduce::nearest
