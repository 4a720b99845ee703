// Keys of a contiguous run of elements with a presence mask, absent elements getting the largest
// key of the packed width: the packing step of the executor's Masked loop (executor.cpp),
// vectorised here, per instruction set. Integer keys fill their width, so they are widened to the
// next integer size (int8 -> int16 ...); float keys never reach their KMAX but for NaN under a
// NaN-skipping rule, which is then absent too (both take no part), so floats keep their width.
#pragma once
#include <limits>

#include "../keys.hpp"
#include "simd.hpp"

namespace argreduce::ARGREDUCE_ISA {

template <DType T>
inline constexpr int kWideKeyBytes =
    KeyTraits<T>::kind == KeyKind::Float || KeyTraits<T>::bytes == 8 ? KeyTraits<T>::bytes : 2 * KeyTraits<T>::bytes;
template <DType T>
using WideKey = typename IntOfSize<kWideKeyBytes<T>>::S;

// n elements at `data` (contiguous, native order) and n mask bytes at `mask` -> n keys at `out`.
template <DType T, Rule R>
static void pack_masked_keys(const char* data, const uint8_t* mask, int64_t n, void* out) {
    using K = typename KeyTraits<T>::Key;
    using W = WideKey<T>;
    constexpr int L = kLanes<K>;
    typedef W WideVec __attribute__((vector_size(L * sizeof(W))));
    typedef uint8_t MaskVec __attribute__((vector_size(L)));
    constexpr W kAbsent = std::numeric_limits<W>::max();
    W* dst = static_cast<W*>(out);
    int64_t i = 0;
    for (; i + L <= n; i += L) {
        const WideVec keys = __builtin_convertvector(make_key<T, R>(load<K>(data + i * sizeof(K))), WideVec);
        MaskVec m;
        std::memcpy(&m, mask + i, sizeof(m));
        const WideVec present = __builtin_convertvector(m, WideVec) != 0;
        const WideVec packed = present ? keys : WideVec{} + kAbsent;
        std::memcpy(dst + i, &packed, sizeof(packed));
    }
    for (; i < n; ++i) dst[i] = mask[i] ? static_cast<W>(make_key<T, R>(load_bits<T>(data + i * sizeof(K)))) : kAbsent;
}

}  // namespace argreduce::ARGREDUCE_ISA
