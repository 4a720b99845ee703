// The pruned sweep for few dimensions (spatial.hpp says why a skipped tile cannot matter): each
// micro-panel of queries (a compact cell, the queries in Z order) ranks the groups of point
// panels by the distance between their boxes, visits them nearest first, and stops at the first
// group too far away for any cost in it to pass; within a group a panel too far away is skipped
// alone. The nearest cells come first, so the thresholds settle at once and nearly all the rest
// is skipped. Every tile computed goes through the same tile_costs, tile_passes and take_tile as
// the full sweep (kernel.hpp): the same costs, the same heaps; the pairs of the tiles that passed
// are emitted once the micro-panel's thresholds have settled (emit_settled).
// Included by kernel.hpp, inside its namespace, after the tile functions.
#pragma once

template <class T>
struct PruneScope {
    static constexpr int kMaxD = static_cast<int>(nearest::kPruneMaxD);
    int64_t d;
    double lo[kMaxD], hi[kMaxD];  // the micro-panel's box, factor units

    // The box of the micro-panel's real rows: its factors are -2 xf (exact), so xf = -a / 2.
    void query_box(const T* a, int rows) {
        for (int64_t l = 0; l < d; ++l) {
            T mn = a[l * kMR], mx = a[l * kMR];
            for (int r = 1; r < rows; ++r) {
                mn = std::min(mn, a[l * kMR + r]);
                mx = std::max(mx, a[l * kMR + r]);
            }
            lo[l] = static_cast<double>(mx) * -0.5;
            hi[l] = static_cast<double>(mn) * -0.5;
        }
    }

    // The squared distance between the query box and box b (lo[0, d) then hi[0, d)), rounded down:
    // each gap is one rounded subtraction, each square and the sum a few roundings more, all
    // covered by 2^-45 relatively (an underflow only makes it smaller).
    double gap2(const T* b) const {
        double s = 0;
        for (int64_t l = 0; l < d; ++l) {
            const double g = std::max({0.0, static_cast<double>(b[l]) - hi[l], lo[l] - static_cast<double>(b[d + l])});
            s += g * g;
        }
        return s * (1 - 0x1p-45);
    }

    // The distinct nearest panels of the rows (by the distance from each query to the panel boxes of
    // the first kSeedGroups groups that overlap the query box) into seeds; their count. Only an
    // order: nothing depends on it but speed.
    template <class S>
    int seed_panels(const S& s, const T* a, int rows, const std::vector<std::pair<double, int64_t>>& groups,
                    int64_t (&seeds)[kMR]) const {
        constexpr int kSeedGroups = 4;
        int64_t overlapping[kSeedGroups];
        int n_overlapping = 0;
        for (size_t i = 0; i < groups.size() && n_overlapping < kSeedGroups; ++i)
            if (groups[i].first == 0) overlapping[n_overlapping++] = groups[i].second;
        const int64_t G = nearest::kGroupPanels;
        int n = 0;
        for (int r = 0; r < rows; ++r) {
            double best = std::numeric_limits<double>::infinity();
            int64_t best_p = -1;
            for (int i = 0; i < n_overlapping; ++i) {
                const int64_t g = overlapping[i];
                for (int64_t p = std::max(s.p0, g * G); p < std::min(s.p1, (g + 1) * G); ++p) {
                    const T* b = s.boxes->panel + p * 2 * d;
                    double e = 0;
                    for (int64_t l = 0; l < d; ++l) {
                        const double x = static_cast<double>(a[l * kMR + r]) * -0.5;
                        const double g2 = std::max({0.0, static_cast<double>(b[l]) - x, x - static_cast<double>(b[d + l])});
                        e += g2 * g2;
                    }
                    if (e < best) {
                        best = e;
                        best_p = p;
                    }
                }
            }
            if (best_p >= 0 && std::find(seeds, seeds + n, best_p) == seeds + n) seeds[n++] = best_p;
        }
        return n;
    }
};

// The largest t[r] + reach over the micro-panel's real rows, rounded up: a box farther than that
// (squared) holds no cost at or under any row's threshold. +inf while a heap is not yet full.
template <class T>
static inline double prune_limit(const Sweep<T>& s, int64_t q0, int rows, const T (&t)[kMR]) {
    double u = -std::numeric_limits<double>::infinity();
    for (int r = 0; r < rows; ++r) {
        const double a = static_cast<double>(t[r]), b = s.reach[q0 + r];
        const double v = a + b;
        if (!(v == v)) return std::numeric_limits<double>::infinity();  // a row made of a NaN: no pruning
        u = std::max(u, v + (std::fabs(a) + b) * 0x1p-50);
    }
    return u;
}

