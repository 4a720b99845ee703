#include "argreduce.hpp"

#include <algorithm>
#include <atomic>
#include <vector>

#include "executor.hpp"
#include "kernels/table.hpp"
#include "partial.hpp"
#include "thread_pool.hpp"

namespace argreduce {
namespace {

// The dim to cut into pieces: a kept dim if one is big enough (threads then write disjoint outputs
// and need no merge), else the largest reduced dim (each thread then folds into private partials,
// merged at the end with the same comparator). Ties go to the outer dim, which keeps pieces long.
int split_dim(const Problem& p, int threads) {
    int best_kept = -1, best_any = -1;
    for (int d = 0; d < static_cast<int>(p.dims.size()); ++d) {
        const Dim& dim = p.dims[d];
        if (!dim.reduced() && dim.size >= threads && (best_kept < 0 || dim.size > p.dims[best_kept].size))
            best_kept = d;
        if (best_any < 0 || dim.size > p.dims[best_any].size) best_any = d;
    }
    return best_kept >= 0 ? best_kept : best_any;
}

// True when every output receives exactly one (key, index) from one kernel call, so the partials
// need no keys and no initial fill: the kernels store indices directly. That holds when a single
// reduced dim is left, it is not cut into pieces, and the kernel takes it whole (the across-rows
// kernel re-merges after each run of rows: across_rows_run, kernels/table.hpp).
bool single_pass(const Plan& plan, int split, int64_t pieces, int itemsize) {
    const Problem& p = plan.problem;
    int reduced = 0;
    for (const Dim& d : p.dims) reduced += d.reduced();
    if (reduced != 1 || (p.dims[split].reduced() && pieces > 1)) return false;
    if (plan.shape == Shape::ContiguousRows) return true;
    if (plan.shape != Shape::AcrossRows) return false;
    return p.dims[plan.row_dim].size <= across_rows_run(itemsize);
}

}  // namespace

Status run(const Request& r) {
    if (r.numel_out == 0) return Status::Ok;
    const Plan plan = make_plan(r.layout);
    const Problem& p = plan.problem;
    const Target target{r.layout.dtype, r.op, r.layout.swapped};
    const int64_t numel = p.numel();

    const int d = p.dims.empty() ? -1 : split_dim(p, r.threads);
    const int64_t extent = d < 0 ? 1 : p.dims[d].size;
    const int64_t bytes = numel * info(r.layout.dtype).itemsize;
    int threads = static_cast<int>(std::min<int64_t>({r.threads, bytes / kGrainBytes, extent}));
    threads = std::max(threads, 1);
    const int64_t pieces = std::min<int64_t>(extent, std::max<int64_t>(threads, numel / kPieceElements));

    std::vector<int64_t> own_keys;
    int64_t* keys = r.keys;
    if (!keys && !(d >= 0 && single_pass(plan, d, pieces, info(r.layout.dtype).itemsize))) {
        own_keys.resize(static_cast<size_t>(r.numel_out));
        keys = own_keys.data();
    }
    if (keys) {
        std::fill(keys, keys + r.numel_out, kEmptyKey);
        std::fill(r.indices, r.indices + r.numel_out, kEmptyIndex);
    }
    if (d < 0) {  // a single element
        execute_serial(p, plan.shape, plan.row_dim, target, keys, r.indices);
        return Status::Ok;
    }

    // Threads that share outputs (split along a reduced dim) get private partials; thread 0 uses
    // the caller's buffers.
    const bool shared_outputs = p.dims[d].reduced() && threads > 1;  // never in a single pass
    std::vector<int64_t> private_parts;
    if (shared_outputs) {
        private_parts.assign(static_cast<size_t>(2 * r.numel_out * (threads - 1)), 0);
        for (int t = 1; t < threads; ++t) {
            int64_t* k = private_parts.data() + 2 * r.numel_out * (t - 1);
            std::fill(k, k + r.numel_out, kEmptyKey);
            std::fill(k + r.numel_out, k + 2 * r.numel_out, kEmptyIndex);
        }
    }

    std::atomic<bool> stop{false};
    auto poll = [&] {
        if (!stop.load(std::memory_order_relaxed) && r.interrupted()) stop.store(true);
    };
    auto job = [&](int t) {
        int64_t* k = keys;
        int64_t* idx = r.indices;
        if (shared_outputs && t > 0) {
            k = private_parts.data() + 2 * r.numel_out * (t - 1);
            idx = k + r.numel_out;
        }
        const int64_t first = pieces * t / threads, last = pieces * (t + 1) / threads;
        for (int64_t i = first; i < last && !stop.load(std::memory_order_relaxed); ++i) {
            const Problem piece = slice(p, d, extent * i / pieces, extent * (i + 1) / pieces);
            execute_serial(piece, plan.shape, plan.row_dim, target, k, idx);
            if (t == 0) poll();
        }
    };
    parallel_run(threads, job, poll);
    if (stop.load()) return Status::Interrupted;
    if (shared_outputs)
        for (int t = 1; t < threads; ++t) {
            const int64_t* k = private_parts.data() + 2 * r.numel_out * (t - 1);
            merge_partials(keys, r.indices, k, k + r.numel_out, r.numel_out);
        }
    return Status::Ok;
}

}  // namespace argreduce
