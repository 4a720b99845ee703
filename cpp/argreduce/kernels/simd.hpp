// Portable SIMD through GCC/Clang vector extensions: the kernels are written once against Vec<K>
// and this file is compiled once per instruction set (cpp/isa/), each time with its own vector
// width and compiler flags. The compiler picks the instructions (vpminsd, vpcmpgtq, pblendvb ...);
// no intrinsics but one (`any`, below), so the same source serves SSE2, AVX2, AVX-512 and NEON.
//
// Everything here lives in the per-ISA namespace ARGREDUCE_ISA, so an inline function compiled
// with AVX2 flags can never be picked by the linker for a caller on an older processor.
#pragma once
#include <cstdint>
#include <cstring>
#include <utility>
#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#endif

#ifndef ARGREDUCE_ISA
#error "define ARGREDUCE_ISA (the per-instruction-set namespace) before including the kernels"
#endif
#ifndef ARGREDUCE_VECTOR_BYTES
#error "define ARGREDUCE_VECTOR_BYTES (16, 32 or 64) before including the kernels"
#endif

namespace argreduce::ARGREDUCE_ISA {

inline constexpr int kVectorBytes = ARGREDUCE_VECTOR_BYTES;

template <class K>
struct VecOf {
    typedef K type __attribute__((vector_size(kVectorBytes)));
};
template <class K> using Vec = typename VecOf<K>::type;
template <class K> inline constexpr int kLanes = kVectorBytes / static_cast<int>(sizeof(K));

template <class K>
static inline Vec<K> splat(K k) { return Vec<K>{} + k; }

template <class K>
static inline Vec<K> load(const void* p) {  // unaligned load: memcpy compiles to one movdqu
    Vec<K> v;
    std::memcpy(&v, p, sizeof(v));
    return v;
}

template <class K>
static inline void store(void* p, Vec<K> v) { std::memcpy(p, &v, sizeof(v)); }

template <class K>
static inline Vec<K> vmin(Vec<K> a, Vec<K> b) { return a < b ? a : b; }

template <class K>
static inline Vec<K> vmax(Vec<K> a, Vec<K> b) { return a < b ? b : a; }

template <class K>
static inline K hmin(Vec<K> v) {  // once per block, so a plain loop over the lanes is enough
    K m = v[0];
    for (int i = 1; i < kLanes<K>; ++i) m = v[i] < m ? v[i] : m;
    return m;
}

// Each lane i takes lane i ^ S of v: the butterfly step of a reduction within segments of 2*S lanes.
template <class K, int S, size_t... I>
static inline Vec<K> swap_lanes_impl(Vec<K> v, std::index_sequence<I...>) {
    return __builtin_shufflevector(v, v, static_cast<int>(I ^ S)...);
}
template <int S, class K>
static inline Vec<K> swap_lanes(Vec<K> v) {
    return swap_lanes_impl<K, S>(v, std::make_index_sequence<kLanes<K>>{});
}

// The minimum of each segment of N lanes (N a power of two), in every lane of the segment.
template <int N, class K>
static inline Vec<K> segment_min(Vec<K> v) {
    if constexpr (N > 1) {
        v = segment_min<N / 2, K>(v);
        return vmin<K>(v, swap_lanes<N / 2, K>(v));
    } else {
        return v;
    }
}

template <class K>
static inline Vec<K> iota() {
    Vec<K> v;
    for (int i = 0; i < kLanes<K>; ++i) v[i] = static_cast<K>(i);
    return v;
}

// Whether any lane of a comparison mask is set. On x86 one test instruction says it (vptestmq +
// kortest, vptest, pmovmskb): the portable OR of the words below compiles to a chain of lane
// extractions, which on the topk network's skip test cost more than the rest of the loop.
template <class K>
static inline bool any(Vec<K> mask) {
#if defined(__AVX512F__) && ARGREDUCE_VECTOR_BYTES == 64
    __m512i v;
    std::memcpy(&v, &mask, sizeof(v));
    return _mm512_test_epi64_mask(v, v) != 0;
#elif defined(__AVX__) && ARGREDUCE_VECTOR_BYTES == 32
    __m256i v;
    std::memcpy(&v, &mask, sizeof(v));
    return !_mm256_testz_si256(v, v);
#elif defined(__SSE2__) && ARGREDUCE_VECTOR_BYTES == 16
    __m128i v;
    std::memcpy(&v, &mask, sizeof(v));
    return _mm_movemask_epi8(v) != 0;
#else
    uint64_t w[sizeof(Vec<K>) / 8];
    std::memcpy(w, &mask, sizeof(w));
    uint64_t acc = 0;
    for (uint64_t x : w) acc |= x;
    return acc != 0;
#endif
}

// Whether a < b in any lane (signed). With AVX-512 the comparison's mask register is tested
// directly, without making a vector of it first.
template <class K>
static inline bool any_less(Vec<K> a, Vec<K> b) {
#if defined(__AVX512F__) && ARGREDUCE_VECTOR_BYTES == 64
    if constexpr (sizeof(K) == 4 || sizeof(K) == 8) {
        __m512i x, y;
        std::memcpy(&x, &a, sizeof(x));
        std::memcpy(&y, &b, sizeof(y));
        if constexpr (sizeof(K) == 4) return _mm512_cmplt_epi32_mask(x, y) != 0;
        else return _mm512_cmplt_epi64_mask(x, y) != 0;
    }
#endif
    return any<K>(a < b);
}

}  // namespace argreduce::ARGREDUCE_ISA
