// The lane sweep: k = 1 against few points (k-means assignment: a million queries, a few hundred
// centres). In the row sweep (kernel.hpp) a query is a row of the tile and the points are its
// lanes; with few points every tile of a chunk passes (the thresholds settle only at the chunk's
// end), and settling costs, per query and chunk, a horizontal minimum, a threshold and a scan of
// the kept tiles: scalar work that took a third as long as the multiply-adds at d = 32. Here the
// roles are swapped: the queries are the lanes (a panel of W of them, two vectors per factor) and
// the points the broadcast rows (a micro-panel of MR, packed as pack_queries packs). Each query's
// running minimum is then one vmin per row of the tile, lane by lane, with no horizontal step,
// and the chunk's costs are kept and scanned once against each lane's threshold.
//
// The costs are the same numbers as the row sweep's: costs_of's chain with its operands swapped
// (fl(a b) = fl(b a), fma(a, b, c) = fma(b, a, c)). The heaps (k = 1: each query's least cost) and
// the thresholds are the row sweep's too, so the final thresholds, and the pairs under them, are.
// Included by kernel.hpp, inside its namespace, after the tile functions.
#pragma once

// Point micro-panels per chunk: the chunk's costs (chunk x MR x W values, 48 KiB) stay in L1/L2
// until its end, where the thresholds fall and the pairs still under them are emitted.
inline constexpr int64_t kLaneChunk = 32;

template <class T>
struct LaneCosts {
    static constexpr int W = kWidth<T>;
    alignas(64) T cost[kLaneChunk * kMR][W];  // per point of the chunk: its cost to each lane's query
    alignas(64) T least[kLaneChunk][W];      // per micro-panel: each lane's least cost in it
};

// One lane panel of queries (b) against micro-panels c0 .. c1 of points: the costs into `kept`,
// and each micro-panel's least cost per lane. The accumulators stay in registers: a full
// micro-panel's least is a tree of minima on them; the last, partial one's (its padding rows are
// zero points, not points) is read back from the kept costs.
template <class T, int DP>
static inline void lane_chunk(const Sweep<T>& s, const T* b, int64_t c0, int64_t c1, LaneCosts<T>& kept) {
    constexpr int L = kLanes<T>;
    const int64_t dp = DP > 0 ? DP : s.dp;
    for (int64_t p = c0; p < c1; ++p) {
        Vec<T> acc0[kMR], acc1[kMR];
        costs_of<T, DP>(dp, s.panels + p * dp * kMR, b, acc0, acc1);
        T(*c)[kWidth<T>] = kept.cost + (p - c0) * kMR;
#pragma GCC unroll 16
        for (int r = 0; r < kMR; ++r) {
            store<T>(c[r], acc0[r]);
            store<T>(c[r] + L, acc1[r]);
        }
        T* least = kept.least[p - c0];
        const int64_t rows = std::min<int64_t>(kMR, s.m - p * kMR);
        if (rows < kMR) {
            Vec<T> t0 = load<T>(c[0]), t1 = load<T>(c[0] + L);
            for (int64_t r = 1; r < rows; ++r) {
                t0 = vmin<T>(t0, load<T>(c[r]));
                t1 = vmin<T>(t1, load<T>(c[r] + L));
            }
            store<T>(least, t0);
            store<T>(least + L, t1);
            continue;
        }
        // A tree, not a chain of MR minima (as long as a tile's latency).
#pragma GCC unroll 16
        for (int w = 1; w < kMR; w *= 2)
#pragma GCC unroll 16
            for (int r = 0; r + w < kMR; r += 2 * w) {
                acc0[r] = vmin<T>(acc0[r], acc0[r + w]);
                acc1[r] = vmin<T>(acc1[r], acc1[r + w]);
            }
        store<T>(least, acc0[0]);
        store<T>(least + L, acc1[0]);
    }
}

// kLanes<double> floats, and as many int32 (the float branch of lane_thresholds; at namespace
// scope: GCC takes no vector typedef that depends on a template as a conversion's target).
typedef float LaneFloats __attribute__((vector_size(kLanes<double> * 4)));
typedef int32_t LaneBits __attribute__((vector_size(kLanes<double> * 4)));

// nearest::threshold of kLanes<double> lanes at once: kth (T values) and B in, the thresholds out,
// the same numbers (kth + 2 B, plus |t| 2^-50, is exact to reorder: 2 B and the power-of-two
// product are exact, so a fused add rounds as the separate one; a float is then rounded up as
// next_up does). Lanes of kth at +inf give +inf.

template <class T>
static inline void lane_thresholds(const T* kth, const double* B, T* out) {
    constexpr int LD = kLanes<double>;
    using D = Vec<double>;
    typedef T Part __attribute__((vector_size(LD * sizeof(T))));
    Part k;
    D b;
    std::memcpy(&k, kth, sizeof(k));
    std::memcpy(&b, B, sizeof(b));
    D t = __builtin_convertvector(k, D) + 2 * b;
    t += (t < 0 ? -t : t) * 0x1p-50;
    if constexpr (sizeof(T) == 8) {
        std::memcpy(out, &t, sizeof(t));
    } else {
        const LaneFloats f = __builtin_convertvector(t, LaneFloats);
        LaneBits u;
        std::memcpy(&u, &f, sizeof(u));
        LaneBits up = f > 0 ? u + 1 : u - 1;  // the magnitude up for a positive f, down for a negative one
        up = f == 0 ? LaneBits{} + 1 : up;      // +0 and -0: the least subnormal
        const LaneBits below = __builtin_convertvector(__builtin_convertvector(f, D) < t, LaneBits);
        const LaneBits r = below ? up : u;
        std::memcpy(out, &r, sizeof(r));
    }
}

