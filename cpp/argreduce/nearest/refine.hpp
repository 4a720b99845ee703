// The re-check of the screen's candidates for the common case, in the core: the queries whose
// answer plain float64 arithmetic settles never reach Python.
//
// For inputs whose values are float32 or narrower (and results narrower than float64), the key of
// each candidate is computed as in src/argreduce/knn/metrics.py (Points._float64_keys): direct
// differences (or products) summed in float64, within a rigorous bound of the exact real number.
// A query is settled here when the bounds prove (a) the order of its first k + 1 candidates by exact
// key, strictly (so the k best and their order are the contract's; a tie is never settled here),
// and (b) the rounding of each of the k distances to the result format (finish.py's certify). Any
// other query is left to the Python path (kbest.py, finish.py), unchanged; what is written for a
// settled query is what that path would write, so the answer does not depend on which path ran.
#pragma once
#include <cstdint>
#include <vector>

namespace argreduce::nearest {

enum class RefineMetric : int { SqEuclidean = 0, Euclidean = 1, Dot = 2 };

// A binary floating-point format: significand bits (with the hidden one), smallest normal
// exponent, largest exponent (exact.py's FloatFormat).
struct ResultFormat {
    int bits, emin, emax;
};

struct Refine {
    const void* x;  // n x d queries, C order: float (wide == false) or double
    const void* y;  // m x d points, the same dtype
    bool wide;
    int64_t d;
    RefineMetric metric;
    ResultFormat format;
    int64_t k;
    double* dist;  // n x k: the distances, rounded to the format (held in a double)
    int64_t* idx;  // n x k
    double bound_scale;  // key_bound_scale(d)
};

// A key's bound per unit of its terms' magnitude: gamma(d + 3), enlarged for the magnitude's own
// rounding (refine.cpp, key_of).
double key_bound_scale(int64_t d);

// One candidate's float64 key (smaller is better), its bound, and its point.
struct Keyed {
    double v, e;
    int64_t j;
};

// Query q's candidates cand[0, count) (a superset of its k best): true, and row q of dist and idx
// written, when the float64 keys settle the query; false otherwise (nothing written).
bool refine_query(const Refine& r, int64_t q, const int64_t* cand, int64_t count, std::vector<Keyed>& scratch);

// v rounded to the format, to nearest-even, and whether every real number within e of v rounds
// to it (finish.py's certify, for a key with no low part).
bool certify(double v, double e, const ResultFormat& f, double& rounded);

}  // namespace argreduce::nearest
