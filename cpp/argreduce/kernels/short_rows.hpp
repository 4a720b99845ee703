// Kernel shape 3: many short contiguous rows, each its own output, e.g. (2**24, 8) along dim 1.
//
// A row-kernel call per 32-byte row would cost more than the row. Instead a tile of rows is
// transposed in L1, so the rows become contiguous columns, and the across-rows kernel finds all
// their minima at once with full vectors. The transpose is compiled for each row length up to 16,
// so the compiler can unroll it and use this instruction set's shuffles.
#pragma once
#include "across_rows.hpp"

namespace argreduce::ARGREDUCE_ISA {

inline constexpr int64_t kShortTileBytes = 16384;

// Element j of row r (rows `row_stride` bytes apart) lands at dst[j * g + r].
template <class U, int N>
static void transpose_fixed(U* dst, const char* src, int64_t g, int64_t row_stride) {
    for (int64_t r = 0; r < g; ++r, src += row_stride) {
        U row[N];
        std::memcpy(row, src, sizeof(row));
        for (int j = 0; j < N; ++j) dst[j * g + r] = row[j];
    }
}

template <class U>
static void transpose_any(U* dst, const char* src, int64_t g, int64_t n, int64_t row_stride) {
    for (int64_t r = 0; r < g; ++r, src += row_stride)
        for (int64_t j = 0; j < n; ++j) std::memcpy(dst + j * g + r, src + j * sizeof(U), sizeof(U));
}

template <class U, int N = 2>
static void transpose(U* dst, const char* src, int64_t g, int64_t n, int64_t row_stride) {
    if constexpr (N <= 16) {
        if (n == N) return transpose_fixed<U, N>(dst, src, g, row_stride);
        return transpose<U, N + 1>(dst, src, g, n, row_stride);
    } else {
        transpose_any<U>(dst, src, g, n, row_stride);
    }
}

// Rows r < nrows of n elements start at data + r * row_stride; row r's best goes to output
// out_offset + r * row_out_stride with index index_offset + pos * weight.
template <DType T, Op O>
static void short_rows(const char* data, int64_t n, int64_t weight, int64_t nrows, int64_t row_stride,
                       int64_t row_out_stride, int64_t* keys, int64_t* indices, int64_t out_offset,
                       int64_t index_offset) {
    using K = typename KeyTraits<T>::Key;
    alignas(64) K buf[kShortTileBytes / sizeof(K)];
    const int64_t tile = kShortTileBytes / sizeof(K) / n;
    for (int64_t g0 = 0; g0 < nrows; g0 += tile) {
        const int64_t g = nrows - g0 < tile ? nrows - g0 : tile;
        transpose<K>(buf, data + g0 * row_stride, g, n, row_stride);
        across_rows<T, O>(reinterpret_cast<const char*>(buf), g, row_out_stride, n, g * sizeof(K), weight, keys,
                          indices, out_offset + g0 * row_out_stride, index_offset);
    }
}

}  // namespace argreduce::ARGREDUCE_ISA
