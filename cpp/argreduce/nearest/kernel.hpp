// The screen's register-blocked kernel (BLIS style), compiled once per instruction set: MR queries
// by two vectors of points, the MR x 2 accumulators in registers; each step broadcasts one factor
// of each query and multiply-adds it with the point panel's two vectors. A chunk's costs go to an
// L1 buffer, where each query's row is reduced to its minimum with vector instructions: only a row
// whose minimum is under the query's threshold is looked at further (rare once it has settled).
//
// Rounding: each cost is one chain of dp multiply-adds (fused where the instruction set has FMA and
// the compiler contracts, separate otherwise), in the order l = 0, 1, ..., dp - 1. screen.py's bound
// holds for any order and for fused or separate operations (gamma_{d'} of the absolute products).
// Included by fill_table.inc, inside nothing: it opens the per-ISA namespace itself.
#pragma once
#include <algorithm>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "../kernels/simd.hpp"
#include "screen.hpp"

namespace argreduce::ARGREDUCE_ISA::screen {

using nearest::ScreenFns;
using nearest::ScreenKernels;
using nearest::Sweep;

// Queries per micro-panel: the accumulators (2 MR vectors) plus two point vectors and a broadcast
// must fit the register file: 32 registers with AVX-512, 16 with SSE2 and AVX2.
inline constexpr int kMR = kVectorBytes == 64 ? 12 : 6;

template <class T>
inline constexpr int kWidth = 2 * kLanes<T>;

// The lane type of a comparison's result: a signed integer as wide as T.
template <class T>
using Lane = std::conditional_t<sizeof(T) == 4, int32_t, int64_t>;

// x in every lane. simd.hpp's splat adds x to a zero vector, an addition the compiler must keep
// (-0 + 0 is +0); x - 0 is x for every x, so this one folds to a plain broadcast.
template <class T>
static inline Vec<T> broadcast(T x) { return x - Vec<T>{}; }

// Rows (n, dp) into panels of W rows stored column by column (row r of a panel at column offset
// r), the last panel zero-padded: the points' panels (W = kWidth) and the queries' micro-panels
// (W = kMR) alike.
template <int W, class T>
static void pack_panels(const T* rows, int64_t n, int64_t dp, T* out) {
    for (int64_t p0 = 0; p0 < n; p0 += W) {
        T* panel = out + (p0 / W) * dp * W;
        const int64_t w_end = std::min<int64_t>(W, n - p0);
        for (int64_t l = 0; l < dp; ++l) {
            T* row = panel + l * W;
            for (int64_t w = 0; w < w_end; ++w) row[w] = rows[(p0 + w) * dp + l];
            for (int64_t w = w_end; w < W; ++w) row[w] = T(0);
        }
    }
}

// The costs of one micro-panel (MR queries) against the panels [p0, p1), into the buffer: row r
// of the micro-panel at buffer + r * stride, panel after panel.
template <class T>
static inline void micro_panel_costs(const Sweep<T>& s, int64_t q0, int64_t p0, int64_t p1, int64_t stride) {
    constexpr int L = kLanes<T>;
    constexpr int W = kWidth<T>;
    const int64_t dp = s.dp;
    const T* __restrict a = s.queries + q0 * dp;
    for (int64_t p = p0; p < p1; ++p) {
        const T* __restrict b = s.panels + p * dp * W;
        Vec<T> acc0[kMR], acc1[kMR];
#pragma GCC unroll 16
        for (int r = 0; r < kMR; ++r) acc0[r] = acc1[r] = Vec<T>{};
        for (int64_t l = 0; l < dp; ++l) {
            const Vec<T> b0 = load<T>(b + l * W), b1 = load<T>(b + l * W + L);
            const T* al = a + l * kMR;
#pragma GCC unroll 16
            for (int r = 0; r < kMR; ++r) {
                const Vec<T> x = broadcast<T>(al[r]);
                acc0[r] += x * b0;
                acc1[r] += x * b1;
            }
        }
        T* out = s.buffer + (p - p0) * W;
#pragma GCC unroll 16
        for (int r = 0; r < kMR; ++r) {
            store<T>(out + r * stride, acc0[r]);
            store<T>(out + r * stride + L, acc1[r]);
        }
    }
}

// Whether any lane of a comparison's result is set: an OR tree over the lanes (simd.hpp's any()
// goes through eight 64-bit words, several times the instructions on 64-byte vectors).
template <int N, class K>
static inline Vec<K> or_lanes(Vec<K> v) {
    if constexpr (N > 1) {
        v = or_lanes<N / 2, K>(v);
        return v | swap_lanes<N / 2, K>(v);
    } else {
        return v;
    }
}

template <class T>
static inline bool any_set(Vec<Lane<T>> mask) { return or_lanes<kLanes<T>, Lane<T>>(mask)[0] != 0; }

// Whether any of the four vectors at row[i .. i + 4L) is at most t: one mask test for four compares.
template <class T>
static inline bool any_at_most(const T* row, T t) {
    constexpr int L = kLanes<T>;
    const Vec<T> tv = broadcast<T>(t);
    return any_set<T>((load<T>(row) <= tv) | (load<T>(row + L) <= tv) | (load<T>(row + 2 * L) <= tv) |
                        (load<T>(row + 3 * L) <= tv));
}

// Query q's n costs of points j0, j0 + 1, ...: ranked, then the pairs under the threshold emitted.
template <class T>
static inline void select_row(const Sweep<T>& s, int64_t q, const T* row, int64_t n, int64_t j0) {
    constexpr int L = kLanes<T>;
    constexpr int G = 4 * L;  // costs per mask test
    const int64_t nv = n / L * L, ng = n / G * G;
    Vec<T> m0 = broadcast<T>(std::numeric_limits<T>::infinity()), m1 = m0;  // two chains: latency
    int64_t i = 0;
    for (; i + 2 * L <= nv; i += 2 * L) {
        m0 = vmin<T>(m0, load<T>(row + i));
        m1 = vmin<T>(m1, load<T>(row + i + L));
    }
    if (i < nv) m0 = vmin<T>(m0, load<T>(row + i));
    T mn = segment_min<L, T>(vmin<T>(m0, m1))[0];
    for (int64_t w = nv; w < n; ++w) mn = row[w] < mn ? row[w] : mn;
    if (!(mn <= s.thr[q])) return;  // the common case once the threshold has settled
    if (s.k == 1) {
        if (mn < s.best[q]) {
            s.best[q] = mn;
            s.thr[q] = nearest::threshold<T>(mn, s.B[q]);
        }
    } else {
        for (int64_t g = 0; g < n; g += G)  // thr[q] falls as rank() fills the heap
            if (g >= ng || any_at_most<T>(row + g, s.thr[q]))
                for (int64_t w = g, e = std::min(n, g + G); w < e; ++w)
                    if (row[w] <= s.thr[q]) s.rank(s.ctx, q, row[w]);
    }
    const T t = s.thr[q];
    for (int64_t g = 0; g < n; g += G) {
        if (g < ng && !any_at_most<T>(row + g, t)) continue;
        for (int64_t v = g, e = std::min(n, g + G); v < e; v += L) {
            if (v + L <= nv && !any_set<T>(load<T>(row + v) <= broadcast<T>(t))) continue;
            for (int64_t w = v, we = std::min(e, v + L); w < we; ++w)
                if (row[w] <= t) s.emit(s.ctx, q, j0 + w, row[w]);
        }
    }
}

// The panels of the task's first chunk (no chunk is longer).
template <class T>
static inline int64_t c1_max(const Sweep<T>& s) { return std::min(s.p1, s.p0 + s.chunk); }

// Chunks of panels that stay in L2 while every micro-panel of the block sweeps them.
template <class T>
static void sweep(const Sweep<T>& s) {
    constexpr int W = kWidth<T>;
    const int64_t stride = (c1_max(s) - s.p0) * W + kLanes<T>;  // one vector more: rows not 2^k apart
    for (int64_t c0 = s.p0; c0 < s.p1; c0 += s.chunk) {
        const int64_t c1 = std::min(s.p1, c0 + s.chunk);
        const int64_t n = std::min((c1 - c0) * W, s.m - c0 * W);  // the last panel's padding left out
        for (int64_t q0 = 0; q0 < s.nq; q0 += kMR) {
            micro_panel_costs<T>(s, q0, c0, c1, stride);
            const int64_t rows = std::min<int64_t>(kMR, s.nq - q0);
            for (int64_t r = 0; r < rows; ++r) select_row<T>(s, q0 + r, s.buffer + r * stride, n, c0 * W);
        }
    }
}

template <class T>
static constexpr ScreenFns<T> fns() {
    return {kMR, kWidth<T>, &pack_panels<kWidth<T>, T>, &pack_panels<kMR, T>, &sweep<T>};
}

static constexpr ScreenKernels screen_kernels() { return {fns<float>(), fns<double>()}; }

}  // namespace argreduce::ARGREDUCE_ISA::screen
