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

// The lanes set in a comparison mask as bits (lane l -> bit l), so that a hit costs one pass over
// its set bits rather than a branch per lane.
template <class K>
static inline uint64_t lane_bits(Vec<K> m) {
    uint64_t bits = 0;
    for (int l = 0; l < kLanes<K>; ++l) bits |= static_cast<uint64_t>(m[l] != 0) << l;
    return bits;
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
    // The lanes of one vector that pass, with the keys made again (hits are rare: keeping every
    // group's keys for them would cost stores on every group instead).
    auto hits = [&](int64_t at) {
        const V key = make_key<T, R>(load<K>(p + at * sizeof(K)));
        const V m = key <= splat<K>(bar_of<T>(b));
        for (uint64_t bits = lane_bits<K>(m); bits; bits &= bits - 1) {
            const int l = __builtin_ctzll(bits);
            kbest_push(b, key[l], index0 + at + l);
        }
    };
    int64_t i = 0;
    // A sorted buffer that is not yet full takes elements one by one: the bar is then exact before
    // the first vector, instead of letting a whole group through.
    if (b.k <= kSortedK)
        for (; i < n && b.count < b.k; ++i) scalar(i);
    for (; i + kGroup <= n; i += kGroup) {
        const V bar = splat<K>(bar_of<T>(b));
        const char* q = p + i * sizeof(K);
        const V m = (make_key<T, R>(load<K>(q)) <= bar) | (make_key<T, R>(load<K>(q + L * sizeof(K))) <= bar) |
                    (make_key<T, R>(load<K>(q + 2 * L * sizeof(K))) <= bar) |
                    (make_key<T, R>(load<K>(q + 3 * L * sizeof(K))) <= bar);
        if (!any<K>(m)) continue;
        for (int u = 0; u < 4; ++u) hits(i + u * L);
    }
    for (; i + L <= n; i += L) hits(i);  // whole vectors left, then single elements
    for (; i < n; ++i) scalar(i);
}

// topk_row with absent elements: present[j] != 0 marks the elements that take part. The vector test
// is the same, ANDed with the presence bytes; the few lanes left go to kbest_push.
template <DType T, Rule R>
static void topk_row_masked(const char* p, const uint8_t* present, int64_t n, int64_t index0, KBest& b) {
    using K = typename KeyTraits<T>::Key;
    using V = Vec<K>;
    constexpr int64_t L = kLanes<K>;
    typedef uint8_t MaskBytes __attribute__((vector_size(L)));
    int64_t i = 0;
    for (; i + L <= n; i += L) {
        const V key = make_key<T, R>(load<K>(p + i * sizeof(K)));
        MaskBytes bytes;
        std::memcpy(&bytes, present + i, sizeof(bytes));
        const V m = (key <= splat<K>(bar_of<T>(b))) & (__builtin_convertvector(bytes, V) != 0);
        if (!any<K>(m)) continue;
        for (uint64_t bits = lane_bits<K>(m); bits; bits &= bits - 1) {
            const int l = __builtin_ctzll(bits);
            kbest_push(b, key[l], index0 + i + l);
        }
    }
    for (; i < n; ++i)
        if (present[i]) kbest_push(b, make_key<T, R>(load_bits<T>(p + i * sizeof(K))), index0 + i);
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
            for (uint64_t bits = lane_bits<K>(m); bits; bits &= bits - 1) {
                const int l = __builtin_ctzll(bits);
                lane(c + l, key[l], r);
            }
        }
        for (; c < ncols; ++c) {
            const K key = make_key<T, R>(load_bits<T>(row + c * sizeof(K)));
            if (key <= bars[c]) lane(c, key, r);
        }
    }
}

}  // namespace argreduce::ARGREDUCE_ISA
