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
#include <cstdint>
#include <functional>
#include <vector>

#include "../argreduce.hpp"

namespace argreduce::nearest {

// What the per-instruction-set code (kernel.hpp) is handed for one task: a block of queries packed
// into micro-panels, a range of point panels, and the block's thresholds. It calls `offer` for each
// register tile where some query's cost fell under its threshold, with the tile (MR rows of W costs)
// and a bit per row that has such a cost; offer may lower the thresholds.
template <class T>
struct Sweep {
    const T* queries;  // nq rounded up to MR queries: micro-panel r holds dp x MR values, l-major
    int64_t nq;        // queries in the block (rows past it are padding: their threshold is -inf)
    const T* panels;   // all points: panel p holds dp x W values, l-major, zeros past the last point
    int64_t p0, p1;    // the panels this task sweeps
    int64_t dp;        // factors per vector
    int64_t chunk;     // panels per cache chunk: a chunk stays in L2 while every micro-panel sweeps it
    T* thr;            // per query (padded to MR): a cost above it cannot be among the k best
    void (*offer)(void* ctx, int64_t q0, int64_t panel, const T* tile, uint32_t rows);
    void* ctx;
};

// One instruction set's kernels for one dtype.
template <class T>
struct ScreenFns {
    int mr;     // queries per micro-panel
    int width;  // points per panel (two vectors)
    void (*pack_points)(const T* ys, int64_t m, int64_t dp, T* out);   // out: ceil(m/W)*W*dp values
    void (*pack_queries)(const T* xs, int64_t n, int64_t dp, T* out);  // out: ceil(n/MR)*MR*dp values
    void (*sweep)(const Sweep<T>& s);
};

struct ScreenKernels {
    ScreenFns<float> f32;
    ScreenFns<double> f64;
};

template <class T>
struct ScreenRequest {
    const T* xs;       // n x dp, C order
    int64_t n;
    const T* panels;   // from pack_points of the same instruction set
    int64_t m;
    int64_t dp;
    const double* B;   // per query bound
    int64_t k;
    int threads;
    std::function<bool()> interrupted;  // polled from the calling thread; true stops the search
};

// The kernels of the table in use (dispatch.cpp's choice).
template <class T>
const ScreenFns<T>& screen_fns();

// The candidates (query, point) of every query, in no particular order; Status::Interrupted if
// `interrupted` said so (the outputs are then incomplete).
template <class T>
Status run_screen(const ScreenRequest<T>& r, std::vector<int64_t>& rows, std::vector<int64_t>& cols);

}  // namespace argreduce::nearest
