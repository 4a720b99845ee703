// The topk insertion network: small k for many outputs at once, one output per vector lane.
//
// Why: on slices of a few hundred or thousand elements, and along dim 0, the skip-scan of topk.hpp
// spends its time in scalar insertions (about k * ln(n / k) per output, each a branchy loop over the
// sorted buffer). Here L outputs (L = the lanes of the network key) keep their k best in k sorted
// vectors of keys and k vectors of positions, and element j of all L outputs, one vector x, is
// inserted at once without a branch:
//
//   m[t] = x < s[t]     (strict: an equal key that came earlier stays ahead, which is index order)
//   s[t] = m[t-1] ? s[t-1] : (m[t] ? x : s[t])      for t = k-1 .. 0, with m[-1] = false
//
// Every comparison is between x and the old state, so the k compares are independent, and since x
// comes later than every element already kept, "x < s[t]" on keys alone IS the contract's order
// (key, then index; `better` in partial.hpp). Before any lane's k-th key (the bar) is beaten, the
// vector costs one compare. The first k elements of a slice fill the empty slots (m[t] forced for
// t >= j): no sentinel key, so every real key, KMAX included, takes part.
//
// Two layouts feed the network the same vectors:
//   rows      L contiguous slices (topk along the last dim): keys of L rows are written row by row
//             into a buffer and an L x L tile is transposed in registers, giving element j of the
//             L rows in one vector;
//   columns   L adjacent columns of one row (topk along dim 0 of a C array) already are such a
//             vector; the state of each group of L columns lives in memory (L1/L2) and is read only
//             when the bar is beaten.
// The keys come from topk_keys<T, R> (per dtype and rule), widened to NetKey: 4 bytes for keys of
// at most 4, 8 for 8-byte keys. The network itself depends on that width and on k only, so it is
// compiled for 2 widths x kNetworkMaxK values of k, not for every dtype.
#pragma once
#include <utility>

#include "../keys.hpp"
#include "../topk/network.hpp"
#include "simd.hpp"

