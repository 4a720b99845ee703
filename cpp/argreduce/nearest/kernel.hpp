// The screen's register-blocked kernel (BLIS style), compiled once per instruction set: MR queries
// by two vectors of points, the MR x 2 accumulators in registers; each step broadcasts one factor
// of each query and multiply-adds it with the point panel's two vectors. The finished tile is
// compared with the queries' thresholds in registers (one test for the whole tile): only a tile
// with some cost at or under its query's threshold (rare once the thresholds have settled) is
// looked at further, row by row, through bit masks of its lanes.
//
// Rounding: each cost is one chain of dp multiply-adds (fused where the instruction set has FMA and
// the compiler contracts, separate otherwise), in the order l = 0, 1, ..., dp - 1; the first is a
// plain product (the same value as a multiply-add onto zero, up to the sign of a zero). screen.py's
// bound holds for any order and for fused or separate operations (gamma_{d'} of the absolute
// products). Small dp (d <= 8 plus the norm column) gets a kernel each with the loop unrolled, the
// same chain: which kernel runs depends on dp alone, never on threads or blocking.
// Included by fill_table.inc, inside nothing: it opens the per-ISA namespace itself.
#pragma once
#include <algorithm>
#include <cstdint>
#include <limits>
#include <cstring>
#include <type_traits>
#include <utility>
#include <vector>

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

// Bit i set where lane i of v is at most t (false for NaN): one compare into a mask register with
// AVX-512, a compare and a sign-bit gather otherwise.
template <class T>
static inline uint32_t lanes_at_most(Vec<T> v, Vec<T> t) {
#if defined(__AVX512F__) && ARGREDUCE_VECTOR_BYTES == 64
    if constexpr (sizeof(T) == 4) {
        __m512 a, b;
        std::memcpy(&a, &v, sizeof(a));
        std::memcpy(&b, &t, sizeof(b));
        return _mm512_cmp_ps_mask(a, b, _CMP_LE_OQ);
    } else {
        __m512d a, b;
        std::memcpy(&a, &v, sizeof(a));
        std::memcpy(&b, &t, sizeof(b));
        return _mm512_cmp_pd_mask(a, b, _CMP_LE_OQ);
    }
#elif defined(__AVX__) && ARGREDUCE_VECTOR_BYTES == 32
    if constexpr (sizeof(T) == 4) {
        __m256 a, b;
        std::memcpy(&a, &v, sizeof(a));
        std::memcpy(&b, &t, sizeof(b));
        return static_cast<uint32_t>(_mm256_movemask_ps(_mm256_cmp_ps(a, b, _CMP_LE_OQ)));
    } else {
        __m256d a, b;
        std::memcpy(&a, &v, sizeof(a));
        std::memcpy(&b, &t, sizeof(b));
        return static_cast<uint32_t>(_mm256_movemask_pd(_mm256_cmp_pd(a, b, _CMP_LE_OQ)));
    }
#elif defined(__SSE2__) && ARGREDUCE_VECTOR_BYTES == 16
    if constexpr (sizeof(T) == 4) {
        __m128 a, b;
        std::memcpy(&a, &v, sizeof(a));
        std::memcpy(&b, &t, sizeof(b));
        return static_cast<uint32_t>(_mm_movemask_ps(_mm_cmple_ps(a, b)));
    } else {
        __m128d a, b;
        std::memcpy(&a, &v, sizeof(a));
        std::memcpy(&b, &t, sizeof(b));
        return static_cast<uint32_t>(_mm_movemask_pd(_mm_cmple_pd(a, b)));
    }
#else
    uint32_t bits = 0;
    for (int i = 0; i < kLanes<T>; ++i) bits |= static_cast<uint32_t>(v[i] <= t[i]) << i;
    return bits;
#endif
}

