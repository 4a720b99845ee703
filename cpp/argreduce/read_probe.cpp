#include "read_probe.hpp"

#include <cstring>
#include <vector>

#include "thread_pool.hpp"

namespace argreduce {
namespace {

typedef uint64_t U2 __attribute__((vector_size(16)));  // SSE2/NEON: every 64-bit processor has it

uint64_t xor_range(const char* p, int64_t nbytes) {
    U2 a{}, b{}, c{}, d{};
    for (int64_t i = 0; i + 64 <= nbytes; i += 64) {
        U2 v[4];
        std::memcpy(v, p + i, 64);
        a ^= v[0];
        b ^= v[1];
        c ^= v[2];
        d ^= v[3];
    }
    const U2 s = a ^ b ^ c ^ d;
    return s[0] ^ s[1];
}

}  // namespace

uint64_t read_probe(const char* data, int64_t nbytes, int threads) {
    if (threads < 1) threads = 1;
    std::vector<uint64_t> part(static_cast<size_t>(threads), 0);
    const int64_t lines = nbytes / 64;
    parallel_run(
        threads,
        [&](int t) {
            const int64_t first = lines * t / threads, last = lines * (t + 1) / threads;
            part[t] = xor_range(data + first * 64, (last - first) * 64);
        },
        [] {});
    uint64_t x = 0;
    for (uint64_t v : part) x ^= v;
    return x;
}

}  // namespace argreduce