// The full sweep takes over once, after kProbePanels micro-panels, the pruned one has computed more
// than 1 in kWorthIt of the tiles: the ranking and the box tests then cost more than they save.
inline constexpr int64_t kProbePanels = 4;
inline constexpr int64_t kWorthIt = 4;

// Lowers each row's threshold to what the k smallest costs of the seed panels give, touching no
// heap and emitting nothing: the full sweep that follows computes those tiles again, and a point
// must enter a heap once. Valid because the k-th smallest cost of some points is at least that of
// all: the threshold stays at or above the final one. Without it the full sweep in Z order would
// lower each threshold step by step as it nears the query in space (1.35x the full screen's time where the boxes
// do not separate at d = 5, 1.14x with the seeds).
template <class T, int DP>
static void seed_thresholds(const Sweep<T>& s, int64_t q0, int rows, const T* a, const int64_t* seeds, int n_seeds) {
    constexpr int L = kLanes<T>, W = kWidth<T>;
    const int64_t k = s.k;
    if (k > kSortedBest) return;
    T best[kMR][kSortedBest];
    for (int r = 0; r < rows; ++r) std::fill(best[r], best[r] + k, std::numeric_limits<T>::infinity());
    alignas(64) T row[W];
    for (int i = 0; i < n_seeds; ++i) {
        const int64_t p = seeds[i], n = std::min<int64_t>(W, s.m - p * W);
        Vec<T> acc0[kMR], acc1[kMR];
        tile_costs<T, DP>(s, a, p, acc0, acc1);
        for (int r = 0; r < rows; ++r) {
            store<T>(row, acc0[r]);
            store<T>(row + L, acc1[r]);
            for (int64_t j = 0; j < n; ++j)
                if (row[j] < best[r][k - 1]) replace_largest<T>(best[r], k, row[j]);
        }
    }
    for (int r = 0; r < rows; ++r)
        if (best[r][k - 1] < std::numeric_limits<T>::infinity())
            s.thr[q0 + r] = std::min(s.thr[q0 + r], nearest::threshold<T>(best[r][k - 1], s.B[q0 + r]));
}

// The pairs of one micro-panel, once its thresholds have settled: its passing tiles computed again
// (the same costs: one fixed chain of multiply-adds each) and only the lanes at or under the final
// thresholds emitted. Emitting along the way, under thresholds still falling, handed over about ten
// times as many pairs at k = 10, nearly all dropped later.
template <class T, int DP>
static void emit_settled(const Sweep<T>& s, int64_t q0, int rows, const T* a, const std::vector<int64_t>& passed) {
    constexpr int L = kLanes<T>, W = kWidth<T>;
    Emitter<T> out{s};
    alignas(64) T row[W];
    for (const int64_t p : passed) {
        const int64_t n = std::min<int64_t>(W, s.m - p * W);
        const uint64_t real = n >= W ? ~uint64_t(0) >> (64 - W) : (uint64_t(1) << n) - 1;
        Vec<T> acc0[kMR], acc1[kMR];
        tile_costs<T, DP>(s, a, p, acc0, acc1);
        for (int r = 0; r < rows; ++r) {
            const Vec<T> tv = broadcast<T>(s.thr[q0 + r]);
            uint64_t bits = (lanes_at_most<T>(acc0[r], tv) | uint64_t(lanes_at_most<T>(acc1[r], tv)) << L) & real;
            if (!bits) continue;
            store<T>(row, acc0[r]);
            store<T>(row + L, acc1[r]);
            for (; bits; bits &= bits - 1) {
                const int i = __builtin_ctzll(bits);
                out.add(q0 + r, p * W + i, row[i]);
            }
        }
    }
    if (out.n) out.flush();
}