namespace argreduce::ARGREDUCE_ISA {

template <class K>
using NetKey = std::conditional_t<sizeof(K) == 8, int64_t, int32_t>;

// The keys pass asks for the line 1 KiB ahead of the one it converts: the network works through
// L rows (or a tile's rows) at a time, and without the hint its loads waited on memory (measured:
// 1.4x the read probe's time along dim 1 of (4096, 4096) float32 without, 1.2x with).
inline constexpr int64_t kPrefetchBytes = 1024;
// n contiguous native-order elements of each of `nrows` runs (run r at p + r * row_stride bytes)
// -> their keys, widened to NetKey, at out + r * out_stride (in keys).
template <DType T, Rule R>
static void topk_keys(const char* p, int64_t row_stride, int64_t nrows, int64_t n, void* out, int64_t out_stride) {
    using K = typename KeyTraits<T>::Key;
    using W = NetKey<K>;
    constexpr int L = kLanes<W>;
    typedef K Narrow __attribute__((vector_size(L * sizeof(K))));
    for (int64_t r = 0; r < nrows; ++r) {
        const char* src = p + r * row_stride;
        W* dst = static_cast<W*>(out) + r * out_stride;
        int64_t i = 0;
        for (; i + L <= n; i += L) {
            __builtin_prefetch(src + i * sizeof(K) + kPrefetchBytes);
            Narrow raw;
            std::memcpy(&raw, src + i * sizeof(K), sizeof(raw));
            store<W>(dst + i, __builtin_convertvector(make_key<T, R>(raw), Vec<W>));
        }
        for (; i < n; ++i) dst[i] = static_cast<W>(make_key<T, R>(load_bits<T>(src + i * sizeof(K))));
    }
}

// One butterfly stage of an L x L transpose: rows i and i + B (bit B of i clear) swap the lanes
// where bit B of the lane differs from bit B of the row. After the stages B = L/2 .. 1, element
// (i, j) sits at (j, i).
template <class W, int B, size_t... I>
static inline Vec<W> interleave_lo(Vec<W> a, Vec<W> b, std::index_sequence<I...>) {
    constexpr int L = kLanes<W>;
    return __builtin_shufflevector(a, b, ((I & B) == 0 ? static_cast<int>(I) : static_cast<int>(L + I - B))...);
}
template <class W, int B, size_t... I>
static inline Vec<W> interleave_hi(Vec<W> a, Vec<W> b, std::index_sequence<I...>) {
    constexpr int L = kLanes<W>;
    return __builtin_shufflevector(a, b, ((I & B) == 0 ? static_cast<int>(I + B) : static_cast<int>(L + I))...);
}

template <class W, int B = kLanes<W> / 2>
static inline void transpose_tile(Vec<W>* x) {
    if constexpr (B >= 1) {
        constexpr auto lanes = std::make_index_sequence<kLanes<W>>{};
        for (int i = 0; i < kLanes<W>; ++i) {
            if (i & B) continue;
            const Vec<W> lo = interleave_lo<W, B>(x[i], x[i + B], lanes);
            const Vec<W> hi = interleave_hi<W, B>(x[i], x[i + B], lanes);
            x[i] = lo;
            x[i + B] = hi;
        }
        transpose_tile<W, B / 2>(x);
    }
}

// Inserts x (one element per lane, all at position j) into the sorted state s, p of KK slots.
// Returns without a change when no lane beats the bar s[KK-1] (the common case late in a slice).
// Keys move by min/max (slot t takes the larger of slot t-1 and min(x, slot t): the same as the
// masked form above, with fewer instructions); positions follow the masks.
template <class W, int KK>
static inline void network_insert(Vec<W> x, W j, Vec<W>* s, Vec<W>* p) {
    using V = Vec<W>;
    V m[KK];
    if (j < KK) {  // slots j .. KK-1 are still empty: they take whatever comes
        for (int t = 0; t < KK; ++t) m[t] = t >= j ? V{} - 1 : x < s[t];
        const V jv = splat<W>(j);
        for (int t = KK - 1; t > 0; --t) {
            s[t] = m[t - 1] ? s[t - 1] : (m[t] ? x : s[t]);
            p[t] = m[t - 1] ? p[t - 1] : (m[t] ? jv : p[t]);
        }
        s[0] = m[0] ? x : s[0];
        p[0] = m[0] ? jv : p[0];
        return;
    }
    if (!any_less<W>(x, s[KK - 1])) return;
    for (int t = 0; t < KK; ++t) m[t] = x < s[t];
    const V jv = splat<W>(j);
    for (int t = KK - 1; t > 0; --t) {
        p[t] = m[t] ? (m[t - 1] ? p[t - 1] : jv) : p[t];  // m[t-1] implies m[t]
        s[t] = vmax<W>(s[t - 1], vmin<W>(x, s[t]));
    }
    p[0] = m[0] ? jv : p[0];
    s[0] = vmin<W>(x, s[0]);
}

// Rows: `keys` holds L rows of the same slice part, row l at keys + l * stride, positions j0 ..
// j0 + m - 1, each row padded with anything up to a multiple of L (padding is never inserted: only
// the first m vectors of the tile loop are). State: KK vectors of keys then KK of positions.
template <class W, int KK>
static void network_rows_k(const W* keys, int64_t stride, int64_t m, int64_t j0, W* state) {
    using V = Vec<W>;
    constexpr int L = kLanes<W>;
    V s[KK], p[KK];
    for (int t = 0; t < KK; ++t) {
        s[t] = load<W>(state + t * L);
        p[t] = load<W>(state + (KK + t) * L);
    }
    for (int64_t i = 0; i < m; i += L) {
        V x[L];
        for (int l = 0; l < L; ++l) x[l] = load<W>(keys + l * stride + i);
        transpose_tile<W>(x);
        const int u_end = m - i < L ? static_cast<int>(m - i) : L;
        for (int u = 0; u < u_end; ++u) network_insert<W, KK>(x[u], static_cast<W>(j0 + i + u), s, p);
    }
    for (int t = 0; t < KK; ++t) {
        store<W>(state + t * L, s[t]);
        store<W>(state + (KK + t) * L, p[t]);
    }
}

// Columns: `nrows` rows of `groups` vectors of keys (row r at keys + r * stride), row r at
// position j0 + r. The state of group g, slot t: keys at state[(t * groups + g) * L], positions at
// state[((KK + t) * groups + g) * L], so the bars (slot KK-1) of a row's groups are contiguous.
template <class W, int KK>
static void network_cols_k(const W* keys, int64_t stride, int64_t nrows, int64_t groups, int64_t j0, W* state) {
    using V = Vec<W>;
    constexpr int L = kLanes<W>;
    W* bars = state + (KK - 1) * groups * L;
    for (int64_t r = 0; r < nrows; ++r) {
        const W* row = keys + r * stride;
        const W j = static_cast<W>(j0 + r);
        for (int64_t g = 0; g < groups; ++g) {
            const V x = load<W>(row + g * L);
            if (j >= KK && !any_less<W>(x, load<W>(bars + g * L))) continue;
            V s[KK], p[KK];
            for (int t = 0; t < KK; ++t) {
                s[t] = load<W>(state + (t * groups + g) * L);
                p[t] = load<W>(state + ((KK + t) * groups + g) * L);
            }
            network_insert<W, KK>(x, j, s, p);
            for (int t = 0; t < KK; ++t) {
                store<W>(state + (t * groups + g) * L, s[t]);
                store<W>(state + ((KK + t) * groups + g) * L, p[t]);
            }
        }
    }
}

template <class W, int KK = 1>
static constexpr NetworkFns<W> network_fns_from(NetworkFns<W> fns = {}) {
    if constexpr (KK <= kNetworkMaxK) {
        fns.rows[KK] = &network_rows_k<W, KK>;
        fns.cols[KK] = &network_cols_k<W, KK>;
        return network_fns_from<W, KK + 1>(fns);
    } else {
        fns.lanes = kLanes<W>;
        return fns;
    }
}

}  // namespace argreduce::ARGREDUCE_ISA
