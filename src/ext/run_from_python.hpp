// Runs the core for a Python caller: both entry points (core.cpp, fast_path.cpp) come through here,
// so the GIL and Ctrl-C are handled in one place.
#pragma once
#include <nanobind/nanobind.h>

#include "argreduce/argreduce.hpp"

// Runs `r` with the GIL released (unless `release_gil` is false: too little work to be worth it)
// and raises KeyboardInterrupt if Ctrl-C stopped it. The core polls r.interrupted from the calling
// thread, which takes the GIL back for a moment to run Python's SIGINT handler; the handler's
// exception stays set and is raised here.
inline void run_from_python(argreduce::Request& r, bool release_gil = true) {
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
