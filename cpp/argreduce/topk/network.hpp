// The insertion network's entry points (kernels/topk_network.hpp), as the kernel table holds them:
// one per network key width (int32, int64) and k in 1 .. kNetworkMaxK. topk.cpp drives them.
#pragma once
#include <cstdint>

namespace argreduce {

// Up to this k the network keeps 2k vectors of state per L outputs (in registers for rows): past
// it the state no longer fits the 32 AVX-512 registers next to an L x L tile, and the skip-scan
// with its k-best buffers (kbest.hpp) takes over.
inline constexpr int kNetworkMaxK = 8;

template <class W>
struct NetworkFns {
    int lanes = 0;  // L: outputs per network
    // rows[k](keys, stride, m, j0, state): see network_rows_k; cols[k](keys, stride, nrows, groups, j0, state).
    void (*rows[kNetworkMaxK + 1])(const W*, int64_t, int64_t, int64_t, W*) = {};
    void (*cols[kNetworkMaxK + 1])(const W*, int64_t, int64_t, int64_t, int64_t, W*) = {};
};

}  // namespace argreduce
