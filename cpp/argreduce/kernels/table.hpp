// The kernel table: for every (dtype, rule), one function per loop shape. Each instruction set's
// translation unit (cpp/isa/) fills one table (fill_table.inc); dispatch.cpp picks a table once,
// at first use. Kernels take the input's geometry (Rows or Cols) and a Sink for the results.
#pragma once
#include <cstdint>
#include "../dtype.hpp"
#include "../partial.hpp"
#include "../rule.hpp"
#include "../nearest/direct.hpp"
#include "../nearest/screen.hpp"
#include "../topk/network.hpp"

namespace argreduce {

// `nrows` rows of `n` elements: row r starts at data + r * row_stride (bytes), its elements lie
// `step` elements apart (1, or 2 / 4 for views like x[::2]); element j of row r has index
// r * row_weight + j * weight and its result goes to output r * row_out_stride, both relative to
// the Sink. A weight < 0 is a flipped dim: ties then go to the last position in memory.
struct Rows {
    const char* data;
    int64_t n;
    int64_t step;
    int64_t weight;
    int64_t nrows;
    int64_t row_stride;
    int64_t row_out_stride;
    int64_t row_weight;
};

// `ncols` contiguous columns across `nrows` rows: column c of row r is at data + r * row_stride + c
// elements; column c's result goes to output c * col_out_stride; row r has index r * row_weight.
struct Cols {
    const char* data;
    int64_t ncols;
    int64_t col_out_stride;
    int64_t nrows;
    int64_t row_stride;
    int64_t row_weight;
};

using RowsFn = void (*)(const Rows&, const Sink&);       // kernels/contiguous_rows.hpp
using ColsFn = void (*)(const Cols&, const Sink&);       // kernels/across_rows.hpp
using ShortRowsFn = void (*)(const Rows&, const Sink&);  // kernels/short_rows.hpp: step 1, row_weight 0
// kernels/masked_keys.hpp: n contiguous elements and their presence bytes -> n widened keys.
using PackMaskedFn = void (*)(const char* data, const uint8_t* mask, int64_t n, void* out);
struct KBest;                                              // topk/kbest.hpp
// kernels/topk.hpp: a contiguous row into one k-best buffer; contiguous columns into one buffer each.
using TopkRowFn = void (*)(const char* data, int64_t n, int64_t index0, KBest& best);
using TopkRowMaskedFn = void (*)(const char* data, const uint8_t* present, int64_t n, int64_t index0, KBest& best);
using TopkColsFn = void (*)(const char* data, int64_t ncols, int64_t nrows, int64_t row_stride, int64_t row0,
                            KBest* best, void* bars);
// kernels/topk_network.hpp: runs of contiguous elements -> their keys as the network's width.
using TopkKeysFn = void (*)(const char* data, int64_t row_stride, int64_t nrows, int64_t n, void* out,
                            int64_t out_stride);

// The across-rows kernel takes rows in runs of at most this many: row numbers live in lanes as
// wide as the keys. An output whose reduced dim is longer gets one partial per run, merged by key,
// so the plan's single-pass test (plan.cpp) asks this bound too.
inline constexpr int64_t across_rows_run(int key_bytes) {
    return key_bytes == 1 ? 127 : key_bytes == 2 ? 32767 : int64_t(1) << 30;
}

struct Kernels {
    RowsFn rows;
    ColsFn cols;
    ShortRowsFn short_rows;
    PackMaskedFn pack_masked;
    TopkRowFn topk_row;
    TopkColsFn topk_cols;
    TopkKeysFn topk_keys;
    TopkRowMaskedFn topk_row_masked;
};

struct KernelTable {
    const char* isa;
    Kernels k[kDTypeCount][kRuleCount];
    nearest::ScreenKernels screen;  // nearest/kernel.hpp: the nearest-neighbour screen
    NetworkFns<int32_t> network32;  // the topk network for keys of at most 4 bytes
    NetworkFns<int64_t> network64;  // and for 8-byte keys
    nearest::DirectKernels direct;  // nearest/direct_kernel.hpp: few queries, many points
    const Kernels& get(DType t, Rule r) const { return k[static_cast<int>(t)][static_cast<int>(r)]; }
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
