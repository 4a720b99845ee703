// The one rule of the contract, as a mergeable partial result.
//
// A partial is the best (key, index) seen so far for one output element. Smaller key wins; equal
// keys go to the smaller index. Under a NaN-wins rule NaN keys are the smallest of all (keys.hpp),
// so "first NaN wins" and "ties go to the first index" are the same rule. The empty partial
// {kEmptyKey, kEmptyIndex} loses to every real element, including one whose key is KMAX, because
// every real index is smaller.
//
// The helpers are `static` so that each per-ISA translation unit keeps its own copy (see simd.hpp):
// an inline function compiled with AVX-512 flags must never be linked into a baseline caller.
// Every merge in the project goes through `better`: per-block results inside a kernel, per-thread
// results in the pool, per-chunk results in the command-line tool and per-block results on Dask.
#pragma once
#include <cstdint>

namespace argreduce {

inline constexpr int64_t kEmptyKey = INT64_MAX;
inline constexpr int64_t kEmptyIndex = INT64_MAX;

static inline bool better(int64_t key_a, int64_t index_a, int64_t key_b, int64_t index_b) {
    return key_a < key_b || (key_a == key_b && index_a < index_b);
}

// Folds (key, index) into the partial stored at keys[i], indices[i]. With keys == nullptr the
// caller has proven that this is the only (key, index) output i will ever get (a single pass, see
// argreduce.cpp), so the index is stored as it is.
static inline void merge_into(int64_t* keys, int64_t* indices, int64_t i, int64_t key, int64_t index) {
    if (!keys) {
        indices[i] = index;
        return;
    }
    if (better(key, index, keys[i], indices[i])) {
        keys[i] = key;
        indices[i] = index;
    }
}

// Merges n partials (b) into n partials (a), element by element.
static inline void merge_partials(int64_t* keys_a, int64_t* idx_a, const int64_t* keys_b, const int64_t* idx_b,
                                  int64_t n) {
    for (int64_t i = 0; i < n; ++i) merge_into(keys_a, idx_a, i, keys_b[i], idx_b[i]);
}

// Where a kernel call's results go: output element `out + o` receives (key, `index` + i) through
// the one comparator. A plain struct (no member functions: see the note on `static` above).
struct Sink {
    int64_t* keys;     // nullptr in a single pass (merge_into)
    int64_t* indices;
    int64_t out;       // the output element of the call's first row or column
    int64_t index;     // the index of the call's first element
};

static inline void put(const Sink& s, int64_t o, int64_t key, int64_t i) {
    merge_into(s.keys, s.indices, s.out + o, key, s.index + i);
}

static inline Sink shifted(const Sink& s, int64_t out, int64_t index) {
    return {s.keys, s.indices, s.out + out, s.index + index};
}

}  // namespace argreduce
