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

namespace argreduce::ARGREDUCE_ISA {

template <DType T, Op O, bool Forward>
static void across_rows_dir(const char* data, int64_t ncols, int64_t col_out_stride, int64_t nrows,
                            int64_t row_stride, int64_t row_weight, int64_t* keys, int64_t* indices,
                            int64_t out_offset, int64_t index_offset) {
    using K = typename KeyTraits<T>::Key;
    using V = Vec<K>;
    constexpr int64_t L = kLanes<K>;
    constexpr int64_t kTile = 2048 / sizeof(K) < L ? L : 2048 / sizeof(K);  // columns per tile
    constexpr int64_t kRun = sizeof(K) == 1 ? 127 : sizeof(K) == 2 ? 32767 : int64_t(1) << 30;
    alignas(64) K best[kTile];
    alignas(64) K row[kTile];

    for (int64_t c0 = 0; c0 < ncols; c0 += kTile) {
        const int64_t tw = ncols - c0 < kTile ? ncols - c0 : kTile;
        const int64_t tv = tw / L * L;  // columns handled by full vectors
        for (int64_t r0 = 0; r0 < nrows; r0 += kRun) {
            const int64_t run = nrows - r0 < kRun ? nrows - r0 : kRun;
            const char* base = data + r0 * row_stride + c0 * sizeof(K);
            for (int64_t c = 0; c < tw; ++c) {
                best[c] = make_key<T, O>(load_bits<T>(base + c * sizeof(K)));
                row[c] = 0;
            }
            for (int64_t r = 1; r < run; ++r) {
                const char* rp = base + r * row_stride;
                const V rv = splat<K>(static_cast<K>(r));
                for (int64_t c = 0; c < tv; c += L) {
                    const V k = make_key<T, O>(load<K>(rp + c * sizeof(K)));
                    const V b = load<K>(best + c);
                    const auto m = Forward ? k < b : k <= b;
                    store<K>(best + c, m ? k : b);
                    store<K>(row + c, m ? rv : load<K>(row + c));
                }
                for (int64_t c = tv; c < tw; ++c) {
                    const K k = make_key<T, O>(load_bits<T>(rp + c * sizeof(K)));
                    if (Forward ? k < best[c] : k <= best[c]) {
                        best[c] = k;
                        row[c] = static_cast<K>(r);
                    }
                }
            }
            for (int64_t c = 0; c < tw; ++c)
                merge_into(keys, indices, out_offset + (c0 + c) * col_out_stride, best[c],
                           index_offset + (r0 + row[c]) * row_weight);
        }
    }
}

template <DType T, Op O>
static void across_rows(const char* data, int64_t ncols, int64_t col_out_stride, int64_t nrows,
                        int64_t row_stride, int64_t row_weight, int64_t* keys, int64_t* indices,
                        int64_t out_offset, int64_t index_offset) {
    if (row_weight > 0)
        across_rows_dir<T, O, true>(data, ncols, col_out_stride, nrows, row_stride, row_weight, keys, indices,
                                    out_offset, index_offset);
    else
        across_rows_dir<T, O, false>(data, ncols, col_out_stride, nrows, row_stride, row_weight, keys, indices,
                                     out_offset, index_offset);
}

}  // namespace argreduce::ARGREDUCE_ISA