// One micro-panel (MR queries) against point panel p: the MR x 2 vectors of costs, in registers.
// DP > 0: the factor count known at compile time (the loop unrolled); 0: read at run time.
template <class T, int DP>
static inline void tile_costs(const Sweep<T>& s, const T* __restrict a, int64_t p, Vec<T> (&acc0)[kMR],
                              Vec<T> (&acc1)[kMR]) {
    constexpr int L = kLanes<T>;
    constexpr int W = kWidth<T>;
    const int64_t dp = DP > 0 ? DP : s.dp;
    const T* __restrict b = s.panels + p * dp * W;
    auto step = [&](int64_t l, auto first) __attribute__((always_inline)) {
        const Vec<T> b0 = load<T>(b + l * W), b1 = load<T>(b + l * W + L);
        const T* al = a + l * kMR;
#pragma GCC unroll 16
        for (int r = 0; r < kMR; ++r) {
            const Vec<T> x = broadcast<T>(al[r]);
            if constexpr (decltype(first)::value) {  // a product, not a multiply-add onto zero
                acc0[r] = x * b0;
                acc1[r] = x * b1;
            } else {
                acc0[r] += x * b0;
                acc1[r] += x * b1;
            }
        }
    };
    if (DP == 0 && dp == 0) {  // no factors (the core called directly): every cost is 0
#pragma GCC unroll 16
        for (int r = 0; r < kMR; ++r) acc0[r] = acc1[r] = Vec<T>{};
        return;
    }
    step(0, std::true_type{});
    if constexpr (DP > 0) {
#pragma GCC unroll 16
        for (int l = 1; l < DP; ++l) step(l, std::false_type{});
    } else {
        for (int64_t l = 1; l < dp; ++l) step(l, std::false_type{});
    }
}

// Whether some cost of the tile is at most its query's threshold t[r], tested in registers: each
// row's costs minus t[r] (whose sign is that of the exact difference: no false "above" even under
// flush-to-zero, where a tiny difference becomes 0 and still passes), their minimum over the rows,
// one comparison. Rows past the block's last query have t = -inf and never pass.
template <class T>
static inline bool tile_passes(const Vec<T> (&acc0)[kMR], const Vec<T> (&acc1)[kMR], const T (&t)[kMR]) {
    Vec<T> lo0 = vmin<T>(acc0[0], acc1[0]) - broadcast<T>(t[0]);
    Vec<T> lo1 = vmin<T>(acc0[1], acc1[1]) - broadcast<T>(t[1]);  // two chains: latency
#pragma GCC unroll 16
    for (int r = 2; r < kMR; r += 2) {
        lo0 = vmin<T>(lo0, vmin<T>(acc0[r], acc1[r]) - broadcast<T>(t[r]));
        lo1 = vmin<T>(lo1, vmin<T>(acc0[r + 1], acc1[r + 1]) - broadcast<T>(t[r + 1]));
    }
    return lanes_at_most<T>(vmin<T>(lo0, lo1), Vec<T>{}) != 0;
}

// A query's k smallest costs so far: for k up to kSortedBest a sorted array (the largest last),
// into which a cost goes without a branch (a heap's sift mispredicts about every other step: most
// of a passing tile's time at k = 10); for larger k a max-heap (the largest first). +inf until
// filled, either way.
inline constexpr int64_t kSortedBest = 32;

template <class T>
static inline T& largest_of(T* h, int64_t k) {
    return k <= kSortedBest ? h[k - 1] : h[0];
}

// Puts c (below the largest) in place of the largest of the k costs of h.
template <class T>
static inline void replace_largest(T* h, int64_t k, T c) {
    if (k <= kSortedBest) {  // h[i] becomes max(h[i - 1], min(c, h[i])), from the top down
        for (int64_t i = k - 1; i > 0; --i) h[i] = std::max(h[i - 1], std::min(c, h[i]));
        h[0] = std::min(c, h[0]);
        return;
    }
    int64_t i = 0;  // the heap: c sifted down from the root
    for (;;) {
        int64_t m = 2 * i + 1;
        if (m >= k) break;
        if (m + 1 < k && h[m] < h[m + 1]) ++m;
        if (!(c < h[m])) break;
        h[i] = h[m];
        i = m;
    }
    h[i] = c;
}

