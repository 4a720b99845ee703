// Kernel shape 3: many short contiguous rows, each its own output, e.g. (2**24, 8) along dim 1.
//
// A row-kernel call per 32-byte row would cost more than the row. Instead a tile of rows is
// transposed in L1, so the rows become contiguous columns, and the across-rows kernel finds all
// their minima at once with full vectors. The transpose is compiled for each row length up to 16,
// so the compiler can unroll it and use this instruction set's shuffles.
#pragma once
#include "across_rows.hpp"
#include "table.hpp"

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

template <DType T, Op O>
static void short_rows_transposed(const char* data, int64_t n, int64_t weight, int64_t nrows, int64_t row_stride,
                                  int64_t row_out_stride, int64_t* keys, int64_t* indices, int64_t out_offset,
                                  int64_t index_offset);

// Rows of N = 2, 4, 8 ... lanes, packed L / N to a vector (adjacent rows) or N / L vectors to a
// row: no transpose at all. A butterfly of lane swaps gives each row's minimum key in all its lanes;
// a second one, over the lane numbers where the key equals it, gives its first position. Ties go
// to the first position, so this serves forward rows (weight > 0) only.
template <DType T, Op O, int N>
static void segmented_rows(const char* data, int64_t weight, int64_t nrows, int64_t row_stride,
                           int64_t row_out_stride, int64_t* keys, int64_t* indices, int64_t out_offset,
                           int64_t index_offset) {
    using K = typename KeyTraits<T>::Key;
    using V = Vec<K>;
    constexpr int L = kLanes<K>;
    constexpr int kSeg = N < L ? N : L;      // lanes per segment
    constexpr int kPer = N < L ? L / N : 1;  // rows per vector
    constexpr int kVecs = N < L ? 1 : N / L; // vectors per row
    const V lane = iota<K>();
    const K kmax = KeyTraits<T>::kmax;
    int64_t r = 0;
    for (; r + kPer <= nrows; r += kPer) {
        const char* p = data + r * row_stride;
        V k = make_key<T, O>(load<K>(p));
        V pos = lane;  // position within the segment's row, plus the segment's lane offset
        for (int v = 1; v < kVecs; ++v) {  // rows longer than a vector: fold their vectors first
            const V kv = make_key<T, O>(load<K>(p + v * sizeof(V)));
            const auto m = kv < k;
            k = m ? kv : k;
            pos = m ? lane + static_cast<K>(v * L) : pos;
        }
        const V best = segment_min<kSeg, K>(k);
        const V first = segment_min<kSeg, K>(k == best ? pos : splat<K>(kmax));
        for (int q = 0; q < kPer; ++q) {
            const int64_t at = (q * kSeg) % L;
            merge_into(keys, indices, out_offset + (r + q) * row_out_stride, best[q * kSeg],
                       index_offset + (first[q * kSeg] - static_cast<K>(at)) * weight);
        }
    }
    if (r < nrows)  // fewer rows than a vector holds: the transposing path below takes them
        short_rows_transposed<T, O>(data + r * row_stride, N, weight, nrows - r, row_stride, row_out_stride, keys,
                                    indices, out_offset + r * row_out_stride, index_offset);
}

template <DType T, Op O, int N = 2>
static bool try_segmented(const char* data, int64_t n, int64_t weight, int64_t nrows, int64_t row_stride,
                          int64_t row_out_stride, int64_t* keys, int64_t* indices, int64_t out_offset,
                          int64_t index_offset) {
    using K = typename KeyTraits<T>::Key;
    constexpr int L = kLanes<K>;
    if constexpr (N * sizeof(K) > kShortRowBytes) {
        return false;
    } else {
        // Rows shorter than a vector must be adjacent, so that one load holds L / N whole rows.
        if (n == N && (N >= L || row_stride == N * static_cast<int64_t>(sizeof(K)))) {
            segmented_rows<T, O, N>(data, weight, nrows, row_stride, row_out_stride, keys, indices, out_offset,
                                    index_offset);
            return true;
        }
        return try_segmented<T, O, N * 2>(data, n, weight, nrows, row_stride, row_out_stride, keys, indices,
                                          out_offset, index_offset);
    }
}

// Rows r < nrows of n elements start at data + r * row_stride; row r's best goes to output
// out_offset + r * row_out_stride with index index_offset + pos * weight.
template <DType T, Op O>
static void short_rows(const char* data, int64_t n, int64_t weight, int64_t nrows, int64_t row_stride,
                       int64_t row_out_stride, int64_t* keys, int64_t* indices, int64_t out_offset,
                       int64_t index_offset) {
    if (weight > 0 && try_segmented<T, O>(data, n, weight, nrows, row_stride, row_out_stride, keys, indices,
                                           out_offset, index_offset))
        return;
    short_rows_transposed<T, O>(data, n, weight, nrows, row_stride, row_out_stride, keys, indices, out_offset,
                                index_offset);
}

// Any short rows: transposed a tile at a time, then reduced across rows.
template <DType T, Op O>
static void short_rows_transposed(const char* data, int64_t n, int64_t weight, int64_t nrows, int64_t row_stride,
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
