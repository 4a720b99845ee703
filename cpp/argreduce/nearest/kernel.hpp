// The screen's register-blocked kernel (BLIS style), compiled once per instruction set: MR queries
// by two vectors of points, the MR x 2 accumulators in registers; each step broadcasts one factor
// of each query and multiply-adds it with the point panel's two vectors. The finished tile is
// compared with the queries' thresholds in registers (one test for the whole tile): only a tile
// with some cost at or under its query's threshold (rare once the thresholds have settled) is
// looked at further, row by row, through bit masks of its lanes. sweep_dp keeps a micro-panel's
// passing tiles of one chunk (in L1) and settles them together at the chunk's end (take_chunk:
// one heap update and one threshold per query per chunk); take_tile settles one tile at once
// (the pruned sweep's way, pruned_kernel.hpp). Both leave the same final thresholds and pairs.
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
#include <cmath>
#include <cstdint>
#include <limits>
#include <cstring>
#include <memory>
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

// Lanes 0 .. L/2 of a and b interleaved (a0 b0 a1 b1 ...), or with Hi lanes L/2 .. L.
template <class T, bool Hi, size_t... J>
static inline Vec<T> zip_impl(Vec<T> a, Vec<T> b, std::index_sequence<J...>) {
    constexpr int L = kLanes<T>;
    return __builtin_shufflevector(a, b, static_cast<int>((J % 2 ? L : 0) + (Hi ? L / 2 : 0) + J / 2)...);
}
template <class T, bool Hi>
static inline Vec<T> zip(Vec<T> a, Vec<T> b) {
    return zip_impl<T, Hi>(a, b, std::make_index_sequence<kLanes<T>>{});
}

// An L x L block in registers transposed (v[i] lane j becomes v[j] lane i): log2 L rounds of
// zipping row i with row i + L/2, one two-source shuffle per row and round.
template <class T>
static inline void transpose(Vec<T> (&v)[kLanes<T>]) {
    constexpr int L = kLanes<T>;
#pragma GCC unroll 8
    for (int round = 1; round < L; round *= 2) {
        Vec<T> n[L];
#pragma GCC unroll 16
        for (int i = 0; i < L / 2; ++i) {
            n[2 * i] = zip<T, false>(v[i], v[i + L / 2]);
            n[2 * i + 1] = zip<T, true>(v[i], v[i + L / 2]);
        }
#pragma GCC unroll 16
        for (int i = 0; i < L; ++i) v[i] = n[i];
    }
}

