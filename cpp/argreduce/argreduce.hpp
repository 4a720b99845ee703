// The core's one entry point. It knows nothing of Python: a pointer, a dtype, a shape and byte
// strides in; int64 indices (and, for partial results, their keys) out.
#pragma once
#include <cstdint>
#include <functional>
#include "plan.hpp"
#include "rule.hpp"

namespace argreduce {

struct Request {
    Layout layout;
    Rule rule = Rule::Min;
    int64_t* indices = nullptr;  // numel_out int64, row-major over the kept dims
    int64_t* keys = nullptr;     // the same size, or nullptr when only the indices are wanted
    int64_t numel_out = 0;
    int threads = 1;
    // Polled by the calling thread every few milliseconds; returning true stops the work early.
    std::function<bool()> interrupted = [] { return false; };
};

enum class Status { Ok, Interrupted };

// Fills request.indices (and keys) with the best (key, index) per output. Every reduced dim must
// be non-empty; the caller checks the contract's argument rules first.
Status run(const Request& request);

// torch's TensorIterator limit on dims when a dim is given; the contract keeps it for identical
// errors (src/argreduce/_contract.py reads it as _core.MAX_DIMS; the fast path declines above it).
inline constexpr int kMaxDims = 64;

// How many bytes each thread must get before the work is split: waking a sleeping worker costs
// 50-100 us on these machines, the time to read about 2-4 MiB, so below this one thread is faster
// (measured: 4 MiB of float32 took 98 us on one thread and 142 us on two; 16 MiB, 470 and 396 us).
inline constexpr int64_t kGrainBytes = int64_t(4) << 20;
// Work is cut into pieces of about this many elements, so that Ctrl-C is noticed between pieces.
inline constexpr int64_t kPieceElements = int64_t(1) << 22;

}  // namespace argreduce
