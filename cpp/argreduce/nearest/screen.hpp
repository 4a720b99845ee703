// The fused nearest-neighbour screen: every (query, point) cost xs_i . ys_j computed in registers,
// compared at once with the query's running threshold (its k-th smallest cost so far plus twice
// its rounding-error bound B_i), and only the rare pairs under it kept. It replaces the BLAS tile
// plus selection pass of src/argreduce/knn/screen.py; what it returns is the same kind of superset
// of the k best, re-checked exactly in Python.
//
// Why the answer cannot depend on threads or blocking: each cost is one chain of multiply-adds
// over the d' factors in a fixed order (the same code for a padded edge as for the middle), and the
// pairs returned are exactly those whose cost is at most the final threshold, a function of the
// query's costs alone. Threads only change which pairs were looked at on the way.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>
#include <functional>
#include <vector>

#include "../argreduce.hpp"
#include "refine.hpp"
#include "spatial.hpp"

namespace argreduce::nearest {

// The next value of T above a finite x: std::nextafter(x, +inf) without a call into libm (it runs
// once per query each time the query's k-th smallest cost falls, in the kernel's inner loop).
template <class T>
static inline T next_up(T x) {
    using U = std::conditional_t<sizeof(T) == 4, uint32_t, uint64_t>;
    U u;
    std::memcpy(&u, &x, sizeof(u));
    u = x > T(0) ? u + 1 : u - 1;  // the magnitude up for a positive x, down for a negative one
    T y;
    std::memcpy(&y, &u, sizeof(u));
    return x == T(0) ? std::numeric_limits<T>::denorm_min() : y;  // +0 and -0 alike
}

// kth + 2 B rounded up to T: every cost at most kth + 2 B (as real numbers) passes `cost <= t`.
// Static: each instruction set's translation unit keeps its own copy (no mixing at link time).
template <class T>
static inline T threshold(T kth, double B) {
    if (!(kth < std::numeric_limits<T>::infinity())) return std::numeric_limits<T>::infinity();
    double t = static_cast<double>(kth) + 2 * B;
    t += std::fabs(t) * 0x1p-50;  // covers the rounding of the sum above
    const T f = static_cast<T>(t);
    const T up = next_up(f);  // both made, one chosen: no branch to mispredict (half the time each)
    return static_cast<double>(f) < t ? up : f;
}

// The most point panels in a chunk: the kernel keeps a micro-panel's passing tiles of one chunk on
// its stack (kernel.hpp, sweep_dp), at most this many.
inline constexpr int64_t kMaxChunkPanels = 16;

// A candidate pair: query q of the block, its cost g, point j.
template <class T>
struct Hit {
    int32_t q;  // in the block (a block has fewer than 2^31 queries)
    T g;
    int64_t j;
};

// What the per-instruction-set code (kernel.hpp) is handed for one task: a block of queries packed
// into micro-panels, a range of point panels, and the block's running state. It computes each tile
// of costs in registers; per query, the costs under the threshold go into the query's heap of its
// k smallest (thr follows the heap's largest) and only then are the pairs under the lowered
// threshold emitted: a pair above it cannot pass the final threshold, which is lower still.
template <class T>
struct Sweep {
    const T* queries;  // nq rounded up to MR queries: micro-panel r holds dp x MR values, l-major
    int64_t nq;        // queries in the block
    const T* panels;   // all points: panel p holds dp x W values, l-major, zeros past the last point
    int64_t m;         // points (the rest of the last panel is padding)
    int64_t p0, p1;    // the panels this task sweeps
    int64_t dp;        // factors per vector
    int64_t chunk;     // panels per chunk (at most kMaxChunkPanels): it stays in L2 while the block sweeps it
    int64_t k;
    T* thr;            // per query: a cost above it cannot be among the k best
    T* heap;           // per query: its k smallest costs so far (kernel.hpp's largest_of), +inf until filled
    const double* B;   // per query bound
    void (*emit)(void* ctx, int64_t q, int64_t j, T g);  // a candidate pair
    void* ctx;
    int64_t q_first = 0;              // the micro-panels before it are done (a multiple of the micro-panel)
    const Boxes<T>* boxes = nullptr;  // pruning (spatial.hpp): the points' boxes, panels in Z order
    const double* reach = nullptr;    // ... and per query n2 + B rounded up: a tile whose box lies
                                      // farther than sqrt(t + reach) from the query box cannot pass
    int64_t* tiles = nullptr;         // the pruned sweep adds the tiles it computed
    void (*emit_hits)(void* ctx, const Hit<T>* hits, int64_t n) = nullptr;  // n of them (null: emit each)
};

struct QueryFactors;

// One instruction set's kernels for one dtype.
template <class T>
struct ScreenFns {
    int mr;     // queries per micro-panel
    int width;  // points per panel (two vectors)
    void (*pack_points)(const T* ys, int64_t m, int64_t dp, T* out);   // out: ceil(m/W)*W*dp values
    void (*pack_queries)(const T* xs, int64_t n, int64_t dp, T* out);  // out: ceil(n/MR)*MR*dp values
    void (*sweep)(const Sweep<T>& s);
    void (*sweep_pruned)(const Sweep<T>& s);  // d <= kPruneMaxD, with boxes: best group first, far tiles skipped
    // k = 1, the queries the lanes (lanes_kernel.hpp): queries from make_query_lanes, the points
    // packed by pack_queries, Sweep's p0, p1 and chunk counted in micro-panels of points.
    void (*sweep_lanes)(const Sweep<T>& s);
    // Queries [q0, q0 + n) of QueryFactors: their factors straight into micro-panels (as
    // pack_queries would lay them out) and their bounds into B; `rows` is MR x dp scratch. Returns
    // the rows' largest squared norm (QueryFactors::largest).
    double (*make_queries)(const QueryFactors& f, const int64_t* order, int64_t q0, int64_t n, int64_t dp, T* rows,
                           T* out, double* B, double* reach);
    // The same into lane panels of `width` queries for sweep_lanes; `rows` is width x dp scratch.
    double (*make_query_lanes)(const QueryFactors& f, const int64_t* order, int64_t q0, int64_t n, int64_t dp,
                               T* rows, T* out, double* B, double* reach);
};

struct ScreenKernels {
    ScreenFns<float> f32;
    ScreenFns<double> f64;
    // refine.cpp's float64 key of the L2 metrics: the sum of the squared differences of two rows of
    // d values (float32, or float64 holding narrower values), in vectors.
    double (*sq_distance_f32)(const float* a, const float* b, int64_t d);
    double (*sq_distance_f64)(const double* a, const double* b, int64_t d);
};

// The L2 screen's query factors, made by each task for its own block of queries from the raw rows
// (screen.py's l2_screen and L2Points): fl(x * s - cs) * -2 rounded to the screening dtype, a last
// factor of 1, and the query's bound p0 + A (p1 + A p2), A = sqrt(its shifted squared norm) times
// 1 + 1e-10. The same shift_rows as the Python path: the same factors.
//
// The queries need not have been checked, nor s chosen from their own largest element: `largest`
// receives the largest squared norm of the shifted, scaled rows (before the -2), or NaN if a row's
// is not finite (a NaN or inf in x, or a factor beyond the float range; such a row is screened as
// a zero row with a zero bound, so that it costs what any row costs, and the caller uses nothing
// but screens again with x checked and s chosen from it). Finite norms of any size are screened
// rightly (the bound grows with them); the caller screens again only past a limit far below
// the float range.
struct QueryFactors {
    const void* x;     // n x d queries, C order: float (wide == false) or double
    bool wide;
    int64_t d;         // dp = d + 1
    double s;          // the scale, a power of two
    const double* cs;  // d values: the common point, scaled
    double p0, p1, p2;
    double* largest;   // out: the rows' largest squared norm, NaN if one is not finite
};

template <class T>
struct ScreenRequest {
    const T* xs;       // n x dp, C order (null with `factors`)
    int64_t n;
    const T* panels;   // from pack_points of the same instruction set
    int64_t m;
    int64_t dp;
    const double* B;   // per query bound (null with `factors`)
    int64_t k;
    int threads;
    std::function<bool()> interrupted;  // polled from the calling thread; true stops the search
    const Refine* refine = nullptr;     // set: each query's candidates are re-checked here first
    const QueryFactors* factors = nullptr;  // set: xs and B are made per block from the raw queries
    // Pruning (with `factors` only): the panels hold the points in this order (position -> point),
    // with these boxes; the queries are then screened in k-d order (spatial.hpp).
    const int64_t* point_order = nullptr;
    const Boxes<T>* boxes = nullptr;
    int64_t* tiles = nullptr;  // set: receives the tiles computed (every tile of every task, unpruned)
    // The lane sweep (with `factors` and k = 1 only): the panels hold the points in micro-panels
    // (pack_queries' layout), the queries go into lane panels (lanes_kernel.hpp).
    bool lanes = false;
};

// The kernels of the table in use (dispatch.cpp's choice).
template <class T>
const ScreenFns<T>& screen_fns();

// The candidates (query, point) of every query, in no particular order; Status::Interrupted if
// `interrupted` said so (the outputs are then incomplete). With `refine`, only those of the queries
// refine_query did not settle (their results are in the Refine's dist and idx).
template <class T>
Status run_screen(const ScreenRequest<T>& r, std::vector<int64_t>& rows, std::vector<int64_t>& cols);

}  // namespace argreduce::nearest
