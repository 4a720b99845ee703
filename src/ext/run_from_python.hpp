// Runs the core for a Python caller: both entry points (core.cpp, fast_path.cpp) come through here,
// so the GIL and Ctrl-C are handled in one place.
#pragma once
#include <nanobind/nanobind.h>

#include "argreduce/argreduce.hpp"

// How many elements a call must have before the GIL is worth releasing: releasing and taking it
// back costs about as much as reducing this many elements from cache.
inline constexpr int64_t kReleaseGilElements = int64_t(1) << 16;

// Runs `r` with the GIL released when it reads at least kReleaseGilElements elements, and raises
// KeyboardInterrupt if Ctrl-C stopped it. The core polls r.interrupted from the calling
// thread, which takes the GIL back for a moment to run Python's SIGINT handler; the handler's
// exception stays set and is raised here.
inline void run_from_python(argreduce::Request& r) {
    int64_t numel = 1;
    for (int64_t n : r.layout.shape) numel *= n;
    const bool release_gil = numel >= kReleaseGilElements;
    r.interrupted = [] {
        nanobind::gil_scoped_acquire acquire;
        return PyErr_CheckSignals() != 0;
    };
    argreduce::Status status;
    if (release_gil) {
        nanobind::gil_scoped_release release;
        status = argreduce::run(r);
    } else {
        status = argreduce::run(r);
    }
    if (status == argreduce::Status::Interrupted) throw nanobind::python_error();
}
