#pragma once
#include <nanobind/nanobind.h>

// argmin/argmax of a CPU array with dim None or an int and no out=, or None if the general path
// must handle it (see fast_path.cpp).
nanobind::object reduce_numpy_fast(nanobind::handle x, nanobind::handle dim, nanobind::handle keepdim, int rule,
                                   int threads);