// A tile that passed: each row's lanes at or under its threshold as a bit mask (only the first n
// points of the panel are real). The query's heap of its k smallest costs takes those below its
// largest, the threshold follows the new largest, and the pairs still under the lowered threshold
// are emitted (a pair above it cannot pass the final threshold, which is lower still).
template <class T>
static void take_tile(const Sweep<T>& s, int64_t q0, int rows, const Vec<T> (&acc0)[kMR],
                      const Vec<T> (&acc1)[kMR], T (&t)[kMR], int64_t j0, int64_t n) {
    constexpr int L = kLanes<T>;
    static_assert(2 * L <= 64, "a row's lanes fit one 64-bit mask");
    const uint64_t real = n >= 2 * L ? ~uint64_t(0) >> (64 - 2 * L) : (uint64_t(1) << n) - 1;
    const int64_t k = s.k;
    alignas(64) T row[2 * L];
    for (int r = 0; r < rows; ++r) {
        const Vec<T> tv = broadcast<T>(t[r]);
        uint64_t bits = (lanes_at_most<T>(acc0[r], tv) | uint64_t(lanes_at_most<T>(acc1[r], tv)) << L) & real;
        if (!bits) continue;
        store<T>(row, acc0[r]);
        store<T>(row + L, acc1[r]);
        const int64_t q = q0 + r;
        T* h = s.heap + q * k;
        T& largest = largest_of(h, k);
        const T top = largest;
        if (k == 1 && n >= 2 * L) {  // the row's minimum in a few vector steps, not lane by lane
            const T c = segment_min<L, T>(vmin<T>(acc0[r], acc1[r]))[0];
            if (c < h[0]) h[0] = c;
        } else {
            for (uint64_t b = bits; b; b &= b - 1) {
                const T c = row[__builtin_ctzll(b)];
                if (c < largest) replace_largest<T>(h, k, c);
            }
        }
        if (largest < top) {  // the lowered threshold: only the lanes still under it are emitted
            // min: a threshold set lower by other means (pruned_kernel.hpp's seeds) stays
            s.thr[q] = std::min(s.thr[q], nearest::threshold<T>(largest, s.B[q]));
            const Vec<T> tv2 = broadcast<T>(s.thr[q]);
            bits = (lanes_at_most<T>(acc0[r], tv2) | uint64_t(lanes_at_most<T>(acc1[r], tv2)) << L) & real;
        }
        t[r] = s.thr[q];
        for (uint64_t b = bits; b; b &= b - 1) {
            const int i = __builtin_ctzll(b);
            s.emit(s.ctx, q, j0 + i, row[i]);
        }
    }
}

// Chunks of panels that stay in L2 while every micro-panel of the block sweeps them; each tile of
// MR queries x W points is computed and tested in registers.
template <class T, int DP>
static void sweep_dp(const Sweep<T>& s) {
    static_assert(kMR % 2 == 0, "tile_passes takes the rows two at a time");
    constexpr int W = kWidth<T>;
    const int64_t dp = DP > 0 ? DP : s.dp;
    T t[kMR];
    for (int64_t c0 = s.p0; c0 < s.p1; c0 += s.chunk) {
        const int64_t c1 = std::min(s.p1, c0 + s.chunk);
        for (int64_t q0 = s.q_first; q0 < s.nq; q0 += kMR) {
            const int rows = static_cast<int>(std::min<int64_t>(kMR, s.nq - q0));
            for (int r = 0; r < kMR; ++r) t[r] = r < rows ? s.thr[q0 + r] : -std::numeric_limits<T>::infinity();
            const T* a = s.queries + q0 * dp;
            for (int64_t p = c0; p < c1; ++p) {
                Vec<T> acc0[kMR], acc1[kMR];
                tile_costs<T, DP>(s, a, p, acc0, acc1);
                if (tile_passes<T>(acc0, acc1, t))
                    take_tile<T>(s, q0, rows, acc0, acc1, t, p * W, std::min<int64_t>(W, s.m - p * W));
            }
        }
    }
}

// Small factor counts (d <= 8 plus the norm column) get a kernel each, their loop unrolled: there
// the loop's overhead would cost as much as its few multiply-adds.
template <class T>
static void sweep(const Sweep<T>& s) {
    switch (s.dp) {
        case 1: return sweep_dp<T, 1>(s);
        case 2: return sweep_dp<T, 2>(s);
        case 3: return sweep_dp<T, 3>(s);
        case 4: return sweep_dp<T, 4>(s);
        case 5: return sweep_dp<T, 5>(s);
        case 6: return sweep_dp<T, 6>(s);
        case 7: return sweep_dp<T, 7>(s);
        case 8: return sweep_dp<T, 8>(s);
        case 9: return sweep_dp<T, 9>(s);
        default: return sweep_dp<T, 0>(s);
    }
}

#include "pruned_kernel.hpp"

template <class T>
static constexpr ScreenFns<T> fns() {
    return {kMR, kWidth<T>, &pack_panels<kWidth<T>, T>, &pack_panels<kMR, T>, &sweep<T>, &sweep_pruned<T>};
}

static constexpr ScreenKernels screen_kernels() { return {fns<float>(), fns<double>()}; }

}  // namespace argreduce::ARGREDUCE_ISA::screen
