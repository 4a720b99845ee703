// Internal invariants that must never fail: checked in debug and sanitizer builds (ARGREDUCE_CHECKS,
// set by CMakeLists.txt's ARGREDUCE_SANITIZE), compiled out of release builds, where they sit in
// hot loops. A failed check aborts with its message: a wrong answer must never pass silently.
#pragma once
#include <cstdio>
#include <cstdlib>

#if defined(ARGREDUCE_CHECKS) || !defined(NDEBUG)
#define ARGREDUCE_CHECK(cond, msg)                                                                    \
    do {                                                                                              \
        if (!(cond)) {                                                                                \
            std::fprintf(stderr, "argreduce internal error: %s (%s:%d)\n", msg, __FILE__, __LINE__); \
            std::abort();                                                                             \
        }                                                                                             \
    } while (0)
#else
#define ARGREDUCE_CHECK(cond, msg) ((void)0)
#endif
