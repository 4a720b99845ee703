// The nearest-neighbour screen's functions, added to the module by core.cpp.
#pragma once
#include <nanobind/nanobind.h>

void bind_nearest(nanobind::module_& m);