template <class T, int DP>
static void sweep_pruned_dp(const Sweep<T>& s) {
    constexpr int W = kWidth<T>;
    const int64_t dp = DP > 0 ? DP : s.dp;
    const nearest::Boxes<T>& bx = *s.boxes;
    PruneScope<T> scope;
    scope.d = bx.d;
    const int64_t G = nearest::kGroupPanels;
    const int64_t g0 = s.p0 / G, g1 = (s.p1 + G - 1) / G;
    std::vector<std::pair<double, int64_t>> ranked(static_cast<size_t>(g1 - g0));
    std::pair<double, int64_t> panels[nearest::kGroupPanels];
    std::vector<int64_t> passed;  // the micro-panel's tiles that passed: their pairs emitted at its end
    T t[kMR];
    int64_t computed = 0;  // tiles, over the micro-panels so far
    // The micro-panel's box, every group ranked by its distance to it (in `ranked`, unsorted), and
    // the seeds: each row's own nearest panel among those of the groups that overlap the box.
    auto locate = [&](const T* a, int rows, int64_t (&seeds)[kMR]) {
        scope.query_box(a, rows);
        for (int64_t g = g0; g < g1; ++g) ranked[static_cast<size_t>(g - g0)] = {scope.gap2(bx.group + g * 2 * bx.d), g};
        return scope.seed_panels(s, a, rows, ranked, seeds);
    };
    for (int64_t q0 = 0; q0 < s.nq; q0 += kMR) {
        if (q0 >= kProbePanels * kMR && computed * kWorthIt > q0 / kMR * (s.p1 - s.p0)) {
            // The boxes do not separate: the full sweep, chunked for the caches, from thresholds
            // that each micro-panel's seeds have brought near their final values.
            for (int64_t q = q0; q < s.nq; q += kMR) {
                const int rows = static_cast<int>(std::min<int64_t>(kMR, s.nq - q));
                const T* a = s.queries + q * dp;
                int64_t seeds[kMR];
                const int n_seeds = locate(a, rows, seeds);
                seed_thresholds<T, DP>(s, q, rows, a, seeds, n_seeds);
                computed += n_seeds;
            }
            Sweep<T> rest = s;
            rest.q_first = q0;
            sweep<T>(rest);
            computed += (s.nq - q0 + kMR - 1) / kMR * (s.p1 - s.p0);
            break;
        }
        const int rows = static_cast<int>(std::min<int64_t>(kMR, s.nq - q0));
        for (int r = 0; r < kMR; ++r) t[r] = r < rows ? s.thr[q0 + r] : -std::numeric_limits<T>::infinity();
        const T* a = s.queries + q0 * dp;
        // One tile computed, tested, and (if it passed) settled into the heaps and thresholds; true if
        // it passed (its pairs are emitted at the micro-panel's end).
        auto visit = [&](int64_t p) {
            Vec<T> acc0[kMR], acc1[kMR];
            tile_costs<T, DP>(s, a, p, acc0, acc1);
            ++computed;
            if (!tile_passes<T>(acc0, acc1, t)) return false;
            take_tile<T, false>(s, q0, rows, acc0, acc1, t, p * W, std::min<int64_t>(W, s.m - p * W));
            passed.push_back(p);
            return true;
        };
        // Seeds first: every row's k best then start from points near its own query (not merely near
        // the box): the later tiles add less to them, and the tiles skipped are more (a quarter of the
        // time at k = 10). Their tiles go through take_tile like any other, not computed again below.
        int64_t seeds[kMR];
        const int n_seeds = locate(a, rows, seeds);
        passed.clear();
        for (int i = 0; i < n_seeds; ++i) visit(seeds[i]);
        double u = prune_limit<T>(s, q0, rows, t);
        // The groups near enough, nearest first (sorting only those: a handful of many hundreds).
        const auto near_end = std::partition(ranked.begin(), ranked.end(), [u](const auto& e) { return e.first <= u; });
        std::sort(ranked.begin(), near_end);
        for (auto it = ranked.begin(); it != near_end; ++it) {
            const auto [lb, g] = *it;
            if (lb > u) break;  // this group and every later one too far away
            // The group's panels nearest first too: the first settles the thresholds.
            const int64_t p_begin = std::max(s.p0, g * G), p_end = std::min(s.p1, (g + 1) * G);
            int count = 0;
            for (int64_t p = p_begin; p < p_end; ++p) {
                std::pair<double, int64_t> e{scope.gap2(bx.panel + p * 2 * bx.d), p};
                int i = count++;
                for (; i > 0 && e < panels[i - 1]; --i) panels[i] = panels[i - 1];  // insertion: 16 at most
                panels[i] = e;
            }
            for (int i = 0; i < count; ++i) {
                if (panels[i].first > u) break;
                const int64_t p = panels[i].second;
                if (std::find(seeds, seeds + n_seeds, p) != seeds + n_seeds) continue;  // done first
                if (visit(p)) u = prune_limit<T>(s, q0, rows, t);
            }
        }
        emit_settled<T, DP>(s, q0, rows, a, passed);
    }
    if (s.tiles) *s.tiles += computed;
}

template <class T>
static void sweep_pruned(const Sweep<T>& s) {
    static_assert(nearest::kPruneMaxD + 1 <= 5, "an unrolled kernel for every pruned factor count");
    switch (s.dp) {
        case 2: return sweep_pruned_dp<T, 2>(s);
        case 3: return sweep_pruned_dp<T, 3>(s);
        case 4: return sweep_pruned_dp<T, 4>(s);
        case 5: return sweep_pruned_dp<T, 5>(s);
        default: return sweep<T>(s);  // no boxes for this many factors (spatial.hpp)
    }
}
