// Kernel shape 3: many short contiguous rows, each its own output, e.g. (2**24, 8) along dim 1.
//
// A row-kernel call per 32-byte row would cost more than the row. Instead a tile of rows is
// transposed in L1, so the rows become contiguous columns, and the across-rows kernel finds all
// their minima at once with full vectors. The transpose is compiled for each row length up to 16,
// so the compiler can unroll it and use this instruction set's shuffles.
#pragma once
#include "across_rows.hpp"
#include "../plan.hpp"
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

template <DType T, Rule R>
static void short_rows_transposed(const Rows& g, const Sink& s);

// Rows of N = 2, 4, 8 ... lanes, packed L / N to a vector (adjacent rows) or N / L vectors to a
// row: no transpose at all. A butterfly of lane swaps gives each row's minimum key in all its lanes;
// a second one, over the lane numbers where the key equals it, gives its first position. Ties go
// to the first position, so this serves forward rows (weight > 0) only.
template <DType T, Rule R, int N>
static void segmented_rows(const Rows& g, const Sink& s) {
    using K = typename KeyTraits<T>::Key;
    using V = Vec<K>;
    constexpr int L = kLanes<K>;
    constexpr int kSeg = N < L ? N : L;      // lanes per segment
    constexpr int kPer = N < L ? L / N : 1;  // rows per vector
    constexpr int kVecs = N < L ? 1 : N / L; // vectors per row
    const V lane = iota<K>();
    const K kmax = KeyTraits<T>::kmax;
    int64_t r = 0;
    for (; r + kPer <= g.nrows; r += kPer) {
        const char* p = g.data + r * g.row_stride;
        V k = make_key<T, R>(load<K>(p));
        V pos = lane;  // position within the segment's row, plus the segment's lane offset
        for (int v = 1; v < kVecs; ++v) {  // rows longer than a vector: fold their vectors first
            const V kv = make_key<T, R>(load<K>(p + v * sizeof(V)));
            const auto m = kv < k;
            k = m ? kv : k;
            pos = m ? lane + static_cast<K>(v * L) : pos;
        }
        const V best = segment_min<kSeg, K>(k);
        const V first = segment_min<kSeg, K>(k == best ? pos : splat<K>(kmax));
        for (int q = 0; q < kPer; ++q) {
            const int64_t at = (q * kSeg) % L;
            put(s, (r + q) * g.row_out_stride, best[q * kSeg], (first[q * kSeg] - static_cast<K>(at)) * g.weight);
        }
    }
    if (r < g.nrows) {  // fewer rows than a vector holds: the transposing path below takes them
        Rows rest = g;
        rest.data += r * g.row_stride;
        rest.nrows -= r;
        short_rows_transposed<T, R>(rest, shifted(s, r * g.row_out_stride, 0));
    }
}

template <DType T, Rule R, int N = 2>
static bool try_segmented(const Rows& g, const Sink& s) {
    using K = typename KeyTraits<T>::Key;
    constexpr int L = kLanes<K>;
    if constexpr (N * sizeof(K) > kShortRowBytes) {
        return false;
    } else {
        // Rows shorter than a vector must be adjacent, so that one load holds L / N whole rows.
        if (g.n == N && (N >= L || g.row_stride == N * static_cast<int64_t>(sizeof(K)))) {
            segmented_rows<T, R, N>(g, s);
            return true;
        }
        return try_segmented<T, R, N * 2>(g, s);
    }
}

// Each of g.nrows rows of g.n contiguous elements is its own output (g.row_weight is unused).
template <DType T, Rule R>
static void short_rows(const Rows& g, const Sink& s) {
    if (g.weight > 0 && try_segmented<T, R>(g, s)) return;
    short_rows_transposed<T, R>(g, s);
}

// Any short rows: transposed a tile at a time, then reduced across rows.
template <DType T, Rule R>
static void short_rows_transposed(const Rows& g, const Sink& s) {
    using K = typename KeyTraits<T>::Key;
    alignas(64) K buf[kShortTileBytes / sizeof(K)];
    const int64_t tile = kShortTileBytes / sizeof(K) / g.n;
    for (int64_t g0 = 0; g0 < g.nrows; g0 += tile) {
        const int64_t count = g.nrows - g0 < tile ? g.nrows - g0 : tile;
        transpose<K>(buf, g.data + g0 * g.row_stride, count, g.n, g.row_stride);
        const Cols cols{reinterpret_cast<const char*>(buf), count, g.row_out_stride, g.n,
                        count * static_cast<int64_t>(sizeof(K)), g.weight};
        across_rows<T, R>(cols, shifted(s, g0 * g.row_out_stride, 0));
    }
}

}  // namespace argreduce::ARGREDUCE_ISA
