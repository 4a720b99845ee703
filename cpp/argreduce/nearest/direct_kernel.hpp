// The direct screen's scan (direct.hpp), compiled once per instruction set: for a group of L
// points (L = lanes per vector) and each query, L vectors of partial sums of squared differences,
// one per point, read straight from the rows; then one transposing reduction turns them into one
// vector holding the L costs, compared with the query's threshold at once. A row whose length d is
// not a multiple of L ends with the vector of its last L values, the lanes already counted masked
// to zero.
// Included by fill_table.inc, inside nothing: it opens the per-ISA namespace itself.
#pragma once
#include <algorithm>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <utility>
#include <vector>

#include "../kernels/simd.hpp"
#include "direct.hpp"

namespace argreduce::ARGREDUCE_ISA::direct {

using nearest::DirectFns;
using nearest::DirectKernels;
using nearest::DirectScan;

// The lane type of a comparison's result: a signed integer as wide as T.
template <class T>
using Lane = std::conditional_t<sizeof(T) == 4, int32_t, int64_t>;

// Lane i of the result: lanes of a and b taken pairwise from segments of 2S lanes: a's halves
// summed in the segment's first S lanes, b's in its last S. Applied with S = L/2, L/4, ..., 1 to
// vectors paired j with j + K/2 (K: vectors left), it leaves lane i holding the sum of vector i.
template <int S, class T, size_t... I>
static inline Vec<T> fold_pair_impl(Vec<T> a, Vec<T> b, std::index_sequence<I...>) {
    constexpr int L = kLanes<T>;
    const Vec<T> lo = __builtin_shufflevector(a, b, static_cast<int>(I % (2 * S) < S ? I : L + I - S)...);
    const Vec<T> hi = __builtin_shufflevector(a, b, static_cast<int>(I % (2 * S) < S ? I + S : L + I)...);
    return lo + hi;
}

template <int S, class T>
static inline Vec<T> fold_pair(Vec<T> a, Vec<T> b) {
    return fold_pair_impl<S, T>(a, b, std::make_index_sequence<kLanes<T>>{});
}

// v[0, K) each reduced to its lane sum, the sums in lanes 0..K-1 (K = L on the first call).
template <int K, class T>
static inline Vec<T> transpose_sums(Vec<T>* v) {
    if constexpr (K == 1) {
        return v[0];
    } else {
#pragma GCC unroll 32
        for (int j = 0; j < K / 2; ++j) v[j] = fold_pair<K / 2, T>(v[j], v[j + K / 2]);
        return transpose_sums<K / 2, T>(v);
    }
}

// The L costs of the points whose rows start at base, base + stride, ...: lane p for row p.
template <class T>
static inline Vec<T> group_costs(const Vec<T>* x, int64_t nv, bool tail, Vec<Lane<T>> keep, const T* base,
                                 int64_t stride, int64_t d) {
    constexpr int L = kLanes<T>;
    Vec<T> acc[L];
#pragma GCC unroll 32
    for (int p = 0; p < L; ++p) acc[p] = Vec<T>{};
    for (int64_t v = 0; v < nv; ++v) {  // lane by lane, each cost's terms in the order v = 0, 1, ...
        const Vec<T> xv = x[v];
        const T* r = base + v * L;
#pragma GCC unroll 32
        for (int p = 0; p < L; ++p) {
            const Vec<T> e = xv - load<T>(r + p * stride);
            acc[p] += e * e;
        }
    }
    if (tail) {
        const Vec<T> xv = x[nv];
        const T* r = base + d - L;
#pragma GCC unroll 32
        for (int p = 0; p < L; ++p) {
            const Vec<T> e = keep ? xv - load<T>(r + p * stride) : Vec<T>{};
            acc[p] += e * e;
        }
    }
    return transpose_sums<L, T>(acc);
}

template <class T>
static void scan(DirectScan<T>& s) {
    constexpr int L = kLanes<T>;
    const int64_t d = s.d, nv = d / L, tail = d % L;
    // Per query its nv whole vectors and, when d % L != 0, the vector of its last L values.
    const int64_t per_q = nv + (tail ? 1 : 0);
    std::vector<Vec<T>> xv(static_cast<size_t>(s.nq * per_q));
    for (int64_t q = 0; q < s.nq; ++q) {
        const T* row = s.queries + q * d;
        for (int64_t v = 0; v < nv; ++v) xv[static_cast<size_t>(q * per_q + v)] = load<T>(row + v * L);
        if (tail) xv[static_cast<size_t>(q * per_q + nv)] = load<T>(row + d - L);
    }
    Vec<Lane<T>> keep{};  // the tail vector's lanes not already counted
    for (int i = 0; i < L; ++i) keep[i] = i >= L - tail ? -1 : 0;
    const Vec<T> inf = splat<T>(std::numeric_limits<T>::infinity());
    Vec<Lane<T>> bad{};  // lanes where some cost was NaN or inf
    std::vector<T> last;  // the last, partial group's rows, the last row repeated to L rows
    alignas(64) T costs[L];
    for (int64_t j = s.j0; j < s.j1; j += L) {
        const int n = static_cast<int>(std::min<int64_t>(L, s.j1 - j));
        const T* base = s.points + j * s.stride;
        int64_t stride = s.stride;
        if (n < L) {
            last.resize(static_cast<size_t>(L * d));
            for (int p = 0; p < L; ++p)
                std::copy_n(s.points + (j + std::min(p, n - 1)) * s.stride, d, last.data() + p * d);
            base = last.data();
            stride = d;
        }
        for (int64_t q = 0; q < s.nq; ++q) {
            const Vec<T> c = group_costs<T>(xv.data() + q * per_q, nv, tail != 0, keep, base, stride, d);
            bad |= ~(c < inf);  // NaN compares false
            if (any<Lane<T>>(c <= splat<T>(s.thr[q]))) {
                store<T>(costs, c);
                s.hit(s.ctx, q, j, costs, n);
            }
        }
    }
    if (any<Lane<T>>(bad)) s.finite = false;
}

template <class T>
static constexpr DirectFns<T> fns() {
    return {kLanes<T>, &scan<T>};
}

static constexpr DirectKernels direct_kernels() { return {fns<float>(), fns<double>()}; }

}  // namespace argreduce::ARGREDUCE_ISA::direct
