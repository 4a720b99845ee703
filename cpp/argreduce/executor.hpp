// Runs one planned (sub)problem on the calling thread, folding results into the partials.
#pragma once
#include <cstdint>
#include "dtype.hpp"
#include "plan.hpp"
#include "rule.hpp"

namespace argreduce {

// How elements become keys: their type, their byte order and the reduction's rule (keys.hpp).
struct Keying {
    DType dtype;
    bool swapped;
    Rule rule;
};

// Copies n elements of `itemsize` bytes at `stride` into contiguous native-order `dst` (the packing
// of strided and byte-swapped data; topk uses it too).
void pack(char* dst, const char* src, int64_t n, int64_t stride, int itemsize, bool swap);

// `kind` and `row_dim` come from the plan of the whole problem; `p` may be one thread's slice of it.
// With a presence mask, an output whose slice has no present element ends with masked_empty_key().
void execute_serial(const Problem& p, LoopKind kind, int row_dim, const Keying& keying, int64_t* keys,
                    int64_t* indices);

// The key a masked reduction leaves where nothing was present: the largest key of the width the
// dtype's keys are packed at (kernels/masked_keys.hpp).
int64_t masked_empty_key(DType dtype);

}  // namespace argreduce
