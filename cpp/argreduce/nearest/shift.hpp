// The L2 screen's factors (src/argreduce/knn/screen.py, l2_screen) in one pass over the rows:
// fl(a * s - cs) rounded once to the screening dtype, times an exact factor (-2 for the queries),
// and the squared norm of the rounded row in float64 (any summation order: the bound allows it).
// s is a power of two, so a * s is exact; the subtraction is one float64 rounding, as in NumPy.
#pragma once
#include <cstdint>

namespace argreduce::nearest {

// Defined in shift.cpp (part of the core library, built with its optimisation flags) for float and
// double rows and results.
template <class In, class Out>
void shift_rows(const In* a, int64_t n, int64_t d, double s, const double* cs, double factor, Out* out,
                int64_t out_stride, double* n2);

}  // namespace argreduce::nearest
