// The topk kernels: fold elements into k-best buffers (topk/kbest.hpp), skipping most of them with
// one vector comparison against the current k-th best key (the "bar").
//
// After the first few hundred elements of a slice the bar is near the slice's extreme, so on data
// in no particular order almost every group of 4 vectors has no lane at or past it and costs a load,
// the key transform and a compare: the streaming read of argmin with a different fold. A group with a
// lane that passes is re-read element by element through kbest_push, whose full (key, index)
// comparison decides. The vector test uses <=, so ties with the bar go to that exact comparison.
#pragma once
#include "../keys.hpp"
#include "../topk/kbest.hpp"
#include "simd.hpp"

namespace argreduce::ARGREDUCE_ISA {

// The bar as an element-width key: while fewer than k are known every element must pass, and
// KMAX (with <=) lets every key through.
template <DType T>
static inline typename KeyTraits<T>::Key bar_of(const KBest& b) {
    using K = typename KeyTraits<T>::Key;
    return b.bar_key == kEmptyKey ? KeyTraits<T>::kmax : static_cast<K>(b.bar_key);
}

// Elements [0, n) of a contiguous native-order row; element j has index index0 + j.
template <DType T, Rule R>
static void topk_row(const char* p, int64_t n, int64_t index0, KBest& b) {
    using K = typename KeyTraits<T>::Key;
    using V = Vec<K>;
    constexpr int64_t L = kLanes<K>;
    constexpr int64_t kGroup = 4 * L;
    auto scalar = [&](int64_t j) {
        const K key = make_key<T, R>(load_bits<T>(p + j * sizeof(K)));
        if (key <= bar_of<T>(b)) kbest_push(b, key, index0 + j);
    };
    int64_t i = 0;
    for (; i + kGroup <= n; i += kGroup) {
        const V bar = splat<K>(bar_of<T>(b));
        const char* q = p + i * sizeof(K);
        V key[4], m[4];
        for (int u = 0; u < 4; ++u) {
            key[u] = make_key<T, R>(load<K>(q + u * L * sizeof(K)));
            m[u] = key[u] <= bar;
        }
        if (!any<K>(m[0] | m[1] | m[2] | m[3])) continue;
        // Only the lanes that passed, with the keys already made; kbest_push compares against the
        // bar as it stands after the previous insertion.
        for (int u = 0; u < 4; ++u)
            if (any<K>(m[u]))
                for (int64_t l = 0; l < L; ++l)
                    if (m[u][l]) kbest_push(b, key[u][l], index0 + i + u * L + l);
    }
    for (; i < n; ++i) scalar(i);
}

// `ncols` contiguous columns across `nrows` rows (row r at p + r * row_stride bytes); column c folds
// into best[c], row r has index row0 + r. `bars` holds ncols element-width keys, kept equal to
// bar_of(best[c]) across calls for the same columns.
template <DType T, Rule R>
static void topk_cols(const char* p, int64_t ncols, int64_t nrows, int64_t row_stride, int64_t row0, KBest* best,
                      void* bars_memory) {
    using K = typename KeyTraits<T>::Key;
    using V = Vec<K>;
    constexpr int64_t L = kLanes<K>;
    K* bars = static_cast<K*>(bars_memory);
    auto lane = [&](int64_t c, K key, int64_t r) {
        kbest_push(best[c], key, row0 + r);
        bars[c] = bar_of<T>(best[c]);
    };
    for (int64_t r = 0; r < nrows; ++r) {
        const char* row = p + r * row_stride;
        int64_t c = 0;
        for (; c + L <= ncols; c += L) {
            const V key = make_key<T, R>(load<K>(row + c * sizeof(K)));
            const V m = key <= load<K>(bars + c);
            if (!any<K>(m)) continue;
            for (int64_t l = 0; l < L; ++l)
                if (m[l]) lane(c + l, key[l], r);
        }
        for (; c < ncols; ++c) {
            const K key = make_key<T, R>(load_bits<T>(row + c * sizeof(K)));
            if (key <= bars[c]) lane(c, key, r);
        }
    }
}

}  // namespace argreduce::ARGREDUCE_ISA
