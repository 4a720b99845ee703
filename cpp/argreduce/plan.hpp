// The plan: any N-d strided arg-reduction, canonicalised into a short loop nest and a kernel shape.
//
// Every dim carries three linear maps: where it moves in the input (bytes), in the output partials
// (elements; 0 for a reduced dim) and in the result index (the row-major flattening of the reduced
// dims; 0 for a kept dim). Because indices travel with the data and every merge compares full
// (key, index) pairs, the plan may visit elements in memory order instead of logical order: the
// answer cannot change, only the speed. So it drops what does not matter, flips negative strides,
// sorts by stride and merges neighbours, as PyTorch's TensorIterator does for its loops.
#pragma once
#include <cstdint>
#include <vector>
#include "dtype.hpp"

namespace argreduce {

struct Dim {
    int64_t size;
    int64_t in_stride;   // bytes, >= 0 after planning
    int64_t out_stride;  // elements of the output; 0 for a reduced dim
    int64_t weight;      // elements of the result index; 0 for a kept dim; may be < 0 (flipped dim)
    int64_t mask_stride = 0;  // bytes of the presence mask, when the request has one (any sign)
    bool reduced() const { return out_stride == 0 && weight != 0; }
};

// The loop shapes kernels exist for (plus the trivial one with nothing left to reduce). make_plan
// chooses one, here and nowhere else.
enum class LoopKind {
    Elementwise,     // no reduced dim has more than one distinct element: keys copied, index fixed
    ContiguousRows,  // innermost dim reduced, unit stride (or a step of 2 or 4): a row kernel
    ShortRows,       // contiguous rows of at most kShortRowBytes, many of them, each its own output
    AcrossRows,      // innermost dim kept, unit stride: lane-wise best across rows
    Strided,         // anything else (strided inner dim, byte-swapped): packed into tiles first
    Masked,          // a presence mask: keys packed into tiles one size wider, absent ones the widest key
};

// Rows this short (in bytes) and at least this many take the short-rows kernel: a row-kernel call
// per 32-byte row would cost more than the row.
inline constexpr int64_t kShortRowBytes = 64;
inline constexpr int64_t kShortRowsMin = 8;

struct Problem {
    const char* data = nullptr;
    const uint8_t* mask = nullptr;  // 1 where an element is present; nullptr: all are
    int64_t out_offset = 0;    // where output element 0 of this (sub)problem starts
    int64_t index_offset = 0;  // index contributed by flipped dims
    std::vector<Dim> dims;     // outermost first; the last is the innermost in memory
    int64_t numel() const;
};

struct Plan {
    Problem problem;
    LoopKind kind;
    int row_dim = -1;          // AcrossRows / Strided-kept: the reduced dim walked as rows
};

// Logical description of one request: `reduced[d]` marks the dims being reduced.
struct Layout {
    const char* data;
    DType dtype;
    bool swapped;             // elements stored in non-native byte order
    std::vector<int64_t> shape;
    std::vector<int64_t> strides;  // bytes, any sign
    std::vector<bool> reduced;
    const uint8_t* mask = nullptr;      // optional presence mask (bool bytes) of the same shape
    std::vector<int64_t> mask_strides;  // its byte strides, any sign (0: broadcast)
};

Plan make_plan(const Layout& layout);

// The same problem restricted to [begin, end) along dim `d` (used to split work across threads).
Problem slice(const Problem& p, int d, int64_t begin, int64_t end);

// True when every output receives exactly one (key, index) from one kernel call, so the partials
// need no keys and no initial fill: the kernels store indices directly. That holds when a single
// reduced dim is left, it is not cut into pieces along `split_dim`, and the kernel takes it whole
// (the across-rows kernel re-merges after each run of rows: across_rows_run, kernels/table.hpp).
bool single_pass(const Plan& plan, int split_dim, int64_t pieces, int itemsize);

}  // namespace argreduce