// Rows (n, dp) into panels of W rows stored column by column (row r of a panel at column offset
// r), the last panel zero-padded: the points' panels (W = kWidth), the queries' micro-panels
// (W = kMR) and lane panels (W = kWidth) alike. L x L blocks go through registers, transposed
// there (a scalar copy, one strided load per value, took as long as making the factors).
template <int W, class T>
static void pack_panels(const T* rows, int64_t n, int64_t dp, T* out) {
    constexpr int L = kLanes<T>;
    for (int64_t p0 = 0; p0 < n; p0 += W) {
        T* panel = out + (p0 / W) * dp * W;
        const int64_t w_end = std::min<int64_t>(W, n - p0);
#pragma GCC unroll 4
        for (int i0 = 0; i0 < W; i0 += L) {  // a block of the panel's rows
            const int rb = std::min(L, W - i0);                                      // its rows in the panel
            const int rr = static_cast<int>(std::clamp<int64_t>(w_end - i0, 0, rb));  // ... that are rows
            const T* src = rows + (p0 + i0) * dp;
            int64_t l0 = 0;
            for (; l0 + L <= dp; l0 += L) {
                Vec<T> v[L];
#pragma GCC unroll 16
                for (int i = 0; i < L; ++i) v[i] = i < rr ? load<T>(src + i * dp + l0) : Vec<T>{};
                transpose<T>(v);
#pragma GCC unroll 16
                for (int j = 0; j < L; ++j) std::memcpy(panel + (l0 + j) * W + i0, &v[j], rb * sizeof(T));
            }
            for (; l0 < dp; ++l0)
                for (int i = 0; i < rb; ++i) panel[l0 * W + i0 + i] = i < rr ? src[i * dp + l0] : T(0);
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

// Bit i set where lane i of v is below t (false for NaN).
template <class T>
static inline uint32_t lanes_below(Vec<T> v, Vec<T> t) {
    return lanes_at_most<T>(v, t) & ~lanes_at_most<T>(t, v);
}

// MR broadcast rows (a, dp x MR, l-major) against two vectors of lanes (b, dp x W): the MR x 2 vectors
// of costs, in registers. The row sweep's a is a micro-panel of queries and b a panel of points; the
// lane sweep's (lanes_kernel.hpp) the other way round: the same products, the same chain.
// DP > 0: the factor count known at compile time (the loop unrolled); 0: dp read at run time.
template <class T, int DP>
static inline void costs_of(int64_t dp_run, const T* __restrict a, const T* __restrict b, Vec<T> (&acc0)[kMR],
                            Vec<T> (&acc1)[kMR]) {
    constexpr int L = kLanes<T>;
    constexpr int W = kWidth<T>;
    const int64_t dp = DP > 0 ? DP : dp_run;
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
    // The sweeps take DP = 0 only past their unrolled counts (dp >= 6): the loop below runs at
    // least once. Said to the compiler, it keeps the first products in registers (without it,
    // the path that skips the loop had them all written to the stack and read back, every tile).
    if (DP == 0 && dp < 2) __builtin_unreachable();
    step(0, std::true_type{});
    if constexpr (DP > 0) {
#pragma GCC unroll 16
        for (int l = 1; l < DP; ++l) step(l, std::false_type{});
    } else {
        for (int64_t l = 1; l < dp; ++l) step(l, std::false_type{});
    }
}

// One micro-panel of queries (a) against point panel p: the row sweep's tile.
template <class T, int DP>
static inline void tile_costs(const Sweep<T>& s, const T* __restrict a, int64_t p, Vec<T> (&acc0)[kMR],
                              Vec<T> (&acc1)[kMR]) {
    const int64_t dp = DP > 0 ? DP : s.dp;
    costs_of<T, DP>(dp, a, s.panels + p * dp * kWidth<T>, acc0, acc1);
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
// Emit false: the heaps and thresholds only, the pairs emitted later (pruned_kernel.hpp).
template <class T, bool Emit = true>
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
        if constexpr (!Emit) continue;
        for (uint64_t b = bits; b; b &= b - 1) {
            const int i = __builtin_ctzll(b);
            s.emit(s.ctx, q, j0 + i, row[i]);
        }
    }
}

// A micro-panel's tiles that passed within one chunk, kept until the chunk's end (take_chunk):
// each row of each tile as W costs, the padding past the last point set to +inf, and per row the
// tiles in which it passed (a row that passed in none has nothing under its threshold: skipped).
template <class T>
struct Passed {
    static constexpr int W = kWidth<T>;
    alignas(64) T cost[nearest::kMaxChunkPanels][kMR][W];
    int64_t panel[nearest::kMaxChunkPanels];
    uint64_t real[nearest::kMaxChunkPanels];  // the lanes that are points
    uint32_t tiles[kMR];                      // per row: bit i set if it passed in tile i
    int count = 0;

    void clear() {
        count = 0;
        for (int r = 0; r < kMR; ++r) tiles[r] = 0;
    }

    void keep(const Vec<T> (&acc0)[kMR], const Vec<T> (&acc1)[kMR], const T (&t)[kMR], int64_t p, int64_t n) {
        constexpr int L = kLanes<T>;
        T(&c)[kMR][W] = cost[count];
#pragma GCC unroll 16
        for (int r = 0; r < kMR; ++r) {
            store<T>(c[r], acc0[r]);
            store<T>(c[r] + L, acc1[r]);
            tiles[r] |= uint32_t(lanes_at_most<T>(vmin<T>(acc0[r], acc1[r]), broadcast<T>(t[r])) != 0) << count;
        }
        if (n < W)  // the last panel: its zero padding costs 0, which no minimum may take
            for (int r = 0; r < kMR; ++r) std::fill(c[r] + n, c[r] + W, std::numeric_limits<T>::infinity());
        real[count] = n >= W ? ~uint64_t(0) >> (64 - W) : (uint64_t(1) << n) - 1;
        panel[count++] = p;
    }
};

// Candidates gathered a few at a time and handed over together (one indirect call per batch).
template <class T>
struct Emitter {
    static constexpr int kCap = 64;
    const Sweep<T>& s;
    nearest::Hit<T> buf[kCap];
    int n = 0;

    explicit Emitter(const Sweep<T>& sweep) : s(sweep) {}

    void add(int64_t q, int64_t j, T g) {
        buf[n++] = {static_cast<int32_t>(q), g, j};
        if (n == kCap) flush();
    }
    void flush() {
        if (s.emit_hits)
            s.emit_hits(s.ctx, buf, n);
        else
            for (int i = 0; i < n; ++i) s.emit(s.ctx, buf[i].q, buf[i].j, buf[i].g);
        n = 0;
    }
};

// The end of a chunk for one micro-panel: per query, its k best take the kept costs below their
// largest, its threshold is worked out once, and only the pairs under that threshold are emitted.
// The same pairs as take_tile after every tile would leave (a pair above a threshold is above the
// final one, which is lower still) for one threshold() per query per chunk, not per tile.
template <class T>
static void take_chunk(const Sweep<T>& s, int64_t q0, int rows, const Passed<T>& kept) {
    constexpr int L = kLanes<T>;
    constexpr int W = kWidth<T>;
    const int64_t k = s.k;
    Emitter<T> out{s};
    T least[kMR];
    if (k == 1)  // each row's minimum over its tiles, in vector steps: the rows' chains side by side
        for (int r = 0; r < rows; ++r) {
            Vec<T> lo = broadcast<T>(std::numeric_limits<T>::infinity());
            for (uint32_t b = kept.tiles[r]; b; b &= b - 1) {
                const T* row = kept.cost[__builtin_ctz(b)][r];
                lo = vmin<T>(lo, vmin<T>(load<T>(row), load<T>(row + L)));
            }
            least[r] = segment_min<L, T>(lo)[0];
        }
    for (int r = 0; r < rows; ++r) {
        if (!kept.tiles[r]) continue;
        const int64_t q = q0 + r;
        T* h = s.heap + q * k;
        T& largest = largest_of(h, k);
        const T top = largest;
        if (k == 1) {
            if (least[r] < largest) largest = least[r];
        } else {
            for (uint32_t b = kept.tiles[r]; b; b &= b - 1) {
                const T* row = kept.cost[__builtin_ctz(b)][r];
                const Vec<T> hv = broadcast<T>(largest);  // lanes under the k best's largest: rarely many
                uint64_t bits = lanes_below<T>(load<T>(row), hv) | uint64_t(lanes_below<T>(load<T>(row + L), hv)) << L;
                for (; bits; bits &= bits - 1) {
                    const T c = row[__builtin_ctzll(bits)];
                    if (c < largest) replace_largest<T>(h, k, c);
                }
            }
        }
        if (largest < top) s.thr[q] = std::min(s.thr[q], nearest::threshold<T>(largest, s.B[q]));
    }
    for (int r = 0; r < rows; ++r) {  // then the emission, the thresholds of every row known
        if (!kept.tiles[r]) continue;
        const int64_t q = q0 + r;
        const Vec<T> tv = broadcast<T>(s.thr[q]);
        uint32_t tiles = 0;  // those with a cost at most the threshold in this row: one test each, no branch
        for (uint32_t b = kept.tiles[r]; b; b &= b - 1) {
            const int i = __builtin_ctz(b);
            const T* row = kept.cost[i][r];
            tiles |= uint32_t(lanes_at_most<T>(vmin<T>(load<T>(row), load<T>(row + L)), tv) != 0) << i;
        }
        for (; tiles; tiles &= tiles - 1) {
            const int i = __builtin_ctz(tiles);
            const T* row = kept.cost[i][r];
            uint64_t bits =
                (lanes_at_most<T>(load<T>(row), tv) | uint64_t(lanes_at_most<T>(load<T>(row + L), tv)) << L) &
                kept.real[i];
            for (; bits; bits &= bits - 1) {
                const int j = __builtin_ctzll(bits);
                out.add(q, kept.panel[i] * W + j, row[j]);
            }
        }
    }
    if (out.n) out.flush();
}

// Chunks of panels that stay in L1 while every micro-panel of the block sweeps them; each tile of
// MR queries x W points is computed and tested in registers against the thresholds the chunk
// started with, and the tiles that pass are settled together at the chunk's end (take_chunk).
template <class T, int DP>
static void sweep_dp(const Sweep<T>& s) {
    static_assert(kMR % 2 == 0, "tile_passes takes the rows two at a time");
    constexpr int W = kWidth<T>;
    const int64_t dp = DP > 0 ? DP : s.dp;
    T t[kMR];
    Passed<T> kept;
    const int64_t chunk = std::min(s.chunk, nearest::kMaxChunkPanels);  // what `kept` holds
    for (int64_t c0 = s.p0; c0 < s.p1; c0 += chunk) {
        const int64_t c1 = std::min(s.p1, c0 + chunk);
        for (int64_t q0 = s.q_first; q0 < s.nq; q0 += kMR) {
            const int rows = static_cast<int>(std::min<int64_t>(kMR, s.nq - q0));
            for (int r = 0; r < kMR; ++r) t[r] = r < rows ? s.thr[q0 + r] : -std::numeric_limits<T>::infinity();
            const T* a = s.queries + q0 * dp;
            kept.clear();
            for (int64_t p = c0; p < c1; ++p) {
                Vec<T> acc0[kMR], acc1[kMR];
                tile_costs<T, DP>(s, a, p, acc0, acc1);
                if (tile_passes<T>(acc0, acc1, t)) kept.keep(acc0, acc1, t, p, std::min<int64_t>(W, s.m - p * W));
            }
            if (kept.count) take_chunk<T>(s, q0, rows, kept);
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

// The sum of a vector's lanes, as a butterfly.
static inline double lane_sum(Vec<double> a) {
    constexpr int LD = kLanes<double>;
    if constexpr (LD >= 8) a += swap_lanes<4, double>(a);
    if constexpr (LD >= 4) a += swap_lanes<2, double>(a);
    if constexpr (LD >= 2) a += swap_lanes<1, double>(a);
    return a[0];
}

// The sum of the squares of v[0, d) in float64, in two vectors of chains summed lane by lane at the
// end (the bound allows any order; a scalar array of chains went through memory, word by word).
template <class T>
static inline double squared_norm(const T* v, int64_t d) {
    constexpr int LD = kLanes<double>;
    using D = Vec<double>;
    typedef T Part __attribute__((vector_size(LD * sizeof(T))));  // LD values of T: one D's worth
    D a0{}, a1{};
    int64_t l = 0;
    for (; l + 2 * LD <= d; l += 2 * LD) {
        Part u, w;
        std::memcpy(&u, v + l, sizeof(u));
        std::memcpy(&w, v + l + LD, sizeof(w));
        const D du = __builtin_convertvector(u, D), dw = __builtin_convertvector(w, D);
        a0 += du * du;
        a1 += dw * dw;
    }
    double tail = 0;
    for (; l < d; ++l) tail += static_cast<double>(v[l]) * static_cast<double>(v[l]);
    return lane_sum(a0 + a1) + tail;
}

// refine.cpp's float64 key of the L2 metrics (ScreenKernels::sq_distance): the squared differences
// of two rows summed in float64 vectors, a chain per lane (its bound holds for any order, fused or
// not; the values are float32 or narrower, so no difference or square underflows or overflows).
template <class In>
static double sq_distance(const In* a, const In* b, int64_t d) {
    constexpr int LD = kLanes<double>;
    using D = Vec<double>;
    typedef In Part __attribute__((vector_size(LD * sizeof(In))));
    D s0{}, s1{};
    int64_t l = 0;
    for (; l + 2 * LD <= d; l += 2 * LD) {
        Part a0, a1, b0, b1;
        std::memcpy(&a0, a + l, sizeof(a0));
        std::memcpy(&a1, a + l + LD, sizeof(a1));
        std::memcpy(&b0, b + l, sizeof(b0));
        std::memcpy(&b1, b + l + LD, sizeof(b1));
        const D t0 = __builtin_convertvector(a0, D) - __builtin_convertvector(b0, D);
        const D t1 = __builtin_convertvector(a1, D) - __builtin_convertvector(b1, D);
        s0 += t0 * t0;
        s1 += t1 * t1;
    }
    double tail = 0;
    for (; l < d; ++l) {
        const double t = static_cast<double>(a[l]) - static_cast<double>(b[l]);
        tail += t * t;
    }
    return lane_sum(s0 + s1) + tail;
}

// Rows of the queries' factors (n <= MR of them, n x dp into xs) and their bounds (into B),
// screen.hpp's QueryFactors: the values of shift_rows (shift.cpp) with factor -2, written so that
// the compiler vectorizes the row (the squared norm in float64 vectors, squared_norm: the bound
// allows any order) and the bounds (their square roots) of all n rows at once. Never contracted: fl(x s - cs)
// is shift_rows' rounding whatever the instruction set.
template <class In, class T>
__attribute__((optimize("fp-contract=off"))) static double factor_rows(const nearest::QueryFactors& f,
                                                                      const int64_t* order, int64_t q0, int64_t n,
                                                                      int64_t dp, T* xs, double* B, double* reach) {
    const int64_t d = f.d;
    const double s = f.s;
    const double* cs = f.cs;
    const In* x = static_cast<const In*>(f.x);
    double n2[kMR];
    for (int64_t i = 0; i < n; ++i) {
        const In* row = x + (order ? order[q0 + i] : q0 + i) * d;
        T* o = xs + i * dp;
        for (int64_t l = 0; l < d; ++l) o[l] = T(-2) * static_cast<T>(static_cast<double>(row[l]) * s - cs[l]);
        n2[i] = squared_norm(o, d) * 0.25;  // of the rows before -2: exact
        o[d] = T(1);
    }
    for (int64_t i = 0; i < n; ++i) {  // no branch: vectorized, square roots included
        const bool finite = n2[i] < std::numeric_limits<double>::infinity();
        const double A = std::sqrt(finite ? n2[i] : 0.0) * (1 + 1e-10);
        B[i] = finite ? f.p0 + A * (f.p1 + A * f.p2) : 0.0;
    }
    if (reach)  // the pruned sweep's n2 + B, rounded up (both >= 0); +inf for a row not finite: no pruning
        for (int64_t i = 0; i < n; ++i)
            reach[i] = n2[i] < std::numeric_limits<double>::infinity() ? (n2[i] + B[i]) * (1 + 0x1p-50)
                                                                      : std::numeric_limits<double>::infinity();
    double largest = 0;
    for (int64_t i = 0; i < n; ++i) {
        if (!(n2[i] < std::numeric_limits<double>::infinity())) {  // a NaN or inf in x, or a factor overflowed
            for (int64_t u = 0; u < d; ++u) xs[i * dp + u] = T(0);  // a harmless row: the caller uses nothing
            largest = std::numeric_limits<double>::quiet_NaN();
        }
        if (n2[i] > largest) largest = n2[i];  // NaN stays
    }
    return largest;
}

// ScreenFns::make_queries (P = MR: micro-panels for the row sweeps) and make_query_lanes (P = W:
// lane panels for the lane sweep): P rows at a time made into `rows` (P x dp, in L1), MR at a time,
// and packed from there into their panel. `order` (may be null) says which query each row is,
// `reach` (may be null) receives each row's n2 + B (the pruned sweep's k-d order and box test).
template <class T, int P>
static double make_queries(const nearest::QueryFactors& f, const int64_t* order, int64_t q0, int64_t n, int64_t dp,
                           T* rows, T* out, double* B, double* reach) {
    double largest = 0;
    const int64_t row_bytes = f.d * (f.wide ? 8 : 4);
    const char* x = static_cast<const char*>(f.x);
    auto prefetch = [&](int64_t q) {  // the raw rows come from memory once: asked for a group ahead
        if (q >= q0 + n) return;
        const char* row = x + (order ? order[q] : q) * row_bytes;
        for (int64_t b = 0; b < row_bytes; b += 64) __builtin_prefetch(row + b);
    };
    for (int64_t i = 0; i < n; i += P) {
        const int64_t w = std::min<int64_t>(P, n - i);
        for (int64_t u = 0; u < w; u += kMR) {
            const int64_t v = std::min<int64_t>(kMR, w - u);
            for (int64_t a = 0; a < kMR; ++a) prefetch(q0 + i + u + 2 * kMR + a);
            double* r = reach ? reach + i + u : nullptr;
            const double g = f.wide ? factor_rows<double, T>(f, order, q0 + i + u, v, dp, rows + u * dp, B + i + u, r)
                                    : factor_rows<float, T>(f, order, q0 + i + u, v, dp, rows + u * dp, B + i + u, r);
            if (!std::isnan(largest) && !(g <= largest)) largest = g;  // a larger one, or NaN, which then stays
        }
        pack_panels<P, T>(rows, w, dp, out + i * dp);
    }
    return largest;
}

#include "lanes_kernel.hpp"
#include "pruned_kernel.hpp"

template <class T>
static constexpr ScreenFns<T> fns() {
    return {kMR,
            kWidth<T>,
            &pack_panels<kWidth<T>, T>,
            &pack_panels<kMR, T>,
            &sweep<T>,
            &sweep_pruned<T>,
            &sweep_lanes<T>,
            &make_queries<T, kMR>,
            &make_queries<T, kWidth<T>>};
}

static constexpr ScreenKernels screen_kernels() {
    return {fns<float>(), fns<double>(), &sq_distance<float>, &sq_distance<double>};
}

}  // namespace argreduce::ARGREDUCE_ISA::screen
