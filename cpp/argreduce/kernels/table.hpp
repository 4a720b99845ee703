// The kernel table: for every (dtype, op), one function per kernel shape. Each instruction set's
// translation unit (cpp/isa/) fills one table; dispatch.cpp picks a table once, at first use.
#pragma once
#include <cstdint>
#include "../dtype.hpp"
#include "../keys.hpp"

namespace argreduce {

// See kernels/contiguous_rows.hpp.
using RowsFn = void (*)(const char* data, int64_t n, int64_t step, int64_t weight, int64_t nrows, int64_t row_stride,
                        int64_t row_out_stride, int64_t row_weight, int64_t* keys, int64_t* indices,
                        int64_t out_offset, int64_t index_offset);
// See kernels/across_rows.hpp.
using ColsFn = void (*)(const char* data, int64_t ncols, int64_t col_out_stride, int64_t nrows,
                        int64_t row_stride, int64_t row_weight, int64_t* keys, int64_t* indices,
                        int64_t out_offset, int64_t index_offset);

// See kernels/short_rows.hpp.
using ShortRowsFn = void (*)(const char* data, int64_t n, int64_t weight, int64_t nrows, int64_t row_stride,
                             int64_t row_out_stride, int64_t* keys, int64_t* indices, int64_t out_offset,
                             int64_t index_offset);

// The across-rows kernel takes rows in runs of at most this many: row numbers live in lanes as
// wide as the keys. An output whose reduced dim is longer gets one partial per run, merged by key,
// so the single-pass shortcut (argreduce.cpp) must know this bound too.
inline constexpr int64_t across_rows_run(int key_bytes) {
    return key_bytes == 1 ? 127 : key_bytes == 2 ? 32767 : int64_t(1) << 30;
}

// Rows this short (in bytes) and at least this many take the short-rows kernel.
inline constexpr int64_t kShortRowBytes = 64;
inline constexpr int64_t kShortRowsMin = 8;

struct Kernels {
    RowsFn rows;
    ColsFn cols;
    ShortRowsFn short_rows;
};

struct KernelTable {
    const char* isa;
    Kernels k[static_cast<int>(DType::Count)][2];
    const Kernels& get(DType t, Op o) const { return k[static_cast<int>(t)][static_cast<int>(o)]; }
};

// One per instruction set compiled in; each returns nullptr when this build has no such table.
const KernelTable* kernel_table_baseline();   // baseline: SSE2 on x86-64, NEON on arm64
const KernelTable* kernel_table_avx2();
const KernelTable* kernel_table_avx512();

// The table for this processor (or for $ARGREDUCE_ISA, if set and supported).
const KernelTable& kernels();
// Every table this build has and this processor can run, best first.
int available_tables(const KernelTable** out, int max);

}  // namespace argreduce