template <class T, int DP>
static void sweep_lanes_dp(const Sweep<T>& s) {
    constexpr int L = kLanes<T>;
    constexpr int W = kWidth<T>;
    static_assert(W <= 64, "a panel's lanes fit one 64-bit mask");
    const int64_t dp = DP > 0 ? DP : s.dp;
    const int64_t chunk = std::clamp<int64_t>(s.chunk, 1, kLaneChunk);
    auto kept = std::make_unique<LaneCosts<T>>();  // 50 KiB: off the pool threads' stacks
    Emitter<T> out{s};
    alignas(64) T best[W], thr[W], least[W], t[W];
    alignas(64) double bound[W];
    for (int64_t q0 = s.q_first; q0 < s.nq; q0 += W) {
        const int lanes = static_cast<int>(std::min<int64_t>(W, s.nq - q0));
        const uint64_t live = lanes == 64 ? ~uint64_t(0) : (uint64_t(1) << lanes) - 1;
        const T* b = s.queries + q0 * dp;
        for (int64_t c0 = s.p0; c0 < s.p1; c0 += chunk) {
            const int64_t c1 = std::min(s.p1, c0 + chunk);
            lane_chunk<T, DP>(s, b, c0, c1, *kept);
            Vec<T> lo0 = load<T>(kept->least[0]), lo1 = load<T>(kept->least[0] + L);
            for (int64_t p = 1; p < c1 - c0; ++p) {
                lo0 = vmin<T>(lo0, load<T>(kept->least[p]));
                lo1 = vmin<T>(lo1, load<T>(kept->least[p] + L));
            }
            // Each lane's least cost of the chunk against its query's best (k = 1: the heap is the
            // best cost itself), and the thresholds of the new bests, all lanes at once (the
            // threshold of a best that did not fall is not below the one it already has).
            // A full panel reads and writes the block's arrays in place; the block's last panel
            // goes through local copies, its lanes past the last query padded (a best of +inf, a
            // threshold of -inf: no pair of theirs ever passes).
            T* best_q = s.heap + q0;
            const double* bound_q = s.B + q0;
            T* thr_q = s.thr + q0;
            if (lanes < W) {
                for (int i = 0; i < W; ++i) {
                    best[i] = i < lanes ? best_q[i] : std::numeric_limits<T>::infinity();
                    bound[i] = i < lanes ? bound_q[i] : 0.0;
                    thr[i] = i < lanes ? thr_q[i] : -std::numeric_limits<T>::infinity();
                }
                best_q = best, bound_q = bound, thr_q = thr;
            }
            store<T>(best_q, vmin<T>(lo0, load<T>(best_q)));
            store<T>(best_q + L, vmin<T>(lo1, load<T>(best_q + L)));
            for (int i = 0; i < W; i += kLanes<double>) lane_thresholds<T>(best_q + i, bound_q + i, least + i);
            store<T>(thr_q, vmin<T>(load<T>(thr_q), load<T>(least)));
            store<T>(thr_q + L, vmin<T>(load<T>(thr_q + L), load<T>(least + L)));
            std::memcpy(t, thr_q, sizeof(t));
            if (lanes < W)
                for (int i = 0; i < lanes; ++i) s.heap[q0 + i] = best[i], s.thr[q0 + i] = thr[i];
            // The pairs under the lowered thresholds: a micro-panel's lanes with some cost under
            // theirs (one test per micro-panel), then that lane's rows one by one.
            const Vec<T> tv0 = load<T>(t), tv1 = load<T>(t + L);
            for (int64_t p = c0; p < c1; ++p) {
                const T* lp = kept->least[p - c0];
                uint64_t bits =
                    (lanes_at_most<T>(load<T>(lp), tv0) | uint64_t(lanes_at_most<T>(load<T>(lp + L), tv1)) << L) &
                    live;
                if (!bits) continue;
                const int64_t rows = std::min<int64_t>(kMR, s.m - p * kMR);
                const uint32_t real = (uint32_t(1) << rows) - 1;
                const T(*c)[W] = kept->cost + (p - c0) * kMR;
                for (; bits; bits &= bits - 1) {  // usually one lane, its least cost's row alone under t
                    const int i = __builtin_ctzll(bits);
                    const T ti = t[i];
                    uint32_t under = 0;  // the rows at or under the lane's threshold, without a branch each
#pragma GCC unroll 16
                    for (int r = 0; r < kMR; ++r) under |= uint32_t(c[r][i] <= ti) << r;
                    for (under &= real; under; under &= under - 1) {
                        const int r = __builtin_ctz(under);
                        out.add(q0 + i, p * kMR + r, c[r][i]);
                    }
                }
            }
        }
    }
    if (out.n) out.flush();
}

// ScreenFns::sweep_lanes: s.queries in lane panels (make_query_lanes), s.panels the points in
// micro-panels, s.p0 .. s.p1 and s.chunk counted in micro-panels, k = 1.
template <class T>
static void sweep_lanes(const Sweep<T>& s) {
    switch (s.dp) {
        case 1: return sweep_lanes_dp<T, 1>(s);
        case 2: return sweep_lanes_dp<T, 2>(s);
        case 3: return sweep_lanes_dp<T, 3>(s);
        case 4: return sweep_lanes_dp<T, 4>(s);
        case 5: return sweep_lanes_dp<T, 5>(s);
        default: return sweep_lanes_dp<T, 0>(s);
    }
}
