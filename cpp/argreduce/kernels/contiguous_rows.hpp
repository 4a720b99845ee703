// Kernel shape 1: reduce along contiguous rows.
//
// Blockwise minimum plus one rescan: each block of ~4 KiB is folded into a few vectors of running
// minimum keys (no index bookkeeping in the hot loop), the row remembers which block held its best
// key, and at the end that one block is scanned again for the key's position.
#pragma once
#include "../keys.hpp"
#include "../partial.hpp"
#include "../check.hpp"
#include "simd.hpp"
#include "table.hpp"

#include <type_traits>

namespace argreduce::ARGREDUCE_ISA {

struct RowBest {
    int64_t key;
    int64_t pos;  // position in the row
};

template <DType T> struct NativeFloat { using type = void; };
template <> struct NativeFloat<DType::Float32> { using type = float; };
template <> struct NativeFloat<DType::Float64> { using type = double; };

// The keys of the vector at memory position `at`; with `masked`, the lanes outside lane_mask get
// KMAX, which never wins.
template <DType T, Rule R>
static inline Vec<typename KeyTraits<T>::Key> masked_keys(const char* p, int64_t at,
                                                          Vec<typename KeyTraits<T>::Key> lane_mask, bool masked) {
    using K = typename KeyTraits<T>::Key;
    const Vec<K> k = make_key<T, R>(load<K>(p + at * sizeof(K)));
    return masked ? (lane_mask != 0 ? k : splat<K>(KeyTraits<T>::kmax)) : k;
}

// The first (Forward) or last memory position in [begin, end), a whole number of vectors, whose
// lane is set in hits(i), the mask of the vector at position i. Callers only search a block known
// to hold a hit, so finding none is a bug (a kernel whose fast path disagrees with keys.hpp): it
// aborts in checked builds, and returns `begin` otherwise.
template <class K, bool Forward, class Hits>
static inline int64_t find_lane(int64_t begin, int64_t end, Hits&& hits) {
    constexpr int64_t L = kLanes<K>;
    if constexpr (Forward) {
        for (int64_t i = begin; i < end; i += L)
            if (const Vec<K> h = hits(i); any<K>(h))
                for (int64_t l = 0; l < L; ++l)
                    if (h[l]) return i + l;
    } else {
        for (int64_t i = end - L; i >= begin; i -= L)
            if (const Vec<K> h = hits(i); any<K>(h))
                for (int64_t l = L; l-- > 0;)
                    if (h[l]) return i + l;
    }
    ARGREDUCE_CHECK(false, "a rescan did not find the key its block reported");
    return begin;
}

// The better of two native floats (or lane-wise, of two vectors) under R's direction; NaN never
// wins a comparison, so it is never picked over a number.
template <Rule R, class X>
static inline X better_value(X x, X a) {
    if constexpr (largest(R))
        return x > a ? x : a;
    else
        return x < a ? x : a;
}

// The best key of memory positions [i, i + len) (len a multiple of the lane count), with the
// lanes outside lane_mask ignored when `masked`.
//
// float32 and float64 use the processor's own min/max on the values and a separate NaN flag: three
// operations a vector instead of the key transform's seven, which matters once the data sit in
// cache. Only the block's result becomes a key: the NaN policy is asked of keys.hpp (nan_key), so
// this path cannot disagree with make_key. NaN-wins: any NaN gives nan_key. NaN-skipped: the
// comparisons below already ignore NaN (x < a is false for it); a block with no number at all gives
// nan_key. Otherwise the min or max value's key (-0.0 and +0.0 share one, so min's choice between
// them cannot matter). Other dtypes fold keys directly (float16 and bfloat16 have no native
// arithmetic here anyway).
template <DType T, Rule R>
static inline typename KeyTraits<T>::Key block_best_key(const char* p, int64_t i, int64_t len,
                                                        Vec<typename KeyTraits<T>::Key> lane_mask, bool masked) {
    using K = typename KeyTraits<T>::Key;
    using V = Vec<K>;
    constexpr int64_t L = kLanes<K>;
    constexpr int64_t kUnroll = 4;
    using F = typename NativeFloat<T>::type;
    if constexpr (!std::is_void_v<F>) {
        using VF = Vec<F>;
        constexpr bool kNanWins = info(R).nan == Nan::Wins;
        const F worst = largest(R) ? -__builtin_inf() : __builtin_inf();
        VF acc[kUnroll];
        for (auto& a : acc) a = splat<F>(worst);
        V flag = splat<K>(0);  // NaN-wins: lanes that saw a NaN; NaN-skipped: lanes that saw a number
        auto fold = [&](VF& a, int64_t at) {
            VF x = load<F>(p + at * sizeof(F));
            if (masked) x = lane_mask != 0 ? x : splat<F>(worst);  // worst is a number, never NaN
            // (Testing x before that select made GCC 12 crash under -fsanitize=address,undefined.)
            if constexpr (kNanWins)
                flag |= x != x;
            else
                flag |= (x == x) & (masked ? lane_mask : splat<K>(K(-1)));
            a = better_value<R>(x, a);
        };
        int64_t j = i;
        for (; j + kUnroll * L <= i + len; j += kUnroll * L)
            for (int64_t u = 0; u < kUnroll; ++u) fold(acc[u], j + u * L);
        for (; j < i + len; j += L) fold(acc[0], j);
        if (any<K>(flag) == kNanWins) return nan_key<T, R>;
        for (int64_t u = 1; u < kUnroll; ++u) acc[0] = better_value<R>(acc[u], acc[0]);
        F m = acc[0][0];
        for (int64_t l = 1; l < L; ++l) m = better_value<R>(F(acc[0][l]), m);
        K bits;
        std::memcpy(&bits, &m, sizeof(bits));
        return make_key<T, R>(bits);
    } else {
        const K kmax = KeyTraits<T>::kmax;
        auto key_at = [&](int64_t at) { return masked_keys<T, R>(p, at, lane_mask, masked); };
        V acc[kUnroll];
        for (auto& a : acc) a = splat<K>(kmax);
        int64_t j = i;
        for (; j + kUnroll * L <= i + len; j += kUnroll * L)
            for (int64_t u = 0; u < kUnroll; ++u) acc[u] = vmin<K>(acc[u], key_at(j + u * L));
        for (; j < i + len; j += L) acc[0] = vmin<K>(acc[0], key_at(j));
        for (int64_t u = 1; u < kUnroll; ++u) acc[0] = vmin<K>(acc[0], acc[u]);
        return hmin<K>(acc[0]);
    }
}

// The first (Forward) or last memory position in [begin, end) whose key is `target`, among the
// lanes of lane_mask, for float32 and float64: compared as floats (cheaper than making keys).
// Only NaN has nan_key; any other key names one value, or the pair -0.0 and +0.0, which compare
// equal as floats too.
template <DType T, Rule R, bool Forward>
static int64_t find_float(const char* p, int64_t begin, int64_t end, typename KeyTraits<T>::Key target,
                          Vec<typename KeyTraits<T>::Key> lane_mask) {
    using K = typename KeyTraits<T>::Key;
    using F = typename NativeFloat<T>::type;
    using V = Vec<K>;
    const bool nan = target == nan_key<T, R>;
    const K bits = nan ? K(0) : bits_of_key<T, R>(target);
    F value;
    std::memcpy(&value, &bits, sizeof(value));
    const Vec<F> want = splat<F>(value);
    return find_lane<K, Forward>(begin, end, [&](int64_t i) -> V {
        const Vec<F> x = load<F>(p + i * sizeof(F));
        return (nan ? x != x : x == want) & lane_mask;
    });
}

// Forward: ties go to the first position (index weight > 0); otherwise to the last (weight < 0,
// a flipped dim, where a later position is a smaller index).
//
// `step` > 1 (a view like x[::2]) reads the memory under the row with whole vectors and gives the
// lanes between the row's elements the key KMAX, which never wins: the row is then read at the
// speed of contiguous memory instead of one element at a time. It needs step to divide the lane
// count (else the row is read element by element); the executor packs larger steps instead.
template <DType T, Rule R, bool Forward>
static RowBest best_in_row(const char* p, int64_t n, int64_t step) {
    using K = typename KeyTraits<T>::Key;
    using V = Vec<K>;
    constexpr int64_t L = kLanes<K>;
    constexpr int64_t kUnroll = 4;
    constexpr int64_t kBlock = 4096 / sizeof(K) < 4 * kUnroll * L ? 4 * kUnroll * L : 4096 / sizeof(K);
    const K kmax = KeyTraits<T>::kmax, kmin = KeyTraits<T>::kmin;

    K best = kmax;
    int64_t pos = -1;
    V lane_mask = splat<K>(K(-1));  // all lanes hold row elements when step == 1
    if (step > 1)
        for (int64_t l = 0; l < L; ++l) lane_mask[l] = l % step == 0 ? K(-1) : K(0);
    // Positions below are in elements of memory; row position = memory position / step.
    const int64_t span = (n - 1) * step + 1;  // never read past the row's last element
    int64_t block_begin = -1, block_end = -1;  // the vector block holding `best`, if one does
    // An element past the blocks improves on them (and sets pos) if it beats, or for a backward
    // row equals, the best key so far.
    auto improves = [&](K k) { return (pos < 0 && block_begin < 0) || (Forward ? k < best : k <= best); };
    // Finds the block's best key again (the block is in L1 now): whole vectors, then lanes.
    auto rescan = [&](int64_t begin, int64_t end, K target) {  // memory positions; end - begin % L == 0
        if constexpr (!std::is_void_v<typename NativeFloat<T>::type>)
            return find_float<T, R, Forward>(p, begin, end, target, lane_mask) / step;
        const V want = splat<K>(target);
        return find_lane<K, Forward>(begin, end, [&](int64_t i) {
                   return (masked_keys<T, R>(p, i, lane_mask, step > 1) == want) & lane_mask;
               }) / step;
    };

    // Full blocks, then one shorter block of whole vectors, then fewer than L elements one by one.
    int64_t i = 0;
    const bool vectors = L % step == 0;  // otherwise the element loop below takes the whole row
    while (vectors && span - i >= L) {
        const int64_t len = span - i >= kBlock ? kBlock : (span - i) / L * L;
        const K m = block_best_key<T, R>(p, i, len, lane_mask, step > 1);
        if (block_begin < 0 || (Forward ? m < best : m <= best)) {  // remember the block, find it later
            best = m;
            block_begin = i;
            block_end = i + len;
            // Nothing after the first KMIN (a NaN, or the type's own minimum) can beat it.
            if (Forward && best == kmin) return {best, rescan(block_begin, block_end, best)};
        }
        i += len;
    }
    for (; i < span; i += step) {  // i is a multiple of step here: len was a multiple of L
        const K k = make_key<T, R>(load_bits<T>(p + i * sizeof(K)));
        if (improves(k)) {
            best = k;
            pos = i / step;
        }
    }
    // Only the block that held the best key is read a second time, once per row.
    if (pos < 0) pos = rescan(block_begin, block_end, best);
    return {best, pos};
}

// For each row of `g` (table.hpp): fold the row's best into the sink.
template <DType T, Rule R>
static void contiguous_rows(const Rows& g, const Sink& s) {
    for (int64_t r = 0; r < g.nrows; ++r) {
        const char* row = g.data + r * g.row_stride;
        const RowBest b = g.weight > 0 ? best_in_row<T, R, true>(row, g.n, g.step)
                                       : best_in_row<T, R, false>(row, g.n, g.step);
        put(s, r * g.row_out_stride, b.key, r * g.row_weight + b.pos * g.weight);
    }
}

}  // namespace argreduce::ARGREDUCE_ISA
