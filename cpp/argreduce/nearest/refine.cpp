#include "refine.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "../kernels/table.hpp"

namespace argreduce::nearest {
namespace {

constexpr double U = 0x1p-53;  // unit roundoff of double

double gamma(int64_t n) {
    const double t = static_cast<double>(n) * U;
    return t / (1 - t);
}

// The inner product and the sum of the products' magnitudes (the bound's scale).
template <class In>
double dot(const In* a, const In* b, int64_t d, double& magnitude) {
    double s0 = 0, s1 = 0, m0 = 0, m1 = 0;
    int64_t l = 0;
    for (; l + 2 <= d; l += 2) {
        const double p0 = static_cast<double>(a[l]) * static_cast<double>(b[l]);
        const double p1 = static_cast<double>(a[l + 1]) * static_cast<double>(b[l + 1]);
        s0 += p0;
        s1 += p1;
        m0 += std::fabs(p0);
        m1 += std::fabs(p1);
    }
    for (; l < d; ++l) {
        const double p = static_cast<double>(a[l]) * static_cast<double>(b[l]);
        s0 += p;
        m0 += std::fabs(p);
    }
    magnitude = m0 + m1;
    return s0 + s1;
}

// The key of (q, j), smaller is better, and its bound: the computed sum differs from the exact
// one by at most gamma(d + 2) of the sum of the terms' magnitudes (one rounding per difference or
// product, one per square, d - 1 additions in any order); the bound takes gamma(d + 3) of the
// computed magnitude, enlarged for that magnitude's own rounding (as metrics.py does).
template <class In>
Keyed key_of(const Refine& r, int64_t q, int64_t j) {
    const In* a = static_cast<const In*>(r.x) + q * r.d;
    const In* b = static_cast<const In*>(r.y) + j * r.d;
    if (r.metric == RefineMetric::Dot) {
        double magnitude = 0;
        const double v = dot(a, b, r.d, magnitude);
        return {-v, r.bound_scale * magnitude, j};
    }
    // The instruction set's float64 vectors (kernel.hpp's sq_distance): any order of the sum.
    const ScreenKernels& fns = kernels().screen;
    double v;
    if constexpr (std::is_same_v<In, float>)
        v = fns.sq_distance_f32(a, b, r.d);
    else
        v = fns.sq_distance_f64(a, b, r.d);
    return {v, r.bound_scale * v, j};  // every term >= 0: the magnitude is the value
}

// sqrt of a key known within e, and the bound on the root: |sqrt(K) - sqrt(v)| <= e / (2 sqrt(v - e))
// for K within e of v, plus the root's own rounding. False where v - e is not positive (the root's
// slope is unbounded there) unless the key is exactly zero.
bool root_of(double v, double e, double& r, double& er) {
    if (v == 0 && e == 0) {
        r = er = 0;
        return true;
    }
    const double low = v - e;
    if (!(low > 0)) return false;
    r = std::sqrt(v);
    er = e / (2 * std::sqrt(low)) * 1.01 + 2 * U * r;
    return true;
}

double round_to(double v, const ResultFormat& f) {
    if (f.bits == 53 || !std::isfinite(v)) return v;
    int e = 0;
    std::frexp(v, &e);
    const int q = std::max(e - 1, f.emin) - (f.bits - 1);
    return std::ldexp(std::nearbyint(std::ldexp(v, -q)), q);
}

// Half the distance from f to its nearer neighbour in the format (a quarter below a power of two).
double half_cell(double f, const ResultFormat& fmt) {
    const double a = std::fabs(f);
    int e = 0;
    const double m = std::frexp(a, &e);
    if (a == 0) e = fmt.emin + 1;  // zero's neighbours are the smallest subnormals
    const int q = std::max(e - 1, fmt.emin) - (fmt.bits - 1);
    const double ulp = std::ldexp(1.0, q);
    return (m == 0.5 && e - 1 > fmt.emin) ? ulp / 4 : ulp / 2;
}

// 2**q for q in the double's normal range: the exponent field built directly.
double pow2(int q) {
    const uint64_t bits = static_cast<uint64_t>(q + 1023) << 52;
    double out;
    std::memcpy(&out, &bits, sizeof out);
    return out;
}

// certify for float32 results (the common case) without libm: the hardware's conversion rounds to
// nearest-even (subnormals and overflow included), and the cell is read off the float's exponent
// field, as half_cell computes it.
bool certify_float(double v, double e, double& rounded) {
    const float f = static_cast<float>(v);
    rounded = f;
    if (!std::isfinite(f)) return false;
    uint32_t bits;
    std::memcpy(&bits, &f, sizeof bits);
    const int exponent = static_cast<int>((bits >> 23) & 0xff);
    const bool power_of_two = (bits & 0x7fffff) == 0 && exponent > 1;
    const double half = pow2(std::max(exponent, 1) - 150 - (power_of_two ? 2 : 1));
    return std::fabs(v - static_cast<double>(f)) * (1 + 4 * U) + e < half;
}

// certify for any other format, through libm.
bool certify_format(double v, double e, const ResultFormat& fmt, double& rounded) {
    const double f = round_to(v, fmt);
    const double largest = std::ldexp(2.0 - std::ldexp(1.0, 1 - fmt.bits), fmt.emax);
    rounded = f;
    if (!(std::isfinite(f) && std::fabs(f) <= largest)) return false;
    return std::fabs(v - f) * (1 + 4 * U) + e < half_cell(f, fmt);
}

}  // namespace

// Defined before its caller below: the float32 test and certify_float are inlined into the
// re-check of every query, the general path stays a call.
bool certify(double v, double e, const ResultFormat& fmt, double& rounded) {
    if (fmt.bits == 24 && fmt.emin == -126 && fmt.emax == 127) return certify_float(v, e, rounded);
    return certify_format(v, e, fmt, rounded);
}

double key_bound_scale(int64_t d) {
    const double g = gamma(d + 3);
    return g * (1 + 2 * g + 1e-10);
}

namespace {

// The distance of a key known within e, rounded to the format: true when certain.
bool distance_of(const Refine& r, double v, double e, double& out) {
    if (r.metric == RefineMetric::Dot) v = -v;  // the distances of dot are the inner products
    if (r.metric == RefineMetric::Euclidean && !root_of(v, e, v, e)) return false;
    return certify(v, e, r.format, out);
}

}  // namespace

bool refine_query(const Refine& r, int64_t q, const int64_t* cand, int64_t count, std::vector<Keyed>& keys) {
    const int64_t k = r.k;
    if (count < k || count < 1) return false;  // the screen keeps at least k: never, but be safe
    const auto key = [&](int64_t j) { return r.wide ? key_of<double>(r, q, j) : key_of<float>(r, q, j); };
    if (count == 1) {  // k = 1 and one candidate, the common case: no order to settle
        const Keyed only = key(cand[0]);
        if (!distance_of(r, only.v, only.e, r.dist[q * k])) return false;
        r.idx[q * k] = only.j;
        return true;
    }
    keys.resize(static_cast<size_t>(count));
    double emax = 0;
    for (int64_t i = 0; i < count; ++i) {
        keys[i] = key(cand[i]);
        emax = std::max(emax, keys[i].e);
    }
    if (!(emax < std::numeric_limits<double>::infinity())) return false;
    // The first k + 1 in (key, index) order. Each adjacent pair must be further apart than twice
    // the largest bound of the row: then the exact keys are strictly in that order, and every later
    // candidate's exact key exceeds the k-th one (its key is at least the (k+1)-th's).
    const int64_t head = std::min(count, k + 1);
    auto before = [](const Keyed& a, const Keyed& b) { return a.v < b.v || (a.v == b.v && a.j < b.j); };
    if (head < count)
        std::partial_sort(keys.begin(), keys.begin() + head, keys.end(), before);
    else
        std::sort(keys.begin(), keys.end(), before);
    for (int64_t i = 0; i + 1 < head; ++i)
        if (!((keys[i + 1].v - keys[i].v) * (1 - 4 * U) > 2 * emax)) return false;
    double* dist = r.dist + q * k;
    int64_t* idx = r.idx + q * k;
    for (int64_t i = 0; i < k; ++i) {
        if (!distance_of(r, keys[i].v, keys[i].e, dist[i])) return false;
        idx[i] = keys[i].j;
    }
    return true;
}

}  // namespace argreduce::nearest
