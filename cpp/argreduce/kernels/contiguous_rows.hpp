// Kernel shape 1: reduce along contiguous rows.
//
// Blockwise minimum plus one rescan: each block of ~4 KiB is folded into a few vectors of running
// minimum keys (no index bookkeeping in the hot loop), the row remembers which block held its best
// key, and at the end that one block is scanned again for the key's position.
#pragma once
#include "../keys.hpp"
#include "../partial.hpp"
#include "simd.hpp"

namespace argreduce::ARGREDUCE_ISA {

struct RowBest {
    int64_t key;
    int64_t pos;  // position in the row
};

// Forward: ties go to the first position (index weight > 0); otherwise to the last (weight < 0,
// a flipped dim, where a later position is a smaller index).
//
// `step` > 1 (a view like x[::2]) reads the memory under the row with whole vectors and gives the
// lanes between the row's elements the key KMAX, which never wins: the row is then read at the
// speed of contiguous memory instead of one element at a time. It needs step to divide the lane
// count (else the row is read element by element); the executor packs larger steps instead.
template <DType T, Op O, bool Forward>
static RowBest best_in_row(const char* p, int64_t n, int64_t step) {
    using K = typename KeyTraits<T>::Key;
    using V = Vec<K>;
    constexpr int64_t L = kLanes<K>;
    constexpr int64_t kUnroll = 4;
    constexpr int64_t kBlock = 4096 / sizeof(K) < 4 * kUnroll * L ? 4 * kUnroll * L : 4096 / sizeof(K);
    const K kmax = KeyTraits<T>::kmax, kmin = KeyTraits<T>::kmin;

    K best = kmax;
    int64_t pos = -1;
    V lane_mask = splat<K>(K(-1));  // all lanes hold row elements when step == 1
    if (step > 1)
        for (int64_t l = 0; l < L; ++l) lane_mask[l] = l % step == 0 ? K(-1) : K(0);
    // Positions below are in elements of memory; row position = memory position / step.
    const int64_t span = (n - 1) * step + 1;  // never read past the row's last element
    int64_t block_begin = -1, block_end = -1;  // the vector block holding `best`, if one does
    // An element past the blocks improves on them (and sets pos) if it beats, or for a backward
    // row equals, the best key so far.
    auto improves = [&](K k) { return (pos < 0 && block_begin < 0) || (Forward ? k < best : k <= best); };
    auto key_at = [&](int64_t i) {
        const V k = make_key<T, O>(load<K>(p + i * sizeof(K)));
        return step > 1 ? (lane_mask != 0 ? k : splat<K>(kmax)) : k;
    };
    // Finds the block's minimum again: whole vectors first (the block is in L1 now), then lanes.
    auto rescan = [&](int64_t begin, int64_t end, K target) {  // memory positions; end - begin % L == 0
        const V want = splat<K>(target);
        if constexpr (Forward) {
            for (int64_t i = begin; i < end; i += L) {
                const V eq = (key_at(i) == want) & lane_mask;
                if (any<K>(eq))
                    for (int64_t l = 0; l < L; ++l)
                        if (eq[l]) return (i + l) / step;
            }
        } else {
            for (int64_t i = end - L; i >= begin; i -= L) {
                const V eq = (key_at(i) == want) & lane_mask;
                if (any<K>(eq))
                    for (int64_t l = L; l-- > 0;)
                        if (eq[l]) return (i + l) / step;
            }
        }
        return begin / step;  // unreachable: the block holds its own minimum
    };

    // Full blocks, then one shorter block of whole vectors, then fewer than L elements one by one.
    int64_t i = 0;
    const bool vectors = L % step == 0;  // otherwise the element loop below takes the whole row
    while (vectors && span - i >= L) {
        const int64_t len = span - i >= kBlock ? kBlock : (span - i) / L * L;
        V acc[kUnroll];
        for (auto& a : acc) a = splat<K>(kmax);
        int64_t j = i;
        for (; j + kUnroll * L <= i + len; j += kUnroll * L)
            for (int64_t u = 0; u < kUnroll; ++u)
                acc[u] = vmin<K>(acc[u], key_at(j + u * L));
        for (; j < i + len; j += L) acc[0] = vmin<K>(acc[0], key_at(j));
        for (int64_t u = 1; u < kUnroll; ++u) acc[0] = vmin<K>(acc[0], acc[u]);
        const K m = hmin<K>(acc[0]);
        if (block_begin < 0 || (Forward ? m < best : m <= best)) {  // remember the block, find it later
            best = m;
            block_begin = i;
            block_end = i + len;
            // Nothing after the first KMIN (a NaN, or the type's own minimum) can beat it.
            if (Forward && best == kmin) return {best, rescan(block_begin, block_end, best)};
        }
        i += len;
    }
    for (; i < span; i += step) {  // i is a multiple of step here: len was a multiple of L
        const K k = make_key<T, O>(load_bits<T>(p + i * sizeof(K)));
        if (improves(k)) {
            best = k;
            pos = i / step;
        }
    }
    // Only the block that held the best key is read a second time, once per row.
    if (pos < 0) pos = rescan(block_begin, block_end, best);
    return {best, pos};
}

// For each of `nrows` rows of `n` elements, `step` elements apart: fold the row's best into the
// partials. Row r starts at data + r * row_stride, writes output out_offset + r * row_out_stride
// and has index index_offset + r * row_weight + pos * weight.
template <DType T, Op O>
static void contiguous_rows(const char* data, int64_t n, int64_t step, int64_t weight, int64_t nrows,
                            int64_t row_stride, int64_t row_out_stride, int64_t row_weight, int64_t* keys,
                            int64_t* indices, int64_t out_offset, int64_t index_offset) {
    for (int64_t r = 0; r < nrows; ++r) {
        const char* row = data + r * row_stride;
        const RowBest b = weight > 0 ? best_in_row<T, O, true>(row, n, step) : best_in_row<T, O, false>(row, n, step);
        merge_into(keys, indices, out_offset + r * row_out_stride, b.key,
                   index_offset + r * row_weight + b.pos * weight);
    }
}

}  // namespace argreduce::ARGREDUCE_ISA
