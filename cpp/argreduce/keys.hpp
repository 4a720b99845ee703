// Order-preserving integer keys: every dtype is reduced as "smallest signed key, then smallest index".
//
// Why keys: one integer comparison then carries every rule of the contract, so the scalar loop, the
// SIMD kernels, the thread merge, the command-line tool and the Dask path all share one comparator
// (partial.hpp) and cannot drift apart.
//
//   signed int   k = x                  unsigned int  k = x ^ sign bit        bool  k = (x != 0)
//   float        k = sign ? -|x| : |x|  on the bit patterns: IEEE magnitudes order like integers,
//                                       and -|0| == |0| makes -0.0 and +0.0 the same key;
//                NaN (|x| > inf bits) -> KMIN, whatever its sign or payload, so the first NaN wins.
//   argmax       k = ~k (reverses the order; ~ maps KMIN to KMAX, so NaN is re-pinned to KMIN after).
//
// float16 and bfloat16 are handled on their 16-bit patterns: no conversion to float is needed.
#pragma once
#include <cstdint>
#include <cstring>
#include "dtype.hpp"

namespace argreduce {

template <int Bytes> struct IntOfSize;
template <> struct IntOfSize<1> { using S = int8_t;  using U = uint8_t; };
template <> struct IntOfSize<2> { using S = int16_t; using U = uint16_t; };
template <> struct IntOfSize<4> { using S = int32_t; using U = uint32_t; };
template <> struct IntOfSize<8> { using S = int64_t; using U = uint64_t; };

enum class Op : int { Min = 0, Max = 1 };

// Compile-time description of one dtype's key: its width, kind, and the float constants.
template <DType T> struct KeyTraits {
    static constexpr int bytes = info(T).itemsize;
    static constexpr KeyKind kind = info(T).kind;
    using Key = typename IntOfSize<bytes>::S;   // the key, same width as the element
    using UKey = typename IntOfSize<bytes>::U;
    static constexpr Key kmin = static_cast<Key>(UKey(1) << (bytes * 8 - 1));
    static constexpr Key kmax = static_cast<Key>(~kmin);
    static constexpr Key abs_mask = kmax;        // all bits but the sign
    // Bit pattern of +inf: magnitudes above it are NaN.
    static constexpr Key inf_bits = T == DType::Float16 ? Key(0x7c00)
                                  : T == DType::BFloat16 ? Key(0x7f80)
                                  : T == DType::Float32 ? Key(0x7f800000)
                                  : T == DType::Float64 ? Key(0x7ff0000000000000LL) : Key(0);
};

// The key of one element, written so that the same expression compiles for a scalar Key and for a
// GCC/Clang vector of Keys (the SIMD kernels instantiate it with vectors; `c ? a : b` and the
// operators act lane-wise there). `V` holds Keys.
template <DType T, Op O, class V>
static inline V make_key(V x) {
    using Tr = KeyTraits<T>;
    using Key = typename Tr::Key;
    V k;
    if constexpr (Tr::kind == KeyKind::Float) {
        V mag = x & Tr::abs_mask;
        V s = x >> (Tr::bytes * 8 - 1);          // all ones for negative values
        k = (mag ^ s) - s;                        // sign ? -mag : mag
        if constexpr (O == Op::Max) k = ~k;
        return mag > Tr::inf_bits ? V{} + Tr::kmin : k;   // a lane-wise select on vectors
    } else if constexpr (Tr::kind == KeyKind::Unsigned) {
        k = x ^ Tr::kmin;
    } else if constexpr (Tr::kind == KeyKind::Bool) {
        k = x != 0 ? V{} + Key(1) : V{} + Key(0);
    } else {
        k = x;
    }
    if constexpr (O == Op::Max) k = ~k;
    return k;
}

// Load one element (possibly unaligned) as its raw bits in Key form.
template <DType T>
static inline typename KeyTraits<T>::Key load_bits(const char* p) {
    typename KeyTraits<T>::Key v;
    std::memcpy(&v, p, sizeof(v));
    return v;
}

template <DType T, Op O>
static inline int64_t scalar_key(const char* p) {
    return make_key<T, O>(load_bits<T>(p));
}

}  // namespace argreduce
