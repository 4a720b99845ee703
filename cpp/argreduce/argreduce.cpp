// run(): plan the problem, split it across threads, run the pieces, merge what threads shared.
#include "argreduce.hpp"

#include <algorithm>
#include <atomic>
#include <vector>

#include "executor.hpp"
#include "partial.hpp"
#include "thread_pool.hpp"

namespace argreduce {
namespace {

// How the work is cut: `pieces` slices of dim `dim` (of `extent` elements), handed out to
// `threads` threads in contiguous runs. PyTorch's parallel_reduce makes the same choices
// (TensorIteratorReduce.cpp: find_split_dim, two_pass_reduction), by bytes here rather than elements.
struct WorkSplit {
    int dim = -1;          // -1: a single element, nothing to split
    int64_t extent = 1;
    int threads = 1;
    int64_t pieces = 1;
    bool shared_outputs = false;  // cut along a reduced dim: threads fold into the same outputs
};

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

WorkSplit split_work(const Problem& p, int itemsize, int max_threads) {
    WorkSplit w;
    if (p.dims.empty()) return w;
    w.dim = split_dim(p, max_threads);
    w.extent = p.dims[w.dim].size;
    const int64_t numel = p.numel();
    const int64_t threads = std::min<int64_t>({max_threads, numel * itemsize / kGrainBytes, w.extent});
    w.threads = static_cast<int>(std::max<int64_t>(threads, 1));
    w.pieces = std::min<int64_t>(w.extent, std::max<int64_t>(w.threads, numel / kPieceElements));
    w.shared_outputs = p.dims[w.dim].reduced() && w.threads > 1;
    return w;
}

// The partials of threads 1..n-1 when threads share outputs (thread 0 uses the caller's buffers),
// each filled with the empty partial and folded into the caller's at the end.
class PrivatePartials {
public:
    PrivatePartials(int threads, int64_t numel_out) : n_(numel_out) {
        if (threads <= 1) return;
        buf_.resize(static_cast<size_t>(2 * n_ * (threads - 1)));
        for (int t = 1; t < threads; ++t) {
            std::fill(keys(t), keys(t) + n_, kEmptyKey);
            std::fill(indices(t), indices(t) + n_, kEmptyIndex);
        }
    }
    int64_t* keys(int t) { return buf_.data() + 2 * n_ * (t - 1); }
    int64_t* indices(int t) { return keys(t) + n_; }
    void merge_into_first(int threads, int64_t* keys0, int64_t* indices0) {
        for (int t = 1; t < threads; ++t) merge_partials(keys0, indices0, keys(t), indices(t), n_);
    }

private:
    int64_t n_;
    std::vector<int64_t> buf_;
};

// With a presence mask, an output whose slice had no present element holds the widest key
// (executor.hpp); it becomes the empty partial, which any real element beats in a later merge and
// which the caller reports as an empty slice.
void mark_empty_slices(const Request& r, int64_t* keys) {
    const int64_t empty = masked_empty_key(r.layout.dtype);
    for (int64_t i = 0; i < r.numel_out; ++i)
        if (keys[i] == empty) {
            keys[i] = kEmptyKey;
            r.indices[i] = kEmptyIndex;
        }
}

}  // namespace

Status run(const Request& r) {
    if (r.numel_out == 0) return Status::Ok;
    const Plan plan = make_plan(r.layout);
    const Problem& p = plan.problem;
    const Keying keying{r.layout.dtype, r.layout.swapped, r.rule};
    const int itemsize = info(r.layout.dtype).itemsize;
    const WorkSplit w = split_work(p, itemsize, r.threads);

    // Without caller keys, a single pass needs none; anything else folds through keys of its own.
    std::vector<int64_t> own_keys;
    int64_t* keys = r.keys;
    if (!keys && !(w.dim >= 0 && single_pass(plan, w.dim, w.pieces, itemsize))) {
        own_keys.resize(static_cast<size_t>(r.numel_out));
        keys = own_keys.data();
    }
    if (keys) {
        std::fill(keys, keys + r.numel_out, kEmptyKey);
        std::fill(r.indices, r.indices + r.numel_out, kEmptyIndex);
    }
    if (w.dim < 0) {  // a single element
        execute_serial(p, plan.kind, plan.row_dim, keying, keys, r.indices);
        if (p.mask) mark_empty_slices(r, keys);
        return Status::Ok;
    }

    PrivatePartials privates(w.shared_outputs ? w.threads : 1, r.numel_out);
    std::atomic<bool> stop{false};
    auto poll = [&] {
        if (!stop.load(std::memory_order_relaxed) && r.interrupted()) stop.store(true);
    };
    auto job = [&](int t) {
        const bool own = w.shared_outputs && t > 0;
        int64_t* k = own ? privates.keys(t) : keys;
        int64_t* idx = own ? privates.indices(t) : r.indices;
        const int64_t first = w.pieces * t / w.threads, last = w.pieces * (t + 1) / w.threads;
        for (int64_t i = first; i < last && !stop.load(std::memory_order_relaxed); ++i) {
            const Problem piece = slice(p, w.dim, w.extent * i / w.pieces, w.extent * (i + 1) / w.pieces);
            execute_serial(piece, plan.kind, plan.row_dim, keying, k, idx);
            if (t == 0) poll();  // Ctrl-C is noticed between pieces
        }
    };
    parallel_run(w.threads, job, poll);
    if (stop.load()) return Status::Interrupted;
    if (w.shared_outputs) privates.merge_into_first(w.threads, keys, r.indices);
    if (p.mask) mark_empty_slices(r, keys);
    return Status::Ok;
}

}  // namespace argreduce
