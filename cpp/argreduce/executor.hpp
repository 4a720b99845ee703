// Runs one planned (sub)problem on the calling thread, folding results into the partials.
#pragma once
#include <cstdint>
#include "keys.hpp"
#include "plan.hpp"

namespace argreduce {

struct Target {
    DType dtype;
    Op op;
    bool swapped;
};

void execute_serial(const Problem& p, Shape shape, int row_dim, const Target& t, int64_t* keys,
                    int64_t* indices);

}  // namespace argreduce
