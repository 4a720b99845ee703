// Kernel shape 2: reduce across rows while the kept elements (columns) are contiguous, as along
// axis 0 of a C-ordered matrix.
//
// Columns are taken in tiles that fit L1; for each tile, every row updates lane-wise running best
// keys and row numbers with one compare and two selects per vector. Row numbers are kept in lanes
// as wide as the keys (so one compare mask drives both selects), which bounds a run of rows to
// what such a lane holds: 127 rows for 8-bit keys, 32767 for 16-bit. After each run the tile is
// folded into the 64-bit partials through the common comparator.
#pragma once
#include "../keys.hpp"
#include "../partial.hpp"
#include "simd.hpp"
#include "table.hpp"

namespace argreduce::ARGREDUCE_ISA {

// Folds rows [r_begin, r_end) of one tile into the lane state (best keys, row numbers).
template <DType T, Rule R, bool Forward, int kRows>
static inline void fold_rows(const char* base, int64_t row_stride, int64_t r, int64_t tv,
                             typename KeyTraits<T>::Key* best, typename KeyTraits<T>::Key* row) {
    using K = typename KeyTraits<T>::Key;
    using V = Vec<K>;
    constexpr int64_t L = kLanes<K>;
    for (int64_t c = 0; c < tv; c += L) {
        V b = load<K>(best + c), rw = load<K>(row + c);
        // Each row contributes only a 4 KiB stretch per tile, too short for the hardware
        // prefetcher to find: ask for the next group of rows while this one is folded.
        if (kRows > 1 && (c * sizeof(K)) % 64 == 0)
            for (int q = 0; q < kRows; ++q)
                __builtin_prefetch(base + (r + kRows + q) * row_stride + c * sizeof(K));
        for (int q = 0; q < kRows; ++q) {  // several rows per visit: the state is loaded once
            const V k = make_key<T, R>(load<K>(base + (r + q) * row_stride + c * sizeof(K)));
            const auto m = Forward ? k < b : k <= b;
            b = m ? k : b;
            rw = m ? splat<K>(static_cast<K>(r + q)) : rw;
        }
        store<K>(best + c, b);
        store<K>(row + c, rw);
    }
}

template <DType T, Rule R, bool Forward>
static void across_rows_dir(const Cols& g, const Sink& s) {
    using K = typename KeyTraits<T>::Key;
    constexpr int64_t L = kLanes<K>;
    // 4 KiB of each row per tile: one page, so a tile costs one TLB entry per row, and the state
    // (keys and row numbers, 8 KiB) stays in L1.
    constexpr int64_t kTile = 4096 / sizeof(K) < L ? L : 4096 / sizeof(K);
    constexpr int64_t kRun = across_rows_run(sizeof(K));
    alignas(64) K best[kTile];
    alignas(64) K row[kTile];

    for (int64_t c0 = 0; c0 < g.ncols; c0 += kTile) {
        const int64_t tw = g.ncols - c0 < kTile ? g.ncols - c0 : kTile;
        const int64_t tv = tw / L * L;  // columns handled by full vectors
        for (int64_t r0 = 0; r0 < g.nrows; r0 += kRun) {
            const int64_t run = g.nrows - r0 < kRun ? g.nrows - r0 : kRun;
            const char* base = g.data + r0 * g.row_stride + c0 * sizeof(K);
            for (int64_t c = 0; c < tv; c += L) {
                store<K>(best + c, make_key<T, R>(load<K>(base + c * sizeof(K))));
                store<K>(row + c, splat<K>(0));
            }
            for (int64_t c = tv; c < tw; ++c) {
                best[c] = make_key<T, R>(load_bits<T>(base + c * sizeof(K)));
                row[c] = 0;
            }
            int64_t r = 1;
            for (; r + 4 <= run; r += 4) fold_rows<T, R, Forward, 4>(base, g.row_stride, r, tv, best, row);
            for (; r < run; ++r) fold_rows<T, R, Forward, 1>(base, g.row_stride, r, tv, best, row);
            for (int64_t c = tv; c < tw; ++c)  // columns past the last full vector
                for (int64_t rr = 1; rr < run; ++rr) {
                    const K k = make_key<T, R>(load_bits<T>(base + rr * g.row_stride + c * sizeof(K)));
                    if (Forward ? k < best[c] : k <= best[c]) {
                        best[c] = k;
                        row[c] = static_cast<K>(rr);
                    }
                }
            for (int64_t c = 0; c < tw; ++c)
                put(s, (c0 + c) * g.col_out_stride, best[c], (r0 + row[c]) * g.row_weight);
        }
    }
}

// Forward (row_weight > 0): ties go to the first row; a flipped dim's ties go to the last.
template <DType T, Rule R>
static void across_rows(const Cols& g, const Sink& s) {
    if (g.row_weight > 0)
        across_rows_dir<T, R, true>(g, s);
    else
        across_rows_dir<T, R, false>(g, s);
}

}  // namespace argreduce::ARGREDUCE_ISA
