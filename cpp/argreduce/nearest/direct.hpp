// The direct screen for few queries against many points: each squared distance summed from the
// differences themselves, straight from the points' rows as they lie in memory (an array, a
// memory map, a block of a file). Nothing is made of the points first: no shift, no scale, no
// norms, no packed copy, so a search of a few queries reads the points once, at memory speed.
//
// Why the bound is relative: every term (x_l - y_l)^2 is non-negative, so a computed sum c in
// which each term goes through at most n roundings (its difference, its square, the additions on
// its way: fewer than d + 4 in the scan's order, fused or not) satisfies |c - D| <= gamma_n D,
// plus an absolute part for underflow, below 4 (3 d + 68) times the smallest normal number
// (Higham, Accuracy and Stability of Numerical Algorithms, section 4.2). Large common offsets
// (GPS-like coordinates) cost nothing: the differences are taken before anything is squared.
//
// Why the answer cannot depend on threads: each cost is one fixed sequence of operations (the
// same for every pair), and the pairs returned are those whose cost is at most the query's final
// threshold, a function of its costs alone.
#pragma once
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <vector>

#include "../argreduce.hpp"

namespace argreduce::nearest {

// What one instruction set's scan is handed: queries (nq rows of d values), a range of point rows,
// each query's running threshold, and where to report a group of costs with one under it.
template <class T>
struct DirectScan {
    const T* queries;    // nq x d, C order
    int64_t nq, d;
    const T* points;     // point j's row at points + j * stride
    int64_t stride;      // elements between rows (>= d)
    int64_t j0, j1;      // the rows scanned
    const T* thr;        // per query: a cost above it cannot be among the k best
    // costs[0, n) of points j, j + 1, ...: some are at most thr[q]. May lower thr[q].
    void (*hit)(void* ctx, int64_t q, int64_t j, const T* costs, int n);
    void* ctx;
    bool finite;         // out: false when some cost was NaN or inf (a non-finite input, an overflow)
};

template <class T>
struct DirectFns {
    int min_d;  // the scan needs d >= min_d (one whole vector per row)
    void (*scan)(DirectScan<T>& s);
};

struct DirectKernels {
    DirectFns<float> f32;
    DirectFns<double> f64;
};

// The relative and absolute parts of the bound above, for d coordinates in T.
template <class T>
static inline double direct_gamma(int64_t d) {
    const double u = std::numeric_limits<T>::epsilon() / 2;
    const double n = static_cast<double>(d + 4);
    return n * u / (1 - n * u) * (1 + 1e-6);
}
template <class T>
static inline double direct_floor(int64_t d) {
    return 4.0 * static_cast<double>(3 * d + 68) * static_cast<double>(std::numeric_limits<T>::min());
}

// A cost above this cannot be among the k best when kth is the k-th smallest cost: the k points
// at most kth lie within (kth + a) / (1 - g) exactly, and a point that close costs at most
// (1 + g) (kth + a) / (1 - g) + a. Rounded up to T.
template <class T>
static inline T direct_threshold(T kth, double g, double a) {
    if (!(kth < std::numeric_limits<T>::infinity())) return std::numeric_limits<T>::infinity();
    double t = (static_cast<double>(kth) + a) * (1 + g) / (1 - g) + a;
    t += t * 0x1p-50;  // covers the rounding of the line above
    T f = static_cast<T>(t);
    if (static_cast<double>(f) < t) f = std::nextafter(f, std::numeric_limits<T>::infinity());
    return f;
}

template <class T>
struct DirectRequest {
    const T* queries;
    int64_t nq, d;
    const T* points;
    int64_t m, stride;
    int64_t k;
    int threads;
    std::function<bool()> interrupted;  // polled from the calling thread; true stops the search
};

// The candidate pairs (query, point) of every query; `finite` false when a cost was NaN or inf
// (the caller then checks its inputs and takes the general screen). Status::Interrupted if
// `interrupted` said so.
template <class T>
Status run_direct(const DirectRequest<T>& r, std::vector<int64_t>& rows, std::vector<int64_t>& cols,
                  bool& finite);

template <class T>
const DirectFns<T>& direct_fns();

}  // namespace argreduce::nearest
