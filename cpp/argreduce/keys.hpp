// Order-preserving integer keys: every dtype is reduced as "smallest signed key, then smallest index".
//
// Why keys: one integer comparison then carries every rule of the contract, so the scalar loop, the
// SIMD kernels, the thread merge, the command-line tool and the Dask path all share one comparator
// (partial.hpp) and cannot drift apart.
//
//   signed int   k = x                  unsigned int  k = x ^ sign bit        bool  k = (x != 0)
//   float        k = sign ? -|x| : |x|  on the bit patterns: IEEE magnitudes order like integers,
//                                       and -|0| == |0| makes -0.0 and +0.0 the same key
//   time (NaT)   k = x, or -x when largest (exact: NaT, the only INT64_MIN, is handled apart), minus
//                1 where NaN is skipped; so real keys never meet nan_key: [KMIN+1, KMAX] or [KMIN, KMAX-1]
//   largest      k = ~k (reverses the order)
//   NaN          (|x| > inf bits, any sign or payload) -> nan_key<T, R>: KMIN where the rule says
//                NaN wins (so the first NaN wins), KMAX where NaN is skipped. No other float key
//                reaches either (|key| <= inf bits), so the final key also tells "all NaN".
//
// The NaN policy is read here and nowhere else: the float32/float64 fast path of the row kernel
// asks nan_key too (kernels/contiguous_rows.hpp). float16 and bfloat16 are handled on their 16-bit
// patterns: no conversion to float is needed.
#pragma once
#include <cstdint>
#include <cstring>
#include "dtype.hpp"
#include "rule.hpp"

namespace argreduce {

template <int Bytes> struct IntOfSize;
template <> struct IntOfSize<1> { using S = int8_t;  using U = uint8_t; };
template <> struct IntOfSize<2> { using S = int16_t; using U = uint16_t; };
template <> struct IntOfSize<4> { using S = int32_t; using U = uint32_t; };
template <> struct IntOfSize<8> { using S = int64_t; using U = uint64_t; };

// Compile-time description of one dtype's key: its width, kind, and the float constants.
template <DType T> struct KeyTraits {
    static constexpr int bytes = info(T).itemsize;
    static constexpr KeyKind kind = info(T).kind;
    using Key = typename IntOfSize<bytes>::S;   // the key, same width as the element
    using UKey = typename IntOfSize<bytes>::U;
    static constexpr Key kmin = static_cast<Key>(UKey(1) << (bytes * 8 - 1));
    static constexpr Key kmax = static_cast<Key>(~kmin);
    static constexpr Key abs_mask = kmax;        // all bits but the sign
    static constexpr Key inf_bits = static_cast<Key>(info(T).inf_bits);
    static_assert(kind != KeyKind::Float || (inf_bits > 0 && inf_bits < kmax),
                  "a float dtype needs the bit pattern of +inf in ARGREDUCE_DTYPES (dtype.hpp)");
    static_assert(kind == KeyKind::Float || inf_bits == 0, "only float dtypes have an inf pattern");
};

// The key every NaN gets under rule R: the smallest (NaN wins) or the largest (NaN skipped).
template <DType T, Rule R>
inline constexpr typename KeyTraits<T>::Key nan_key =
    info(R).nan == Nan::Wins ? KeyTraits<T>::kmin : KeyTraits<T>::kmax;

// The key of one element, written so that the same expression compiles for a scalar Key and for a
// GCC/Clang vector of Keys (the SIMD kernels instantiate it with vectors; `c ? a : b` and the
// operators act lane-wise there). `V` holds Keys.
template <DType T, Rule R, class V>
static inline V make_key(V x) {
    using Tr = KeyTraits<T>;
    using Key = typename Tr::Key;
    V k;
    if constexpr (Tr::kind == KeyKind::Float) {
        V mag = x & Tr::abs_mask;
        V s = x >> (Tr::bytes * 8 - 1);          // all ones for negative values
        k = (mag ^ s) - s;                        // sign ? -mag : mag
        if constexpr (largest(R)) k = ~k;
        return mag > Tr::inf_bits ? V{} + nan_key<T, R> : k;   // a lane-wise select on vectors
    } else if constexpr (Tr::kind == KeyKind::Time) {
        const V nat = x == Tr::kmin;
        const V real = nat ? V{} + Key(0) : x;  // NaT is replaced before any arithmetic: no overflow
        k = largest(R) ? Key(0) - real : real;
        if constexpr (info(R).nan == Nan::Skipped) k = k - Key(1);
        return nat ? V{} + nan_key<T, R> : k;
    } else if constexpr (Tr::kind == KeyKind::Unsigned) {
        k = x ^ Tr::kmin;
    } else if constexpr (Tr::kind == KeyKind::Bool) {
        k = x != 0 ? V{} + Key(1) : V{} + Key(0);
    } else {
        k = x;
    }
    if constexpr (largest(R)) k = ~k;
    return k;
}

// The bit pattern of the non-NaN float whose key under R is `key` (make_key inverted): -0.0 and
// +0.0 share a key, and this returns +0.0's pattern for it.
template <DType T, Rule R>
static inline typename KeyTraits<T>::Key bits_of_key(typename KeyTraits<T>::Key key) {
    using K = typename KeyTraits<T>::Key;
    using U = typename KeyTraits<T>::UKey;
    K bits = largest(R) ? static_cast<K>(~key) : key;
    // A non-NaN key's magnitude is below KMAX, so the negation is exact (and done unsigned: no UB).
    if (bits < 0) bits = static_cast<K>(static_cast<U>(U(0) - static_cast<U>(bits)) | static_cast<U>(KeyTraits<T>::kmin));
    return bits;
}

// Load one element (possibly unaligned) as its raw bits in Key form.
template <DType T>
static inline typename KeyTraits<T>::Key load_bits(const char* p) {
    typename KeyTraits<T>::Key v;
    std::memcpy(&v, p, sizeof(v));
    return v;
}

template <DType T, Rule R>
static inline int64_t scalar_key(const char* p) {
    return make_key<T, R>(load_bits<T>(p));
}

}  // namespace argreduce
