// The k best (key, index) pairs of one output, as a candidate buffer: the one structure every topk
// kernel, the thread merge and (through the binding) the command line's and Dask's merges fold into.
//
// Why a buffer and not a heap or a sorted list: an element is first tested against the k-th best
// known so far (one vector comparison in the kernels, kernels/topk.hpp); the few that pass are
// appended, and when the buffer is full a selection (kbest_compact) keeps the k best and raises the
// bar. That costs O(1) amortised per candidate for any k, where a sorted insertion costs O(k).
//
// The order is the contract's one comparator, `better` (partial.hpp): smaller key, then smaller
// index. Keys come from a rule whose NaN key is the smallest (largest=True: NaN first) or the
// largest (largest=False: NaN last), so "NaN is larger than every number" needs no code here.
//
// kbest_push is `static inline` (each per-ISA translation unit keeps its own copy, see simd.hpp);
// the selection is an ordinary function compiled once with baseline flags (topk.cpp), so no
// std::nth_element compiled for AVX-512 can be linked into a baseline caller.
#pragma once
#include <cstdint>

#include "../partial.hpp"

namespace argreduce {

struct Candidate {
    int64_t key;
    int64_t index;
};

struct KBest {
    Candidate* buf;  // `cap` slots, cap > k >= 1 (k <= kSortedK: sorted, best first)
    int64_t cap;
    int64_t k;
    int64_t count = 0;
    // The k-th best pair known so far; (kEmptyKey, kEmptyIndex) while fewer than k are known, which
    // every real pair beats.
    int64_t bar_key = kEmptyKey;
    int64_t bar_index = kEmptyIndex;
};

// Keeps the k best candidates (unordered) and sets the bar to the k-th. Defined in topk.cpp.
void kbest_compact(KBest& b);
// Leaves the best min(count, k) candidates in buf[0..count), sorted best first. Defined in topk.cpp.
void kbest_finish(KBest& b);

static inline void kbest_reset(KBest& b) {
    b.count = 0;
    b.bar_key = kEmptyKey;
    b.bar_index = kEmptyIndex;
}

// Up to this k the buffer is instead kept sorted (an insertion shifts at most k pairs, in L1), so
// the bar is exact after every insertion: on a slice of a few thousand elements a bar that only
// moved at each selection would let through a large share of them.
inline constexpr int64_t kSortedK = 64;

static inline void kbest_push(KBest& b, int64_t key, int64_t index) {
    if (!better(key, index, b.bar_key, b.bar_index)) return;
    if (b.k <= kSortedK) {
        int64_t i = b.count < b.k ? b.count++ : b.k - 1;  // when full, the worst pair drops out
        for (; i > 0 && better(key, index, b.buf[i - 1].key, b.buf[i - 1].index); --i) b.buf[i] = b.buf[i - 1];
        b.buf[i] = {key, index};
        if (b.count == b.k) {
            b.bar_key = b.buf[b.k - 1].key;
            b.bar_index = b.buf[b.k - 1].index;
        }
        return;
    }
    b.buf[b.count++] = {key, index};
    if (b.count == b.cap) kbest_compact(b);
}

}  // namespace argreduce
