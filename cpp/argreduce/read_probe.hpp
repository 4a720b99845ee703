// The memory-bandwidth yardstick for the benchmarks: read every byte once, as fast as the machine
// allows, with the same thread pool the reductions use. An arg-reduction cannot beat it.
#pragma once
#include <cstdint>

namespace argreduce {

// XOR of all 64-bit words in [data, data + nbytes) (the tail shorter than 64 bytes is skipped);
// returned so the compiler cannot drop the reads.
uint64_t read_probe(const char* data, int64_t nbytes, int threads);

}  // namespace argreduce
